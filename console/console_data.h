// ConsoleData: what the web console reads and does, with no HTTP in it.
// The console (console_handler.h) decides who may see which page; this
// interface fetches the page's facts. The gateway implements it over the
// store and the state in force (gateway/app/console_data.h);
// tests implement it with fixed facts.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/audit/subject_report.h"
#include "gateway/common/problem.h"
#include "gateway/common/result.h"
#include "gateway/reports/report_document.h"
#include "gateway/store/store.h"

namespace isagw::console {

// The person signed in, as their certificate and the registry say.
struct Viewer {
  std::string person_id;
  std::string role;       // "operator", "coordinator", "auditor"
  std::string agency_id;  // "" for the gateway's operators
};

// One recipient as operators see it: its outbox and how it is reached.
struct RecipientView {
  store::RecipientQueue queue;
  std::string name;     // the registry's display name; the id when it has gone
  std::string mode;     // "push" or "mailbox"
  std::string circuit;  // this replica's breaker: "closed", "open", "half_open"
};

// One policy set change: at start, or a reload applied or refused.
struct PolicyEvent {
  std::string at;       // RFC 3339
  std::string outcome;  // "loaded", "applied", "refused"
  std::string hash;     // the set in force after it
};

struct PolicyView {
  std::string hash;  // the set in force
  std::vector<std::string> isas;
  std::vector<PolicyEvent> history;  // newest first
};

// An auditor's search of the audit, as their form gives it. Every part
// given must match; at least one of the child, the recipient and the
// period is given.
struct AuditQuery {
  std::string identifier_kind;  // "nhs_number", "police_ref", "person_id"; "" for no child
  std::string identifier;       // as typed: never logged, never shown back
  std::string recipient;        // an agency id, or ""
  std::string from;             // "YYYY-MM-DD", UK calendar, inclusive; "" with `to` ""
  std::string to;               // inclusive
  std::string format;           // "page" or "csv"
};

struct AuditResults {
  std::vector<audit::SubjectDisclosure> disclosures;
  bool truncated = false;  // more matched than a page lists
};

// audit::VerifyAuditLog's answer, without the entries.
struct AuditCheck {
  bool ok = false;
  std::int64_t entries = 0;
  std::int64_t checkpoints = 0;
  std::optional<std::int64_t> last_signed_seq;
  std::int64_t unsigned_entries = 0;
  std::string failure;  // "<code> at entry N: <reason>", no data
};

// A pasted message to explain, as the explain form gives it.
struct ExplainForm {
  std::string format;  // "compact", "council-xml", "rhi", "canonical"
  std::string from;    // sender agency id
  std::string to;      // recipient agency id
  std::string host_la;
  std::string placing_la;  // council agency ids, or "" for what the message says
  std::string message;     // never shown back, never logged
};

// An urgent alert to the viewer's agency, or to one of its duty endpoints
// after an escalation, that nobody has yet said they acted on. Ids, kinds
// and times: the child's details are in the agency's own copy.
struct AlertView {
  std::string delivery_id;
  std::string message_id;
  std::string police_ref;  // the episode's; "" when the message names none
  std::string message_kind;
  std::string recipient;  // an agency id: the viewer's agency or one of its duty endpoints
  std::string recipient_name;
  std::string delivery;         // the copy's state: "pending", "delivered", "available", "acked"
  std::string acknowledgement;  // "business" (an action ends it) or "transport" (delivery does)
  model::Timestamp received_at{};
  model::Timestamp due_at{};
  std::int64_t minutes_left = 0;  // to the deadline when the page was made; < 0 once passed
  // "waiting" (before its deadline), "overdue" (past it, not yet
  // escalated), "escalated" (sent on to escalated_to), "unanswered" (no
  // duty endpoint was left: its sender was told).
  std::string status;
  std::string escalated_to;  // the duty endpoint's name, once escalated
  bool may_action = false;   // delivered, so an action can be recorded now
};

// The console's "Actioned" form: who acted, as the API's action takes it.
struct ActionForm {
  std::string team;
  std::string reference;  // "" for none
};

// A non-delivery notice (docs/delivery.md) as operators see it: whom it
// told about which copy, and why; never the copy's contents.
struct NoticeView {
  std::string notice_id;
  std::string to;              // the sender told
  std::string about_delivery;  // the copy given up, or unanswered
  std::string recipient;       // whom that copy was for
  std::string message_id;
  std::string reason;  // "http_410", "horizon_passed:connect_refused", "alert_unacknowledged"
  int attempts = 0;
  model::Timestamp made_at{};
  std::string state;  // the notice's own delivery: "pending", "available", ...
};

// What the engineer on call reads first: does the store answer, what is
// stuck, what is broken, which policy set is in force.
struct HealthView {
  bool store_answers = false;
  std::string policy_hash;
  std::string last_reload;  // "applied at ...", "refused at ...", "" for none since start
  int recipients = 0;
  std::vector<std::string> open_circuits;  // recipients' names, this replica's breakers
  int pending = 0;
  std::optional<model::Timestamp> oldest_pending;
  int dead = 0;       // not replayed
  int available = 0;  // in mailboxes, not yet acknowledged
  int notices_last_day = 0;
};

class ConsoleData {
 public:
  virtual ~ConsoleData() = default;

  // An agency's display name, or its id when the registry has none.
  virtual std::string AgencyName(std::string_view agency_id) const = 0;

  // The reports (reports::ReportNames()) the viewer's agency may run, in
  // that order; none for operators and auditors.
  virtual std::vector<std::string> ReportsFor(const Viewer& viewer) const = 0;

  // Coordinators: one report (reports::ReportNames()) for the viewer's
  // agency, audited as the viewer's. `period` is as a person typed it
  // (reports::ParseReportPeriod's forms), "" for the current reporting
  // year; the daily report ignores it. A problem says why not (403, 400
  // naming /query/period, 503).
  virtual Result<reports::ReportDocument, Problem> RunReport(const Viewer& viewer,
                                                             std::string_view report,
                                                             std::string_view period) = 0;

  // Operators: the outbox by recipient, the dead letters, a replay.
  virtual Result<std::vector<RecipientView>, Problem> Recipients() = 0;
  virtual Result<std::vector<store::DeadLetter>, Problem> DeadLetters() = 0;
  // The new copy's id; 404 for a copy that is not dead. Audited.
  virtual Result<std::string, Problem> Replay(const Viewer& viewer,
                                              std::string_view delivery_id) = 0;
  virtual PolicyView Policy() = 0;
  // This process's figures over the last hour as charts (requests,
  // refusals, deliveries, connections); none until two samples exist.
  virtual std::vector<reports::LineChart> MetricsCharts() = 0;

  // Operators: the latest non-delivery notices, newest first; and the
  // health summary, which says what it could not find out rather than
  // failing.
  virtual Result<std::vector<NoticeView>, Problem> Notices() = 0;
  virtual HealthView Health() = 0;

  // Coordinators: the urgent alerts to their agency (and its duty
  // endpoints) awaiting action, the earliest deadline first, audited as a
  // view of them; and recording one as actioned, as the agency's system
  // would with POST /v1/inbox/{id}/action, audited with the viewer's id.
  // 404 for a copy that is not one of the agency's delivered urgent
  // copies; 400 naming /form/team or /form/reference.
  virtual Result<std::vector<AlertView>, Problem> Alerts(const Viewer& viewer) = 0;
  virtual Result<Ok, Problem> ActionAlert(const Viewer& viewer, std::string_view delivery_id,
                                          const ActionForm& form) = 0;

  // Operators: the ISA decision for a pasted message, field by field with
  // its clauses, as `isagw policy explain --json` gives it (policy::
  // ExplainJson) plus "notes": names, pointers and clauses, never a value
  // of the message. 400 naming the field for a form that is not one.
  virtual Result<nlohmann::json, Problem> Explain(const Viewer& viewer,
                                                  const ExplainForm& form) = 0;

  // Auditors: the disclosures their agency made or received that the query
  // chooses, after the search itself is in the audit (nothing is shown of
  // a search the audit could not record); 400 naming the form field for a
  // query that is not one.
  virtual Result<AuditResults, Problem> SearchAudit(const Viewer& viewer,
                                                    const AuditQuery& query) = 0;
  // The whole chain checked now, as `isagw audit verify` does.
  virtual Result<AuditCheck, Problem> VerifyAudit(const Viewer& viewer) = 0;
};

}  // namespace isagw::console
