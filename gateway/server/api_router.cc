#include "gateway/server/api_router.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace isagw::server {

namespace {

enum class Route {
  kNone,
  kMessages,
  kMessage,
  kBatches,
  kInbox,
  kInboxItem,
  kInboxAck,
  kInboxAction,
  kReport
};

struct Match {
  Route route = Route::kNone;
  std::string_view id;
};

constexpr std::size_t kMaxIdempotencyKey = 255;
constexpr std::string_view kActionMediaType = "application/json";

bool ConsumePrefix(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

Match MatchPath(std::string_view path) {
  if (path == "/v1/messages") return {Route::kMessages, {}};
  if (path == "/v1/batches") return {Route::kBatches, {}};
  if (path == "/v1/inbox") return {Route::kInbox, {}};
  std::string_view rest = path;
  if (ConsumePrefix(rest, "/v1/messages/")) {
    if (IsValidResourceId(rest)) return {Route::kMessage, rest};
    return {};
  }
  if (ConsumePrefix(rest, "/v1/reports/")) {
    if (IsValidResourceId(rest)) return {Route::kReport, rest};
    return {};
  }
  if (ConsumePrefix(rest, "/v1/inbox/")) {
    const auto slash = rest.find('/');
    const std::string_view id = rest.substr(0, slash);
    if (!IsValidResourceId(id)) return {};
    if (slash == std::string_view::npos) return {Route::kInboxItem, id};
    if (rest.substr(slash) == "/ack") return {Route::kInboxAck, id};
    if (rest.substr(slash) == "/action") return {Route::kInboxAction, id};
  }
  return {};
}

const char* AllowedMethod(Route route) {
  switch (route) {
    case Route::kMessages:
    case Route::kBatches:
    case Route::kInboxAck:
    case Route::kInboxAction:
      return "POST";
    case Route::kMessage:
    case Route::kInbox:
    case Route::kInboxItem:
    case Route::kReport:
      return "GET";
    case Route::kNone:
      break;
  }
  return "";
}

const char* Label(Route route) {
  switch (route) {
    case Route::kMessages:
      return "/v1/messages";
    case Route::kMessage:
      return "/v1/messages/{id}";
    case Route::kBatches:
      return "/v1/batches";
    case Route::kInbox:
      return "/v1/inbox";
    case Route::kInboxItem:
      return "/v1/inbox/{id}";
    case Route::kInboxAck:
      return "/v1/inbox/{id}/ack";
    case Route::kInboxAction:
      return "/v1/inbox/{id}/action";
    case Route::kReport:
      return "/v1/reports/{name}";
    case Route::kNone:
      break;
  }
  return "unmatched";
}

constexpr std::array<std::pair<std::string_view, adapters::Format>, 4> kMessageMediaTypes = {{
    {"application/vnd.isagw.compact+json", adapters::Format::kCompact},
    {"application/vnd.isagw.council+xml", adapters::Format::kCouncilXml},
    {"application/vnd.isagw.rhi+json", adapters::Format::kRhi},
    {"application/json", adapters::Format::kCanonical},
}};

constexpr std::array<std::pair<std::string_view, BatchFormat>, 2> kBatchMediaTypes = {{
    {"application/x-ndjson", BatchFormat::kNdjson},
    {"text/csv", BatchFormat::kCsv},
}};

std::optional<HttpResponse> CheckIdempotencyKey(const HttpRequest& head) {
  const std::string* key = head.Header("Idempotency-Key");
  if (key == nullptr) return std::nullopt;
  const bool printable =
      std::all_of(key->begin(), key->end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  if (!key->empty() && key->size() <= kMaxIdempotencyKey && printable) return std::nullopt;
  Problem problem = MalformedRequestProblem(
      "the Idempotency-Key header must be 1 to 255 visible ASCII characters");
  problem.errors.push_back({"", key->size() > kMaxIdempotencyKey ? "too_long" : "pattern",
                            "Idempotency-Key is not 1 to 255 visible ASCII characters"});
  return ProblemResponse(problem);
}

}  // namespace

std::optional<adapters::Format> MessageFormatForMediaType(std::string_view media_type) {
  for (const auto& [name, format] : kMessageMediaTypes) {
    if (name == media_type) return format;
  }
  return std::nullopt;
}

std::optional<BatchFormat> BatchFormatForMediaType(std::string_view media_type) {
  for (const auto& [name, format] : kBatchMediaTypes) {
    if (name == media_type) return format;
  }
  return std::nullopt;
}

bool IsValidResourceId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

ApiRouter::ApiRouter(std::shared_ptr<ApiService> service, std::uint64_t batch_body_limit_bytes)
    : service_(std::move(service)), batch_body_limit_bytes_(batch_body_limit_bytes) {}

std::optional<std::uint64_t> ApiRouter::BodyLimit(const HttpRequest& head) const {
  if (MatchPath(head.Path()).route == Route::kBatches) return batch_body_limit_bytes_;
  return std::nullopt;
}

std::string ApiRouter::RouteLabel(const HttpRequest& head) const {
  return Label(MatchPath(head.Path()).route);
}

std::optional<HttpResponse> ApiRouter::Admit(const HttpRequest& head) {
  const Match match = MatchPath(head.Path());
  if (match.route == Route::kNone) return ProblemResponse(NotFoundProblem());
  if (head.method != AllowedMethod(match.route)) {
    HttpResponse response = ProblemResponse(MethodNotAllowedProblem());
    response.headers.push_back({"Allow", AllowedMethod(match.route)});
    return response;
  }
  if (match.route == Route::kMessages && !MessageFormatForMediaType(head.MediaType())) {
    return ProblemResponse(UnsupportedMediaTypeProblem(
        "POST /v1/messages takes application/vnd.isagw.compact+json, "
        "application/vnd.isagw.council+xml, application/vnd.isagw.rhi+json or application/json"));
  }
  if (match.route == Route::kBatches && !BatchFormatForMediaType(head.MediaType())) {
    return ProblemResponse(
        UnsupportedMediaTypeProblem("POST /v1/batches takes application/x-ndjson or text/csv"));
  }
  if (match.route == Route::kInboxAction && head.MediaType() != kActionMediaType) {
    return ProblemResponse(
        UnsupportedMediaTypeProblem("POST /v1/inbox/{id}/action takes application/json"));
  }
  return CheckIdempotencyKey(head);
}

namespace {

// How long an agency is asked to wait after a 503.
constexpr std::chrono::seconds kUnavailableRetryAfter{5};

HttpResponse Dispatch(ApiService& service, const Match& match, const ApiCall& call) {
  switch (match.route) {
    case Route::kMessages:
      return service.SubmitMessage(call, *MessageFormatForMediaType(call.media_type));
    case Route::kBatches:
      return service.SubmitBatch(call, *BatchFormatForMediaType(call.media_type));
    case Route::kMessage:
      return service.GetMessageStatus(call, match.id);
    case Route::kInbox:
      return service.ListInbox(call);
    case Route::kInboxItem:
      return service.GetInboxItem(call, match.id);
    case Route::kInboxAck:
      return service.AckInboxItem(call, match.id);
    case Route::kInboxAction:
      return service.ActionInboxItem(call, match.id);
    case Route::kReport:
      return service.GetReport(call, match.id);
    case Route::kNone:
      break;
  }
  return ProblemResponse(NotFoundProblem());
}

}  // namespace

HttpResponse ApiRouter::Handle(const HttpRequest& request) {
  // Handle re-checks what Admit decided, so a caller that skips Admit
  // still cannot reach the service with a refused request.
  if (auto refusal = Admit(request)) return *std::move(refusal);

  ApiCall call;
  call.agency_id = request.agency_id;
  call.media_type = request.MediaType();
  if (const std::string* key = request.Header("Idempotency-Key")) call.idempotency_key = *key;
  call.query = std::string(request.Query());
  call.body = request.body;

  HttpResponse response = Dispatch(*service_, MatchPath(request.Path()), call);
  // 503 means the store could not be reached and nothing was stored: say
  // when to try again, so agencies' systems back off rather than hammer
  // (or give up on) a gateway whose database is restarting.
  if (response.status == 503 && response.Header("Retry-After") == nullptr) {
    response.headers.push_back({"Retry-After", std::to_string(kUnavailableRetryAfter.count())});
  }
  return response;
}

}  // namespace isagw::server
