// The reports (docs/reports.md): each a pure function of what the viewer
// may see (ReportData) and the run's context, to a ReportDocument of
// tables, charts and notes. None reads the clock, the store or a file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/model/time.h"
#include "gateway/registry/agency.h"
#include "gateway/reports/report_data.h"
#include "gateway/reports/report_document.h"
#include "gateway/reports/report_period.h"
#include "gateway/safeguarding/rules.h"

namespace isagw::reports {

struct ReportContext {
  const ReportData* data = nullptr;
  const registry::Agency* viewer = nullptr;
  model::Timestamp now{};
  ReportPeriod period;
  // The viewer's area's rules (RHI due time, thresholds); nullptr: the
  // national defaults (72 hours; 3, 5 and 9 in 90 days).
  const safeguarding::AreaRules* rules = nullptr;
  int top = 20;  // rows of a ranking
};

// Children missing now (host or placing), with flags and risk, and those
// back whose return home interview is due or overdue.
ReportDocument DailyMissingReport(const ReportContext& context);
// Episodes, children, RHIs and delivery times for the period, by month.
ReportDocument KpiReport(const ReportContext& context);
// Children ranked by episodes in the rules' longest window up to the end
// of the period, with the dates each threshold was crossed.
ReportDocument RepeatReport(const ReportContext& context);
// Places ranked by episodes and children; places and adults of concern in
// the interviews of more than one child.
ReportDocument HotSpotReport(const ReportContext& context);
// The SSDA903 missing table for the viewer's looked-after children.
ReportDocument Ssda903Report(const ReportContext& context);
// Ofsted Annex A: return interview offered and accepted after each
// child's last episode in the period.
ReportDocument AnnexAReport(const ReportContext& context);

// Which reports a viewer may run: councils all of them; a police force
// the hot spots (what its ISAs let it see); nobody else any.
bool MayRun(const registry::Agency& viewer, std::string_view report);

// "daily", "kpis", "repeats", "hotspots", "ssda903", "annex-a".
const std::vector<std::string>& ReportNames();

}  // namespace isagw::reports
