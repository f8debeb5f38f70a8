#include "gateway/server/filter_chain.h"

#include "gateway/metrics/metrics_registry.h"

namespace isagw::server {

FilterChain::FilterChain(std::vector<std::unique_ptr<RequestFilter>> filters,
                         std::shared_ptr<RequestHandler> handler)
    : filters_(std::move(filters)), handler_(std::move(handler)) {}

std::optional<HttpResponse> FilterChain::Admit(const HttpRequest& head) {
  for (const auto& filter : filters_) {
    if (auto refusal = filter->OnHeaders(head)) return refusal;
  }
  return handler_->Admit(head);
}

HttpResponse FilterChain::Handle(const HttpRequest& request) { return handler_->Handle(request); }

std::optional<std::uint64_t> FilterChain::BodyLimit(const HttpRequest& head) const {
  return handler_->BodyLimit(head);
}

std::string FilterChain::RouteLabel(const HttpRequest& head) const {
  return handler_->RouteLabel(head);
}

bool IsConsolePath(std::string_view path) {
  return path == "/console" || path.starts_with("/console/");
}

std::optional<HttpResponse> IdentityFilter::OnHeaders(const HttpRequest& head) {
  const bool console = IsConsolePath(head.Path());
  if (!head.person_id.empty()) {
    if (console) return std::nullopt;
    return ProblemResponse(ForbiddenProblem(
        "a person's certificate opens the console (/console/) only; the message API is for "
        "agencies' systems"));
  }
  if (head.agency_id.empty()) {
    return ProblemResponse(ForbiddenProblem("the client certificate identifies no agency"));
  }
  if (!console) return std::nullopt;
  return ProblemResponse(ForbiddenProblem(
      "the console is for people signed in with their own certificates, not agencies' systems"));
}

std::string RateLimitKey(const HttpRequest& head) {
  return head.person_id.empty() ? head.agency_id : "person:" + head.person_id;
}

RateLimitFilter::RateLimitFilter(std::shared_ptr<TokenBucketRateLimiter> limiter,
                                 metrics::MetricsRegistry& metrics)
    : limiter_(std::move(limiter)), metrics_(metrics) {}

std::optional<HttpResponse> RateLimitFilter::OnHeaders(const HttpRequest& head) {
  const std::string key = RateLimitKey(head);
  const auto decision = limiter_->TryAcquire(key);
  if (decision.allowed) return std::nullopt;
  metrics_
      .GetCounter("isagw_rate_limited_total",
                  "Requests refused with 429 by the per-agency rate limit", {{"agency", key}})
      .Increment();
  HttpResponse response = ProblemResponse(RateLimitedProblem());
  response.headers.push_back({"Retry-After", std::to_string(decision.retry_after.count())});
  return response;
}

ContentFilter::ContentFilter(std::uint64_t default_body_limit, RouteLimit route_limit)
    : default_body_limit_(default_body_limit), route_limit_(std::move(route_limit)) {}

std::optional<HttpResponse> ContentFilter::OnHeaders(const HttpRequest& head) {
  std::uint64_t limit = default_body_limit_;
  if (route_limit_) limit = route_limit_(head).value_or(default_body_limit_);
  if (head.content_length && *head.content_length > limit) {
    return ProblemResponse(TooLargeProblem("the request body is over this route's limit of " +
                                           std::to_string(limit) + " bytes"));
  }
  const std::string* encoding = head.Header("Content-Encoding");
  if (encoding != nullptr && !encoding->empty() && *encoding != "identity") {
    return ProblemResponse(UnsupportedMediaTypeProblem(
        "compressed request bodies (Content-Encoding) are not accepted"));
  }
  return std::nullopt;
}

std::shared_ptr<RequestHandler> MakeApiFilterChain(std::shared_ptr<RequestHandler> handler,
                                                   std::shared_ptr<TokenBucketRateLimiter> limiter,
                                                   metrics::MetricsRegistry& metrics,
                                                   std::uint64_t default_body_limit) {
  std::vector<std::unique_ptr<RequestFilter>> filters;
  filters.push_back(std::make_unique<IdentityFilter>());
  filters.push_back(std::make_unique<RateLimitFilter>(std::move(limiter), metrics));
  filters.push_back(std::make_unique<ContentFilter>(
      default_body_limit, [handler](const HttpRequest& head) { return handler->BodyLimit(head); }));
  return std::make_shared<FilterChain>(std::move(filters), std::move(handler));
}

}  // namespace isagw::server
