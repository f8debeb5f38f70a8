// RunReport: one report for one agency, from the store to a document and
// the audit record that says it was run. The CLI (`isagw report`) and the
// API (GET /v1/reports/{name}) both come through here, so both check the
// same access and both leave the same trace.
#pragma once

#include <string>

#include "gateway/common/result.h"
#include "gateway/model/time.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/reports/report_document.h"
#include "gateway/reports/report_period.h"
#include "gateway/store/store.h"

namespace isagw::reports {

struct ReportRequest {
  std::string report;   // one of ReportNames()
  std::string viewer;   // agency id: whose report
  ReportPeriod period;  // ignored by "daily", which is as at `now`
  model::Timestamp now{};
  int top = 20;
  std::string person;  // the console user who asked (registry person id); "" for the API or CLI
};

enum class ReportErrorKind {
  kUnknownReport,
  kUnknownAgency,
  kForbidden,    // this agency may not run this report
  kUnavailable,  // the store failed
};

struct ReportError {
  ReportErrorKind kind = ReportErrorKind::kUnavailable;
  std::string detail;  // names reports and agencies, never data
};

struct ReportRun {
  ReportDocument document;
  // "report_run": who, which report, which period, how many children.
  // Appended by RunReport; kept here for callers that show it.
  store::AuditRecord audit;
};

// Runs the report and appends its audit record; a run whose audit cannot
// be written fails (kUnavailable) and returns nothing.
Result<ReportRun, ReportError> RunReport(store::Store& store, const pipeline::GatewayState& state,
                                         const ReportRequest& request);

}  // namespace isagw::reports
