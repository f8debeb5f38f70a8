// PathDispatch: one listener, two handlers. Requests under a path prefix
// (the console's "/console") go to one handler, everything else to the
// other (the message API). Which client may reach which part is the
// IdentityFilter's decision, made before either handler is asked.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gateway/server/request_handler.h"

namespace isagw::server {

class PathDispatch final : public RequestHandler {
 public:
  using Matches = std::function<bool(std::string_view path)>;
  PathDispatch(Matches matches, std::shared_ptr<RequestHandler> matched,
               std::shared_ptr<RequestHandler> rest);

  std::optional<HttpResponse> Admit(const HttpRequest& head) override;
  HttpResponse Handle(const HttpRequest& request) override;
  std::optional<std::uint64_t> BodyLimit(const HttpRequest& head) const override;
  std::string RouteLabel(const HttpRequest& head) const override;

 private:
  RequestHandler& For(const HttpRequest& request) const;

  Matches matches_;
  std::shared_ptr<RequestHandler> matched_;
  std::shared_ptr<RequestHandler> rest_;
};

}  // namespace isagw::server
