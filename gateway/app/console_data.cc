#include "gateway/app/console_data.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "adapters/translator.h"
#include "gateway/audit/audit_entries.h"
#include "gateway/audit/audit_verifier.h"
#include "gateway/audit/child_pseudonym.h"
#include "gateway/audit/subject_report.h"
#include "gateway/delivery/non_delivery_notice.h"
#include "gateway/model/time.h"
#include "gateway/pipeline/business_action.h"
#include "gateway/pipeline/explain_message.h"
#include "gateway/pipeline/ingest_pipeline.h"
#include "gateway/policy/explain.h"
#include "gateway/reports/report_period.h"
#include "gateway/reports/report_runner.h"
#include "gateway/reports/reports.h"
#include "gateway/safeguarding/timer_plan.h"
#include "gateway/server/http_message.h"

namespace isagw::app {
namespace {

// How many dead letters the page lists: the newest, enough to act on.
constexpr std::size_t kDeadLetterPage = 200;
// How many disclosures one audit search shows or exports; the CLI has no
// limit, for the rare search that needs more.
constexpr std::size_t kAuditSearchLimit = 1000;
// How many non-delivery notices the page lists, newest first.
constexpr std::size_t kNoticePage = 200;
// Urgent alerts listed per recipient; an alert whose deadline fired stays
// on the list this long, unless someone acts on it.
constexpr std::size_t kAlertLimit = 200;
constexpr auto kFiredAlertsShownFor = std::chrono::hours(7 * 24);

Problem StoreUnavailable() {
  return server::UnavailableProblem("the store could not be read; try again shortly");
}

// The reporting year (1 April to 31 March, UK calendar: it turns at
// midnight in London) holding `now`, as reports::ParseReportPeriod
// writes it ("2026-27").
std::string ReportingYearOf(model::Timestamp now) {
  const model::Date today = reports::UkDate(now);
  int year = static_cast<int>(today.year());
  if (static_cast<unsigned>(today.month()) < 4) --year;
  const int next = (year + 1) % 100;
  return std::to_string(year) + "-" + (next < 10 ? "0" : "") + std::to_string(next);
}

bool Delivered(store::DeliveryState state) {
  return state == store::DeliveryState::kDelivered || state == store::DeliveryState::kAvailable ||
         state == store::DeliveryState::kAcked;
}

}  // namespace

std::string ReplayDeliveryId(std::string_view dead_id) {
  return pipeline::StableDeliveryId(std::string(dead_id) + "|replay");
}

GatewayConsoleData::GatewayConsoleData(ConsoleDataSources sources) : sources_(std::move(sources)) {}

std::string GatewayConsoleData::AgencyName(std::string_view agency_id) const {
  const auto state = sources_.state();
  const registry::Agency* agency = state->registry.FindById(agency_id);
  return agency != nullptr ? agency->name : std::string(agency_id);
}

std::vector<std::string> GatewayConsoleData::ReportsFor(const console::Viewer& viewer) const {
  std::vector<std::string> names;
  if (viewer.role != "coordinator") return names;
  const auto state = sources_.state();
  const registry::Agency* agency = state->registry.FindById(viewer.agency_id);
  if (agency == nullptr) return names;
  for (const std::string& name : reports::ReportNames()) {
    if (reports::MayRun(*agency, name)) names.push_back(name);
  }
  return names;
}

Result<reports::ReportDocument, Problem> GatewayConsoleData::RunReport(
    const console::Viewer& viewer, std::string_view report, std::string_view period) {
  const auto& names = reports::ReportNames();
  if (std::find(names.begin(), names.end(), report) == names.end()) {
    return Fail(server::NotFoundProblem());
  }
  reports::ReportRequest request;
  request.report = std::string(report);
  request.viewer = viewer.agency_id;
  request.person = viewer.person_id;
  request.now = sources_.now();
  if (report != "daily") {
    // A page opened from the menu has no period yet: this reporting year.
    const std::string text = period.empty() ? ReportingYearOf(request.now) : std::string(period);
    std::string why;
    auto parsed = reports::ParseReportPeriod(text, why);
    if (!parsed) {
      Problem problem = server::MalformedRequestProblem("the period is not one a report takes");
      problem.errors.push_back({"/query/period", "pattern", why});
      return Fail(std::move(problem));
    }
    request.period = std::move(*parsed);
  }
  const auto state = sources_.state();
  auto run = reports::RunReport(*sources_.store, *state, request);
  if (!run.ok()) {
    switch (run.error().kind) {
      case reports::ReportErrorKind::kForbidden:
      case reports::ReportErrorKind::kUnknownAgency:
        return Fail(server::ForbiddenProblem("your agency may not run this report"));
      case reports::ReportErrorKind::kUnknownReport:
        return Fail(server::NotFoundProblem());
      case reports::ReportErrorKind::kUnavailable:
        break;
    }
    return Fail(server::UnavailableProblem("the report could not be made; try again shortly"));
  }
  return std::move(run->document);
}

Result<std::vector<console::RecipientView>, Problem> GatewayConsoleData::Recipients() {
  auto queues = sources_.store->ListRecipientQueues();
  if (!queues.ok()) return Fail(StoreUnavailable());
  const auto state = sources_.state();
  std::vector<console::RecipientView> out;
  out.reserve(queues->size());
  for (store::RecipientQueue& queue : *queues) {
    console::RecipientView view;
    const registry::Agency* agency = state->registry.FindById(queue.recipient);
    view.name = agency != nullptr ? agency->name : queue.recipient;
    view.mode = agency == nullptr                                   ? "gone"
                : agency->delivery == registry::DeliveryMode::kPush ? "push"
                                                                    : "mailbox";
    view.circuit = sources_.circuit ? sources_.circuit(queue.recipient) : "closed";
    view.queue = std::move(queue);
    out.push_back(std::move(view));
  }
  return out;
}

Result<std::vector<store::DeadLetter>, Problem> GatewayConsoleData::DeadLetters() {
  auto dead = sources_.store->ListDeadLetters(kDeadLetterPage);
  if (!dead.ok()) return Fail(StoreUnavailable());
  return std::move(dead).value();
}

Result<std::string, Problem> GatewayConsoleData::Replay(const console::Viewer& viewer,
                                                        std::string_view delivery_id) {
  const std::string new_id = ReplayDeliveryId(delivery_id);
  const nlohmann::json body = {{"v", 1},
                               {"person", viewer.person_id},
                               {"delivery_id", delivery_id},
                               {"replayed_as", new_id}};
  auto replayed =
      sources_.store->ReplayDeadLetter(std::string(delivery_id), new_id, sources_.now(),
                                       {store::AuditRecord{"dead_letter_replayed", body.dump()}});
  if (!replayed.ok()) {
    if (replayed.error().kind == store::StoreErrorKind::kNotFound) {
      return Fail(server::NotFoundProblem());
    }
    // Trying again would never help: its key was destroyed (shredded).
    if (replayed.error().kind == store::StoreErrorKind::kSealing) {
      Problem gone = server::NotFoundProblem();
      gone.detail =
          "the copy's payload can no longer be opened (its key was destroyed), so "
          "there is nothing to replay";
      return Fail(std::move(gone));
    }
    return Fail(StoreUnavailable());
  }
  return std::move(replayed).value();
}

console::PolicyView GatewayConsoleData::Policy() {
  const auto state = sources_.state();
  console::PolicyView view;
  view.hash = state->policies.hash();
  for (const auto& isa : state->policies.agreements()) view.isas.push_back(isa.id);
  if (sources_.policy_history) view.history = sources_.policy_history();
  return view;
}

Result<console::AuditResults, Problem> GatewayConsoleData::SearchAudit(
    const console::Viewer& viewer, const console::AuditQuery& query) {
  const auto state = sources_.state();
  audit::DisclosureQuery search;
  search.party = viewer.agency_id;  // an auditor sees their own agency's disclosures only
  if (!query.identifier_kind.empty()) {
    const audit::ChildPseudonymizer pseudonyms(state->audit_key);
    auto child = pseudonyms.OfIdentifier(query.identifier_kind, query.identifier);
    if (!child.ok()) {
      Problem problem = server::MalformedRequestProblem("the identifier is not one");
      problem.errors.push_back({"/form/identifier", "pattern", child.error()});
      return Fail(std::move(problem));
    }
    search.child = std::move(*child);
  }
  if (!query.recipient.empty()) search.recipient = query.recipient;
  if (!query.from.empty()) {
    std::string why;
    auto period = reports::ParseReportPeriod(query.from + ".." + query.to, why);
    if (!period) {
      Problem problem = server::MalformedRequestProblem("the period is not one");
      problem.errors.push_back({"/form/from", "pattern", why});
      return Fail(std::move(problem));
    }
    search.from = period->from;
    search.to = period->to;
  }

  Result<audit::FoundDisclosures, audit::AuditLogError> found = Fail(audit::AuditLogError{});
  {
    std::lock_guard lock(audit_mutex_);
    if (!sources_.audit_log) return Fail(StoreUnavailable());
    found = audit::FindDisclosures(*sources_.audit_log, search, kAuditSearchLimit);
  }
  if (!found.ok()) return Fail(StoreUnavailable());

  // The search goes into the audit before anything of it is shown.
  nlohmann::json body = {{"v", 1},
                         {"person", viewer.person_id},
                         {"agency", viewer.agency_id},
                         {"via", "console"},
                         {"format", query.format},
                         {"disclosures", found->disclosures.size()},
                         {"truncated", found->truncated}};
  if (search.child) {
    body["subject"] = search.child->str();
    body["identifier"] = query.identifier_kind;
  }
  if (search.recipient) body["recipient"] = *search.recipient;
  if (search.from) {
    body["from"] = query.from;
    body["to"] = query.to;
  }
  if (auto recorded =
          sources_.store->RecordAudit({{"audit_searched", body.dump()}}, sources_.now());
      !recorded.ok()) {
    return Fail(server::UnavailableProblem(
        "the search could not be recorded in the audit, so nothing of it is shown"));
  }
  return console::AuditResults{std::move(found->disclosures), found->truncated};
}

Result<console::AuditCheck, Problem> GatewayConsoleData::VerifyAudit(
    const console::Viewer& /*viewer*/) {
  audit::VerifyOptions options;
  options.trusted_keys = sources_.trusted_keys;
  // A young log has no checkpoint yet; the page says how many entries no
  // checkpoint covers instead of failing them all.
  options.require_checkpoint = false;
  audit::VerifyReport report;
  {
    std::lock_guard lock(audit_mutex_);
    if (!sources_.audit_log) return Fail(StoreUnavailable());
    report = audit::VerifyAuditLog(*sources_.audit_log, options);
  }
  console::AuditCheck check;
  check.ok = report.ok();
  check.entries = report.entries;
  check.checkpoints = report.checkpoints;
  check.last_signed_seq = report.last_signed_seq;
  check.unsigned_entries = report.unsigned_entries;
  if (report.failure) {
    check.failure = report.failure->code;
    if (report.failure->seq) check.failure += " at entry " + std::to_string(*report.failure->seq);
    check.failure += ": " + report.failure->reason;
  }
  return check;
}

std::vector<reports::LineChart> GatewayConsoleData::MetricsCharts() {
  std::vector<reports::LineChart> charts;
  if (sources_.metrics_history == nullptr) return charts;
  const auto samples = sources_.metrics_history->Samples();
  if (samples.size() < 2) return charts;

  auto total = [](const metrics::MetricsHistory::Sample& sample, std::string_view name) {
    auto it = sample.totals.find(name);
    return it == sample.totals.end() ? 0.0 : it->second;
  };
  // A counter's increase between two samples, per minute; a restart of
  // the count (never, in one process) reads as zero, not negative.
  auto per_minute = [&](std::size_t i, std::string_view name) {
    const double seconds = std::chrono::duration<double>(samples[i].at - samples[i - 1].at).count();
    const double delta = total(samples[i], name) - total(samples[i - 1], name);
    return seconds > 0 && delta > 0 ? delta * 60.0 / seconds : 0.0;
  };
  std::vector<std::string> labels;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    const auto at = std::chrono::time_point_cast<std::chrono::seconds>(samples[i].at);
    labels.push_back(model::FormatTimestamp(at).substr(11, 5));  // "HH:MM"
  }
  auto rates = [&](std::string title,
                   const std::vector<std::pair<std::string, std::string_view>>& series) {
    reports::LineChart chart;
    chart.title = std::move(title);
    chart.x_labels = labels;
    for (const auto& [name, metric] : series) {
      reports::LineChart::Series line{name, {}};
      for (std::size_t i = 1; i < samples.size(); ++i) line.values.push_back(per_minute(i, metric));
      chart.series.push_back(std::move(line));
    }
    charts.push_back(std::move(chart));
  };
  rates("Requests per minute", {{"answered", "isagw_http_requests_total"},
                                {"rate limited", "isagw_rate_limited_total"},
                                {"refused at TLS", "isagw_tls_handshake_refusals_total"}});
  rates("Deliveries per minute", {{"push attempts", "isagw_delivery_attempts_total"},
                                  {"store errors", "isagw_delivery_store_errors_total"}});
  reports::LineChart open;
  open.title = "Open connections";
  open.x_labels = labels;
  reports::LineChart::Series line{"agencies and people", {}};
  for (std::size_t i = 1; i < samples.size(); ++i) {
    line.values.push_back(total(samples[i], "isagw_connections_active"));
  }
  open.series.push_back(std::move(line));
  charts.push_back(std::move(open));
  return charts;
}

Result<nlohmann::json, Problem> GatewayConsoleData::Explain(const console::Viewer& /*viewer*/,
                                                            const console::ExplainForm& form) {
  const auto format = adapters::ParseFormat(form.format);
  if (!format) {
    Problem problem =
        server::MalformedRequestProblem("the explain form is not one this page takes");
    problem.errors.push_back(
        {"/form/format", "enum", "must be compact, council-xml, rhi or canonical"});
    return Fail(std::move(problem));
  }
  const auto state = sources_.state();
  pipeline::ExplainRequest request;
  request.format = *format;
  request.message = form.message;
  request.from = form.from;
  request.to = form.to;
  request.host_la = form.host_la;
  request.placing_la = form.placing_la;
  auto explained = pipeline::ExplainMessage(state->registry, state->policies,
                                            *state->pseudonym_keys, request, sources_.now());
  if (!explained.ok()) {
    // The form's fields are the request's: point at them there.
    Problem problem = std::move(explained).error();
    for (FieldError& e : problem.errors) e.pointer = "/form" + e.pointer;
    return Fail(std::move(problem));
  }
  nlohmann::json out =
      policy::ExplainJson(explained->decision, explained->copy ? &*explained->copy : nullptr);
  nlohmann::json notes = nlohmann::json::array();
  for (const pipeline::ExplainNote& note : explained->notes) notes.push_back(note.text);
  out["notes"] = std::move(notes);
  return out;
}

Result<std::vector<console::NoticeView>, Problem> GatewayConsoleData::Notices() {
  auto copies = sources_.store->ListCopiesOfFormat(delivery::kNoticeFormat, kNoticePage);
  if (!copies.ok()) return Fail(StoreUnavailable());
  std::vector<console::NoticeView> notices;
  notices.reserve(copies->size());
  for (const store::CopyRecord& copy : *copies) {
    console::NoticeView view;
    view.notice_id = copy.delivery.id;
    view.to = copy.delivery.recipient;
    view.message_id = copy.delivery.message_id;
    view.made_at = copy.created_at;
    view.state = std::string(store::DeliveryStateName(copy.state));
    // The notice is a problem document the gateway wrote: ids, a reason
    // class and counts, no personal data. One that can no longer be
    // opened (its key destroyed) is listed without them.
    if (copy.opened) {
      const auto problem = nlohmann::json::parse(copy.delivery.payload, nullptr, false);
      if (problem.is_object()) {
        view.about_delivery = problem.value("delivery_id", "");
        view.recipient = problem.value("recipient", "");
        view.reason = problem.value("reason", "");
        view.attempts = problem.value("attempts", 0);
      }
    }
    notices.push_back(std::move(view));
  }
  return notices;
}

console::HealthView GatewayConsoleData::Health() {
  console::HealthView health;
  const auto state = sources_.state();
  health.policy_hash = state->policies.hash();
  if (sources_.policy_history) {
    for (const console::PolicyEvent& e : sources_.policy_history()) {
      if (e.outcome == "loaded") continue;
      health.last_reload = e.outcome + " at " + e.at;
      break;  // newest first
    }
  }
  health.store_answers = sources_.store->Ping().ok();
  if (!health.store_answers) return health;
  if (auto queues = sources_.store->ListRecipientQueues(); queues.ok()) {
    health.recipients = static_cast<int>(queues->size());
    for (const store::RecipientQueue& q : *queues) {
      health.pending += q.pending;
      health.dead += q.dead;
      health.available += q.available;
      if (q.oldest_pending &&
          (!health.oldest_pending || *q.oldest_pending < *health.oldest_pending))
        health.oldest_pending = q.oldest_pending;
      if (sources_.circuit && sources_.circuit(q.recipient) != "closed") {
        const registry::Agency* agency = state->registry.FindById(q.recipient);
        health.open_circuits.push_back(agency != nullptr ? agency->name : q.recipient);
      }
    }
  } else {
    health.store_answers = false;
  }
  if (auto notices = sources_.store->ListCopiesOfFormat(delivery::kNoticeFormat, kNoticePage);
      notices.ok()) {
    const model::Timestamp since = sources_.now() - std::chrono::hours(24);
    health.notices_last_day = static_cast<int>(
        std::count_if(notices->begin(), notices->end(),
                      [&](const store::CopyRecord& n) { return n.created_at >= since; }));
  } else {
    health.store_answers = false;
  }
  return health;
}

std::vector<std::string> GatewayConsoleData::AlertRecipients(const console::Viewer& viewer) const {
  std::vector<std::string> recipients;
  const auto state = sources_.state();
  const registry::Agency* agency = state->registry.FindById(viewer.agency_id);
  if (agency == nullptr || viewer.role != "coordinator") return recipients;
  recipients.push_back(agency->id);
  for (const std::string& duty : agency->duty_contacts) recipients.push_back(duty);
  return recipients;
}

Result<std::vector<console::AlertView>, Problem> GatewayConsoleData::Alerts(
    const console::Viewer& viewer) {
  const std::vector<std::string> recipients = AlertRecipients(viewer);
  if (recipients.empty()) return Fail(server::ForbiddenProblem("your agency receives no alerts"));
  const auto state = sources_.state();
  const registry::Agency& agency = *state->registry.FindById(viewer.agency_id);
  const model::Timestamp now = sources_.now();

  std::vector<store::UrgentCopy> copies;
  for (const std::string& recipient : recipients) {
    auto listed =
        sources_.store->ListUrgentCopies(recipient, now - kFiredAlertsShownFor, kAlertLimit);
    if (!listed.ok()) return Fail(StoreUnavailable());
    std::move(listed->begin(), listed->end(), std::back_inserter(copies));
  }
  std::stable_sort(copies.begin(), copies.end(),
                   [](const store::UrgentCopy& a, const store::UrgentCopy& b) {
                     return a.deadline.timer.due_at < b.deadline.timer.due_at;
                   });
  if (copies.size() > kAlertLimit) copies.resize(kAlertLimit);

  std::vector<console::AlertView> alerts;
  nlohmann::json listed = nlohmann::json::array();
  for (const store::UrgentCopy& c : copies) {
    console::AlertView a;
    a.delivery_id = c.delivery_id;
    a.message_id = c.message_id;
    a.police_ref = c.episode_ref.value_or("");
    a.message_kind = c.message_kind;
    a.recipient = c.recipient;
    const registry::Agency* to = state->registry.FindById(c.recipient);
    a.recipient_name = to != nullptr ? to->name : c.recipient;
    a.delivery = std::string(store::DeliveryStateName(c.state));
    a.acknowledgement =
        c.deadline.timer.kind == safeguarding::kUrgentAckBusiness ? "business" : "transport";
    a.received_at = c.created_at;
    a.due_at = c.deadline.timer.due_at;
    // Whole minutes, rounded towards the deadline's side: "due in 0
    // minutes" only in its last minute.
    a.minutes_left = std::chrono::floor<std::chrono::minutes>(a.due_at - now).count();
    if (c.deadline.state == store::TimerState::kArmed) {
      a.status = a.due_at > now ? "waiting" : "overdue";
    } else {
      // Fired: step N went on to the Nth duty endpoint, or, with none left,
      // to the sender as a notice (ingest_pipeline.cc, FireUrgentDeadline).
      auto spec = safeguarding::SpecFromJson(c.deadline.timer.spec_json);
      const std::size_t step =
          spec.ok() ? static_cast<std::size_t>(std::max(0, spec->contact_step.value_or(0))) : 0;
      if (step < agency.duty_contacts.size()) {
        a.status = "escalated";
        const registry::Agency* duty = state->registry.FindById(agency.duty_contacts[step]);
        a.escalated_to = duty != nullptr ? duty->name : agency.duty_contacts[step];
      } else {
        a.status = "unanswered";
      }
    }
    a.may_action = Delivered(c.state);
    listed.push_back(c.delivery_id);
    alerts.push_back(std::move(a));
  }

  // The page names episodes: the view is audited before it is shown.
  const nlohmann::json body = {
      {"v", 1},           {"person", viewer.person_id}, {"agency", viewer.agency_id},
      {"via", "console"}, {"alerts", alerts.size()},    {"delivery_ids", std::move(listed)}};
  if (auto recorded = sources_.store->RecordAudit({{"alerts_viewed", body.dump()}}, now);
      !recorded.ok()) {
    return Fail(server::UnavailableProblem(
        "the view could not be recorded in the audit, so nothing of it is shown"));
  }
  return alerts;
}

Result<Ok, Problem> GatewayConsoleData::ActionAlert(const console::Viewer& viewer,
                                                    std::string_view delivery_id,
                                                    const console::ActionForm& form) {
  Problem invalid = server::MalformedRequestProblem("the action is not one the gateway records");
  if (form.team.empty()) {
    invalid.errors.push_back({"/form/team", "required", "say which team or role acted"});
  } else if (auto error = pipeline::CheckActionTeam(form.team, "/form/team")) {
    invalid.errors.push_back(std::move(*error));
  }
  if (!form.reference.empty()) {
    if (auto error = pipeline::CheckActionReference(form.reference, "/form/reference")) {
      invalid.errors.push_back(std::move(*error));
    }
  }
  if (!invalid.errors.empty()) return Fail(std::move(invalid));

  const model::Timestamp now = sources_.now();
  store::BusinessAction action{form.team, std::nullopt, now};
  if (!form.reference.empty()) action.reference = form.reference;
  // The copy is the agency's, or one of its duty endpoints': the store
  // records it for the recipient it was made for and finds no other.
  for (const std::string& recipient : AlertRecipients(viewer)) {
    audit::DeliveryActionedEntry entry{std::string(delivery_id), recipient, action.team,
                                       action.reference.has_value(), viewer.person_id};
    auto recorded = sources_.store->RecordAction(recipient, std::string(delivery_id), action,
                                                 {audit::DeliveryActionedRecord(entry)});
    if (recorded.ok()) return Ok{};
    if (recorded.error().kind != store::StoreErrorKind::kNotFound) return Fail(StoreUnavailable());
  }
  Problem missing = server::NotFoundProblem();
  missing.detail =
      "your agency has no delivered copy with this id (an urgent copy still being pushed can be "
      "actioned once it is delivered)";
  return Fail(std::move(missing));
}

}  // namespace isagw::app
