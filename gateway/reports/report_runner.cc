#include "gateway/reports/report_runner.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "gateway/reports/report_loader.h"
#include "gateway/reports/reports.h"

namespace isagw::reports {
namespace {

using std::chrono::days;

// Episodes begun this long before a period still matter to it: a child
// missing since before it, a rolling window reaching back into it.
constexpr days kLookBack{400};

using ReportFunction = ReportDocument (*)(const ReportContext&);

ReportFunction FunctionOf(std::string_view report) {
  if (report == "daily") return &DailyMissingReport;
  if (report == "kpis") return &KpiReport;
  if (report == "repeats") return &RepeatReport;
  if (report == "hotspots") return &HotSpotReport;
  if (report == "ssda903") return &Ssda903Report;
  if (report == "annex-a") return &AnnexAReport;
  return nullptr;
}

int TotalRows(const ReportDocument& document) {
  int rows = 0;
  for (const ReportTable& t : document.tables) rows += static_cast<int>(t.rows.size());
  return rows;
}

}  // namespace

const std::vector<std::string>& ReportNames() {
  static const std::vector<std::string> kNames = {"daily",    "kpis",    "repeats",
                                                  "hotspots", "ssda903", "annex-a"};
  return kNames;
}

bool MayRun(const registry::Agency& viewer, std::string_view report) {
  if (FunctionOf(report) == nullptr) return false;
  if (viewer.kind == registry::AgencyKind::kLocalAuthority) return !viewer.duty_for.has_value();
  if (viewer.kind == registry::AgencyKind::kPoliceForce) return report == "hotspots";
  return false;
}

Result<ReportRun, ReportError> RunReport(store::Store& store, const pipeline::GatewayState& state,
                                         const ReportRequest& request) {
  const ReportFunction function = FunctionOf(request.report);
  if (function == nullptr) {
    return Fail(ReportError{ReportErrorKind::kUnknownReport, "no report is called that"});
  }
  const registry::Agency* viewer = state.registry.FindById(request.viewer);
  if (viewer == nullptr) {
    return Fail(ReportError{ReportErrorKind::kUnknownAgency, "no such agency in the registry"});
  }
  if (!MayRun(*viewer, request.report)) {
    return Fail(ReportError{ReportErrorKind::kForbidden,
                            viewer->id + " may not run the " + request.report + " report"});
  }

  ReportContext context;
  context.viewer = viewer;
  context.now = request.now;
  context.top = request.top;
  context.period = request.report == "daily"
                       ? PeriodOfDays(UkDate(request.now), UkDate(request.now), "today")
                       : request.period;
  context.rules = state.safeguarding_rules->ForArea(viewer->id);

  LoadRequest load;
  load.viewer = viewer->id;
  load.now = request.now;
  load.from = context.period.from - kLookBack;
  // Daily is as at now: nothing after it counts.
  load.to = request.report == "daily" ? request.now + std::chrono::seconds(1) : context.period.to;
  auto data = LoadReportData(store, state, load);
  if (!data.ok()) {
    return Fail(ReportError{ReportErrorKind::kUnavailable, "the store failed"});
  }
  context.data = &*data;

  ReportRun run;
  run.document = function(context);
  ReportDocument& doc = run.document;
  doc.agency = viewer->id;
  doc.agency_name = viewer->name;
  doc.generated_at = model::FormatTimestamp(request.now);
  if (data->shredded > 0) {
    doc.notes.push_back(std::to_string(data->shredded) +
                        " records could not be opened (their keys were destroyed) and are left "
                        "out of this report.");
  }
  if (data->withheld > 0) {
    doc.notes.push_back(std::to_string(data->withheld) +
                        " records no ISA lets this agency receive are left out of this report.");
  }

  nlohmann::json body = {{"v", 1},
                         {"agency", viewer->id},
                         {"report", request.report},
                         {"period", context.period.label},
                         {"period_from", model::FormatTimestamp(context.period.from)},
                         {"period_to", model::FormatTimestamp(context.period.to)},
                         {"children", doc.children},
                         {"rows", TotalRows(doc)},
                         {"shredded", data->shredded},
                         {"withheld", data->withheld}};
  // Shown in the console: which person of the agency looked, and where.
  if (!request.person.empty()) {
    body["person"] = request.person;
    body["via"] = "console";
  }
  run.audit = store::AuditRecord{"report_run", body.dump()};
  if (auto recorded = store.RecordAudit({run.audit}, request.now); !recorded.ok()) {
    return Fail(ReportError{ReportErrorKind::kUnavailable, "the audit could not be written"});
  }
  return run;
}

}  // namespace isagw::reports
