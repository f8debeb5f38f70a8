#include "gateway/pipeline/gateway_api_service.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "adapters/compact/compact.h"
#include "gateway/audit/audit_entries.h"
#include "gateway/common/problem.h"
#include "gateway/common/strict_json.h"
#include "gateway/pipeline/business_action.h"
#include "gateway/pipeline/inbox_query.h"
#include "gateway/pipeline/report_query.h"
#include "gateway/reports/report_output.h"
#include "gateway/reports/report_runner.h"
#include "gateway/reports/reports.h"

namespace isagw::pipeline {
namespace {

using nlohmann::json;
using server::HttpResponse;

HttpResponse JsonResponse(int status, const json& body, std::string_view media_type) {
  HttpResponse response;
  response.status = status;
  response.headers.push_back({"Content-Type", std::string(media_type)});
  response.body = body.dump();
  return response;
}

HttpResponse FromAnswer(const IngestAnswer& answer) {
  return JsonResponse(answer.status, answer.body,
                      answer.is_problem() ? server::kProblemMediaType : "application/json");
}

// `not_found` says what is missing in the caller's terms: the same words
// whether the id was never issued or is another agency's.
HttpResponse StoreProblem(const store::StoreError& error, std::string_view not_found) {
  if (error.kind == store::StoreErrorKind::kNotFound) {
    Problem problem = server::NotFoundProblem();
    problem.detail = std::string(not_found);
    return server::ProblemResponse(problem);
  }
  return server::ProblemResponse(
      server::UnavailableProblem("the store could not answer; try again later"));
}

constexpr std::string_view kNoSuchMessage = "this agency sent no message with this id";
constexpr std::string_view kNoSuchItem =
    "this agency's mailbox holds no item with this id (an acknowledged item has left it)";
// One text for an unknown id, another agency's copy, and a copy not (or no
// longer) delivered, so none can be told from the others.
constexpr std::string_view kNoSuchCopy =
    "this agency has no delivered copy with this id (pushed, in its mailbox or acknowledged)";

// The body of POST /v1/inbox/{id}/action. Both members are identifiers,
// never free text: a team or role name and a reference in the recipient's
// own case system.
struct ActionBody {
  std::string team;
  std::optional<std::string> reference;
};

using ActionCheck = std::optional<FieldError> (*)(std::string_view, const std::string&);

std::optional<std::string> ActionText(const json& body, const char* member, ActionCheck check,
                                      FieldErrors& errors) {
  const std::string pointer = JoinPointer("", member);
  const json& value = body.at(member);
  if (!value.is_string()) {
    errors.push_back({pointer, "type", "must be a string"});
    return std::nullopt;
  }
  const auto& text = value.get_ref<const std::string&>();
  if (auto error = check(text, pointer)) {
    errors.push_back(std::move(*error));
    return std::nullopt;
  }
  return text;
}

// Every error found, not only the first, as for a message.
Result<ActionBody, FieldErrors> ParseActionBody(std::string_view text) {
  auto parsed = ParseStrictJson(text);
  if (!parsed.ok()) return Fail(std::move(parsed).error());
  const json& body = *parsed;
  if (!body.is_object()) {
    return Fail(FieldErrors{{"", "type", "the body must be a JSON object"}});
  }
  FieldErrors errors;
  ActionBody action;
  if (!body.contains("team")) {
    errors.push_back({"/team", "required", "is required"});
  } else if (auto team = ActionText(body, "team", CheckActionTeam, errors)) {
    action.team = std::move(*team);
  }
  if (body.contains("reference")) {
    action.reference = ActionText(body, "reference", CheckActionReference, errors);
  }
  for (const auto& member : body.items()) {
    if (member.key() == "team" || member.key() == "reference") continue;
    errors.push_back({JoinPointer("", member.key()), "unknown_field",
                      "is not a field of an action; only team and reference are"});
  }
  if (!errors.empty()) return Fail(std::move(errors));
  return action;
}

// The audit record of a refused message: the problem's type and each
// error's pointer and code, never a reason text or a value.
store::AuditRecord RejectionRecord(const std::string& sender, adapters::Format format,
                                   std::string_view body, int status, const json& problem) {
  audit::MessageRejectedEntry entry;
  entry.sender = sender;
  entry.format = std::string(*adapters::kFormatNames.Name(format));
  entry.status = status;
  constexpr std::string_view kPrefix = "urn:isagw:problem:";
  const std::string type = problem.value("type", std::string());
  entry.problem = type.starts_with(kPrefix) ? type.substr(kPrefix.size()) : type;
  if (const auto errors = problem.find("errors"); errors != problem.end() && errors->is_array()) {
    for (const json& error : *errors) {
      entry.errors.push_back(
          {error.value("pointer", std::string()), error.value("code", std::string())});
    }
  }
  entry.received_hash = audit::BytesHash(body);
  entry.received_size = static_cast<std::int64_t>(body.size());
  return audit::ToAuditRecord(entry);
}

}  // namespace

void GatewayApiService::AuditRejection(const server::ApiCall& call, adapters::Format format,
                                       int status, const json& problem) {
  // 5xx: the gateway failed, not the message; the store is likely the cause.
  if (status >= 500) return;
  // Best effort: the refusal stands whether or not its record is written,
  // and a failure here is the store's, which the next request will show.
  (void)store_.RecordAudit({RejectionRecord(call.agency_id, format, call.body, status, problem)},
                           clock_());
}

GatewayApiService::GatewayApiService(store::Store& store, std::shared_ptr<const GatewayState> state,
                                     Clock clock, AcceptedHook on_accepted,
                                     std::size_t max_batch_records)
    : store_(store),
      pipeline_(store),
      clock_(std::move(clock)),
      on_accepted_(std::move(on_accepted)),
      max_batch_records_(max_batch_records),
      state_(std::move(state)) {}

void GatewayApiService::SwapState(std::shared_ptr<const GatewayState> next) {
  const std::lock_guard lock(state_mutex_);
  state_ = std::move(next);
}

std::shared_ptr<const GatewayState> GatewayApiService::CurrentState() const {
  const std::lock_guard lock(state_mutex_);
  return state_;
}

HttpResponse GatewayApiService::SubmitMessage(const server::ApiCall& call,
                                              adapters::Format format) {
  const auto state = CurrentState();
  IngestRequest request{call.agency_id, format, call.body, call.idempotency_key, clock_()};
  IngestAnswer answer = pipeline_.Submit(*state, request);
  if (answer.is_problem()) AuditRejection(call, format, answer.status, answer.body);
  if (answer.status == 202 && on_accepted_) on_accepted_();
  return FromAnswer(answer);
}

// All-or-nothing for validation: every line is decoded first and any error
// refuses the whole batch with every line's errors. Once decoding passed,
// each record is decided on its own (committed together with the others,
// but undone alone), so a record can still be stale or refused for its
// sender while the others are accepted; the answer lists each record's
// outcome (docs/pipeline.md).
HttpResponse GatewayApiService::SubmitBatch(const server::ApiCall& call,
                                            server::BatchFormat format) {
  const auto state = CurrentState();
  const registry::Agency* sender = state->registry.FindById(call.agency_id);
  if (sender == nullptr) {
    return server::ProblemResponse(
        server::ForbiddenProblem("the caller is not a registered agency"));
  }
  if (!sender->Sends(adapters::Format::kCompact)) {
    return server::ProblemResponse(server::UnsupportedMediaTypeProblem(
        "this agency is not registered to send compact batches"));
  }
  adapters::DecodeOptions options;
  options.lenient = sender->lenient;
  adapters::compact::BatchLimits limits;
  limits.max_records = max_batch_records_;
  auto decoded = format == server::BatchFormat::kNdjson
                     ? adapters::compact::DecodeNdjson(call.body, options, limits)
                     : adapters::compact::DecodeCsv(call.body, options, limits);
  if (!decoded.ok()) {
    const Problem problem = InvalidMessage(decoded.error());
    AuditRejection(call, adapters::Format::kCompact, problem.status, problem.ToJson());
    return server::ProblemResponse(problem);
  }

  const model::Timestamp now = clock_();
  std::vector<IngestRequest> requests;
  requests.reserve(decoded->size());
  for (std::size_t i = 0; i < decoded->size(); ++i) {
    IngestRequest request{call.agency_id, adapters::Format::kCompact, "", std::nullopt, now};
    // Each record's key is the batch's key and its position, so a repeated
    // batch replays every record.
    if (call.idempotency_key)
      request.idempotency_key = *call.idempotency_key + "#" + std::to_string(i);
    requests.push_back(std::move(request));
  }
  // Committed together: a back-fill of a thousand records is a few
  // transactions, not a thousand.
  const std::vector<IngestAnswer> answers = pipeline_.SubmitDecodedAll(*state, requests, *decoded);
  json records = json::array();
  int accepted = 0;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (answers[i].status == 202) ++accepted;
    records.push_back({{"index", i}, {"status", answers[i].status}, {"answer", answers[i].body}});
  }
  if (accepted > 0 && on_accepted_) on_accepted_();
  return JsonResponse(202,
                      {{"status", "processed"},
                       {"records", decoded->size()},
                       {"accepted", accepted},
                       {"results", std::move(records)}},
                      "application/json");
}

// The stored 202 answer says what was decided for each recipient (roles,
// agreement, what was withheld); the outbox says where each copy is now.
// The two are joined on the delivery id. Outbox rows the answer does not
// name are the gateway's own notices back to the sender.
HttpResponse GatewayApiService::GetMessageStatus(const server::ApiCall& call,
                                                 std::string_view message_id) {
  auto status = store_.GetMessageStatus(call.agency_id, std::string(message_id));
  if (!status.ok()) return StoreProblem(status.error(), kNoSuchMessage);
  json answer = json::parse(status->answer_json, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded() || !answer.is_object()) answer = json::object();
  std::map<std::string, json> decided;  // by delivery id
  if (const auto it = answer.find("recipients"); it != answer.end() && it->is_array()) {
    for (const json& r : *it) {
      if (r.is_object()) decided[r.value("delivery_id", std::string())] = r;
    }
  }
  json recipients = json::array();
  json notices = json::array();
  for (const auto& r : status->recipients) {
    json entry = {{"delivery_id", r.delivery_id},
                  {"state", std::string(store::DeliveryStateName(r.state))},
                  {"attempts", r.attempts}};
    if (r.last_error) entry["last_error"] = *r.last_error;
    if (r.action) {
      json actioned = {{"at", model::FormatTimestamp(r.action->at)}, {"team", r.action->team}};
      if (r.action->reference) actioned["reference"] = *r.action->reference;
      entry["actioned"] = std::move(actioned);
    }
    const auto found = decided.find(r.delivery_id);
    if (found == decided.end()) {
      notices.push_back(std::move(entry));
      continue;
    }
    json merged = found->second;
    merged.update(entry);
    recipients.push_back(std::move(merged));
  }
  json body = {{"message_id", status->message_id},
               {"status", "accepted"},
               {"kind", status->kind},
               {"received_at", model::FormatTimestamp(status->received_at)},
               {"recipients", std::move(recipients)},
               {"not_sent", answer.value("not_sent", json::array())}};
  if (answer.contains("episode")) body["episode"] = answer["episode"];
  if (answer.contains("dropped_fields")) body["dropped_fields"] = answer["dropped_fields"];
  if (!notices.empty()) body["notices"] = std::move(notices);
  return JsonResponse(200, body, "application/json");
}

// Oldest first. One more item than asked for is read to learn whether
// another page follows: `next_after` appears only then.
HttpResponse GatewayApiService::ListInbox(const server::ApiCall& call) {
  auto query = ParseInboxQuery(call.query);
  if (!query.ok()) return server::ProblemResponse(query.error());
  store::MailboxQuery one_more = *query;
  one_more.limit = query->limit + 1;
  auto items = store_.ListMailbox(call.agency_id, one_more);
  if (!items.ok()) {
    if (items.error().kind != store::StoreErrorKind::kNotFound)
      return StoreProblem(items.error(), kNoSuchItem);
    Problem problem = server::MalformedRequestProblem("the mailbox query was refused");
    problem.errors.push_back({"/query/after", "unknown", "names no item of this agency's mailbox"});
    return server::ProblemResponse(problem);
  }
  const bool more = items->size() > static_cast<std::size_t>(query->limit);
  if (more) items->resize(static_cast<std::size_t>(query->limit));
  json list = json::array();
  for (const store::MailboxItem& item : *items) {
    list.push_back({{"delivery_id", item.delivery_id},
                    {"message_id", item.message_id},
                    {"content_type", item.content_type},
                    {"created_at", model::FormatTimestamp(item.created_at)}});
  }
  json body = {{"items", std::move(list)}};
  if (more) body["next_after"] = items->back().delivery_id;
  return JsonResponse(200, body, "application/json");
}

HttpResponse GatewayApiService::GetInboxItem(const server::ApiCall& call,
                                             std::string_view item_id) {
  // The message id is not known before the fetch; the delivery id names it.
  std::vector<store::AuditRecord> audit{
      audit::MailboxReadRecord({std::string(item_id), "", call.agency_id})};
  auto item = store_.FetchMailboxItem(call.agency_id, std::string(item_id), std::move(audit));
  if (!item.ok()) return StoreProblem(item.error(), kNoSuchItem);
  HttpResponse response;
  response.status = 200;
  response.headers.push_back({"Content-Type", item->content_type});
  response.headers.push_back({"Isagw-Delivery-Id", item->delivery_id});
  response.headers.push_back({"Isagw-Message-Id", item->message_id});
  response.body = std::move(item->payload);
  return response;
}

HttpResponse GatewayApiService::AckInboxItem(const server::ApiCall& call,
                                             std::string_view item_id) {
  std::vector<store::AuditRecord> audit{
      audit::MailboxAckRecord({std::string(item_id), "", call.agency_id})};
  auto acked = store_.AcknowledgeMailboxItem(call.agency_id, std::string(item_id), clock_(),
                                             std::move(audit));
  if (!acked.ok()) return StoreProblem(acked.error(), kNoSuchItem);
  HttpResponse response;
  response.status = 204;  // no body: the item has left the mailbox
  return response;
}

// The first action stands: a repeat answers 204 and changes nothing, so a
// recipient that lost the answer can simply send it again.
HttpResponse GatewayApiService::ActionInboxItem(const server::ApiCall& call,
                                                std::string_view item_id) {
  auto body = ParseActionBody(call.body);
  if (!body.ok()) return server::ProblemResponse(InvalidMessage(std::move(body).error()));
  const store::BusinessAction action{body->team, body->reference, clock_()};
  std::vector<store::AuditRecord> audit{audit::DeliveryActionedRecord(
      {std::string(item_id), call.agency_id, action.team, action.reference.has_value(), ""})};
  auto recorded =
      store_.RecordAction(call.agency_id, std::string(item_id), action, std::move(audit));
  if (!recorded.ok()) return StoreProblem(recorded.error(), kNoSuchCopy);
  HttpResponse response;
  response.status = 204;  // no body, as for an acknowledgement
  return response;
}

HttpResponse GatewayApiService::GetReport(const server::ApiCall& call, std::string_view name) {
  const auto& names = reports::ReportNames();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    return server::ProblemResponse(server::NotFoundProblem());
  }
  auto query = ParseReportQuery(name, call.query);
  if (!query.ok()) return server::ProblemResponse(query.error());
  const std::shared_ptr<const GatewayState> state = CurrentState();
  reports::ReportRequest request;
  request.report = std::string(name);
  request.viewer = call.agency_id;
  if (query->period) request.period = *query->period;
  request.now = clock_();
  request.top = query->top;
  auto run = reports::RunReport(store_, *state, request);
  if (!run.ok()) {
    switch (run.error().kind) {
      case reports::ReportErrorKind::kForbidden:
      case reports::ReportErrorKind::kUnknownAgency:
        return server::ProblemResponse(server::ForbiddenProblem(
            "this agency may not run this report: councils run every report about the children "
            "they are host or placing authority for, police forces the hot spots"));
      case reports::ReportErrorKind::kUnknownReport:
        return server::ProblemResponse(server::NotFoundProblem());
      case reports::ReportErrorKind::kUnavailable:
        break;
    }
    return server::ProblemResponse(
        server::UnavailableProblem("the report could not be made; try again later"));
  }
  auto bytes = reports::FormatReport(run->document, query->output);
  if (!bytes.ok()) {
    Problem problem = server::MalformedRequestProblem("the report has no such table or chart");
    const char* pointer =
        query->output.format == reports::OutputFormat::kPng ? "/query/chart" : "/query/table";
    problem.errors.push_back({pointer, "unknown", bytes.error()});
    return server::ProblemResponse(problem);
  }
  HttpResponse response;
  response.status = 200;
  response.headers.push_back(
      {"Content-Type", std::string(reports::MediaTypeOf(query->output.format))});
  // A report lists children: no cache may keep it.
  response.headers.push_back({"Cache-Control", "no-store"});
  response.body = std::move(*bytes);
  return response;
}

}  // namespace isagw::pipeline
