// ConsoleData: what the web console reads and does, with no HTTP in it.
// The console (console_handler.h) decides who may see which page; this
// interface fetches the page's facts. The gateway implements it over the
// store and the state in force (gateway/pipeline/gateway_console_data.h);
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
