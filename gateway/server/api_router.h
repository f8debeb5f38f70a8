// ApiRouter: maps the HTTP API's routes onto ApiService methods, and
// answers everything else: 404 for unknown paths, 405 (with Allow) for a
// known path with the wrong method, 415 for a POST body in a media type
// the route does not take. Route decisions are made from the headers
// alone (Admit), so refused bodies are never read.
//
//   POST /v1/messages           compact+json, council+xml, rhi+json, json
//   POST /v1/batches            x-ndjson, text/csv
//   GET  /v1/messages/{id}
//   GET  /v1/inbox
//   GET  /v1/inbox/{id}
//   POST /v1/inbox/{id}/ack     (no body needed; any or no media type)
//   POST /v1/inbox/{id}/action  json
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/server/api_service.h"
#include "gateway/server/request_handler.h"

namespace isagw::server {

// The media types of POST /v1/messages and the format each names.
std::optional<adapters::Format> MessageFormatForMediaType(std::string_view media_type);
std::optional<BatchFormat> BatchFormatForMediaType(std::string_view media_type);

// True for an id the API accepts in a path: 1-128 of [A-Za-z0-9._-]
// (no percent-escapes, so one id has one spelling).
bool IsValidResourceId(std::string_view id);

class ApiRouter final : public RequestHandler {
 public:
  // Batches may be larger than the server's default body limit.
  explicit ApiRouter(std::shared_ptr<ApiService> service,
                     std::uint64_t batch_body_limit_bytes = 8 * 1024 * 1024);

  std::optional<HttpResponse> Admit(const HttpRequest& head) override;
  HttpResponse Handle(const HttpRequest& request) override;
  std::optional<std::uint64_t> BodyLimit(const HttpRequest& head) const override;
  // "/v1/messages", "/v1/messages/{id}", "/v1/batches", "/v1/inbox",
  // "/v1/inbox/{id}", "/v1/inbox/{id}/ack", "/v1/inbox/{id}/action", or
  // "unmatched".
  std::string RouteLabel(const HttpRequest& head) const override;

 private:
  std::shared_ptr<ApiService> service_;
  std::uint64_t batch_body_limit_bytes_;
};

}  // namespace isagw::server
