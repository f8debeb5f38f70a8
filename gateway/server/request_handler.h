// RequestHandler: what the server calls for each authenticated request on
// the API listener. The server owns sockets, TLS, limits and timeouts; a
// handler only turns a request into a response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "gateway/server/http_message.h"

namespace isagw::server {

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;

  // Called with the request line and headers (body still empty) before the
  // body is read. A response refuses the request there, so a refused client
  // does not get to upload its body. The default admits everything.
  virtual std::optional<HttpResponse> Admit(const HttpRequest& head) {
    (void)head;
    return std::nullopt;
  }

  // The response to a whole request. Runs on a worker thread, possibly on
  // several at once: implementations must be thread-safe. May block (e.g.
  // on the store); it does not stall connections. An exception becomes a
  // logged 500 problem.
  virtual HttpResponse Handle(const HttpRequest& request) = 0;

  // The body limit for this request when its route wants another than the
  // server's default (a batch is larger than one message).
  virtual std::optional<std::uint64_t> BodyLimit(const HttpRequest& head) const {
    (void)head;
    return std::nullopt;
  }

  // A bounded label for metrics naming the route the request matched (a
  // template such as "/v1/inbox/{id}", never the raw target).
  virtual std::string RouteLabel(const HttpRequest& head) const {
    (void)head;
    return "all";
  }
};

}  // namespace isagw::server
