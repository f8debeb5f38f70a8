// FilterChain: the ordered checks every API request passes before the
// handler sees it (Envoy-style): identity, then rate limit, then size and
// content checks, then the handler. Each filter does one job and may
// answer the request itself, which ends the chain.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/server/rate_limiter.h"
#include "gateway/server/request_handler.h"

namespace isagw::metrics {
class MetricsRegistry;
}

namespace isagw::server {

class RequestFilter {
 public:
  virtual ~RequestFilter() = default;
  // Looks at the request line and headers (the body is not read yet);
  // a response refuses the request. Thread-safe.
  virtual std::optional<HttpResponse> OnHeaders(const HttpRequest& head) = 0;
};

class FilterChain final : public RequestHandler {
 public:
  FilterChain(std::vector<std::unique_ptr<RequestFilter>> filters,
              std::shared_ptr<RequestHandler> handler);

  // Every filter in order, then the handler's own Admit.
  std::optional<HttpResponse> Admit(const HttpRequest& head) override;
  HttpResponse Handle(const HttpRequest& request) override;
  std::optional<std::uint64_t> BodyLimit(const HttpRequest& head) const override;
  std::string RouteLabel(const HttpRequest& head) const override;

 private:
  std::vector<std::unique_ptr<RequestFilter>> filters_;
  std::shared_ptr<RequestHandler> handler_;
};

// True for the web console's paths: "/console" and everything under
// "/console/".
bool IsConsolePath(std::string_view path);

// Keeps each kind of client to its own part of the listener, and refuses
// (403) a request that carries no authenticated identity at all: an
// agency's certificate reaches the message API only, a person's the
// console (/console/) only. The listener never passes an unidentified
// request; this keeps the chain deny-by-default if it is reused elsewhere.
class IdentityFilter final : public RequestFilter {
 public:
  std::optional<HttpResponse> OnHeaders(const HttpRequest& head) override;
};

// What a rate is kept per: the agency id, or "person:<id>" for a console
// user, so a person never spends their agency's API budget.
std::string RateLimitKey(const HttpRequest& head);

// Per-agency token bucket: 429 with Retry-After and a problem body when
// the agency (or person) is over its rate. Counts refusals in
// isagw_rate_limited_total{agency}.
class RateLimitFilter final : public RequestFilter {
 public:
  RateLimitFilter(std::shared_ptr<TokenBucketRateLimiter> limiter,
                  metrics::MetricsRegistry& metrics);
  std::optional<HttpResponse> OnHeaders(const HttpRequest& head) override;

 private:
  std::shared_ptr<TokenBucketRateLimiter> limiter_;
  metrics::MetricsRegistry& metrics_;
};

// Size and content checks: a declared body over the route's limit (413),
// a compressed body (415: Content-Encoding is not supported). Bodies sent
// without a length are held to the same limit while they are read.
class ContentFilter final : public RequestFilter {
 public:
  // `route_limit` gives a route's own limit, if it has one.
  using RouteLimit = std::function<std::optional<std::uint64_t>(const HttpRequest&)>;
  ContentFilter(std::uint64_t default_body_limit, RouteLimit route_limit);
  std::optional<HttpResponse> OnHeaders(const HttpRequest& head) override;

 private:
  std::uint64_t default_body_limit_;
  RouteLimit route_limit_;
};

// The standard chain for the API listener: identity -> rate limit ->
// content -> handler.
std::shared_ptr<RequestHandler> MakeApiFilterChain(std::shared_ptr<RequestHandler> handler,
                                                   std::shared_ptr<TokenBucketRateLimiter> limiter,
                                                   metrics::MetricsRegistry& metrics,
                                                   std::uint64_t default_body_limit);

}  // namespace isagw::server
