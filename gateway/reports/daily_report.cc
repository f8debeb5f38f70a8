// The daily missing report (Croydon 6): who is missing now, for how long,
// at what risk, and whose return home interview is due or overdue.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>

#include "gateway/model/time.h"
#include "gateway/reports/report_rows.h"
#include "gateway/reports/reports.h"

namespace isagw::reports {
namespace {

using std::chrono::hours;

constexpr auto kFlag72 = hours(72);
constexpr auto kFlag5Days = hours(5 * 24);
// Interviews fallen due this long ago still show: a week of catching up.
constexpr auto kOverdueShownFor = hours(7 * 24);

std::string RiskTrail(const EpisodeRow& e) {
  std::string trail;
  for (const RiskChange& change : e.risk) {
    if (!trail.empty()) trail += " > ";
    trail += change.level;
  }
  return trail;
}

std::chrono::seconds RhiDueAfter(const ReportContext& context) {
  if (context.rules != nullptr && context.rules->rhi_due) return context.rules->rhi_due->due_after;
  return hours(72);
}

}  // namespace

ReportDocument DailyMissingReport(const ReportContext& context) {
  const ReportData& data = *context.data;
  const std::string& viewer = context.viewer->id;
  ReportDocument doc;
  doc.report = "daily";
  doc.title = "Daily missing report";
  doc.period = "as at " + UkDateTime(context.now);

  ReportTable missing{"missing_now",
                      "Children missing now",
                      {"police_ref", "child", "date_of_birth", "our_role", "host_la", "placing_la",
                       "missing_since", "hours_missing", "risk", "risk_changes", "flags"},
                      {}};
  std::vector<const EpisodeRow*> open;
  for (const EpisodeRow& e : data.episodes) {
    if (e.state != "missing" || e.found_at || !ResponsibleFor(e, viewer)) continue;
    if (e.missing_since > context.now) continue;
    open.push_back(&e);
  }
  // Longest missing first: the ones the manager asks about.
  std::stable_sort(open.begin(), open.end(), [](const EpisodeRow* a, const EpisodeRow* b) {
    return a->missing_since < b->missing_since;
  });
  for (const EpisodeRow* e : open) {
    const auto missing_for = context.now - e->missing_since;
    std::string flags;
    if (missing_for >= kFlag5Days) {
      flags = "72h+, 5 days+";
    } else if (missing_for >= kFlag72) {
      flags = "72h+";
    }
    missing.rows.push_back({e->police_ref, ChildName(e->details), e->details.date_of_birth,
                            RoleOf(*e, viewer), e->host_la, e->placing_la,
                            UkDateTime(e->missing_since),
                            std::to_string(WholeHours(e->missing_since, context.now)),
                            e->risk.empty() ? "" : e->risk.back().level, RiskTrail(*e), flags});
  }

  ReportTable due{
      "rhi_due",
      "Return home interviews due or overdue",
      {"police_ref", "child", "our_role", "found_at", "rhi_due_at", "status", "hours_overdue"},
      {}};
  std::set<std::string> listed;
  const auto interviews = InterviewsByEpisode(data);
  const auto due_after = RhiDueAfter(context);
  for (const EpisodeRow& e : data.episodes) {
    if (!e.found_at || !ResponsibleFor(e, viewer)) continue;
    if (interviews.contains(e.police_ref)) continue;  // recorded, whatever its outcome
    const model::Timestamp due_at = *e.found_at + due_after;
    if (*e.found_at > context.now || due_at + kOverdueShownFor < context.now) continue;
    const bool overdue = due_at <= context.now;
    listed.insert(e.child);
    due.rows.push_back({e.police_ref, ChildName(e.details), RoleOf(e, viewer),
                        UkDateTime(*e.found_at), UkDateTime(due_at), overdue ? "overdue" : "due",
                        overdue ? std::to_string(WholeHours(due_at, context.now)) : ""});
  }

  for (const EpisodeRow* e : open) listed.insert(e->child);
  doc.children = static_cast<int>(listed.size());
  doc.notes.push_back(std::to_string(missing.rows.size()) + " children missing now; " +
                      std::to_string(due.rows.size()) + " return home interviews due or overdue.");
  doc.notes.push_back("Times are UK local. Missing since is when last seen, else when reported.");
  doc.tables.push_back(std::move(missing));
  doc.tables.push_back(std::move(due));
  return doc;
}

}  // namespace isagw::reports
