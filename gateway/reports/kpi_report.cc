// KPIs for a period (Staffordshire 21-22, Bradford's indicators): episodes
// and children, repeats, found within 24 hours, the RHI funnel with the
// reasons interviews were not completed, out-of-area notifications, and
// how long the council waited for the police report.
#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gateway/reports/report_rows.h"
#include "gateway/reports/reports.h"

namespace isagw::reports {
namespace {

using std::chrono::hours;

struct Funnel {
  long long episodes = 0;
  long long children = 0;
  long long repeat_children = 0;
  long long found = 0;
  long long found_within_24h = 0;
  long long rhi_recorded = 0;
  long long rhi_offered = 0;
  long long rhi_accepted = 0;
  long long rhi_completed = 0;
  long long rhi_completed_within_72h = 0;
  long long to_placing_las = 0;                    // as host: children placed here by others
  long long from_host_las = 0;                     // as placing: its children missing elsewhere
  std::map<std::string, long long> not_completed;  // outcome -> episodes
  std::vector<long long> copy_seconds;             // gateway: received -> council copy available
  std::vector<long long> police_seconds;           // end to end: police reported -> council copy
};

Funnel Count(const ReportData& data, const std::string& viewer, const ReportPeriod& period,
             const std::map<std::string, const InterviewRow*, std::less<>>& interviews) {
  Funnel f;
  std::map<std::string, int> per_child;
  for (const EpisodeRow& e : data.episodes) {
    if (!ResponsibleFor(e, viewer) || !BeganIn(e, period)) continue;
    ++f.episodes;
    ++per_child[e.child];
    if (e.host_la == viewer && !e.placing_la.empty()) ++f.to_placing_las;
    if (e.placing_la == viewer) ++f.from_host_las;
    if (e.found_at) {
      ++f.found;
      if (*e.found_at - e.missing_since <= hours(24)) ++f.found_within_24h;
    }
    if (e.host_copy_at && e.host_la == viewer) {
      f.copy_seconds.push_back(
          std::max<long long>(0, (*e.host_copy_at - e.first_received_at).count()));
      if (e.reported_at) {
        f.police_seconds.push_back(
            std::max<long long>(0, (*e.host_copy_at - *e.reported_at).count()));
      }
    }
    auto it = interviews.find(e.police_ref);
    if (it == interviews.end()) {
      if (e.found_at) ++f.not_completed["no record"];
      continue;
    }
    const InterviewRow& rhi = *it->second;
    ++f.rhi_recorded;
    if (Offered(rhi)) ++f.rhi_offered;
    if (AcceptedAnswer(rhi) == "Yes") ++f.rhi_accepted;
    if (rhi.outcome == "completed") {
      ++f.rhi_completed;
      if (rhi.completed_at && e.found_at && *rhi.completed_at - *e.found_at <= hours(72)) {
        ++f.rhi_completed_within_72h;
      }
    } else {
      ++f.not_completed[rhi.outcome.empty() ? "not stated" : rhi.outcome];
    }
  }
  f.children = static_cast<long long>(per_child.size());
  for (const auto& [child, n] : per_child) {
    if (n >= 2) ++f.repeat_children;
  }
  return f;
}

// The value at quantile q (nearest rank) of sorted seconds, as "h:mm:ss".
std::string Quantile(std::vector<long long> seconds, double q) {
  if (seconds.empty()) return "";
  std::sort(seconds.begin(), seconds.end());
  auto rank = static_cast<std::size_t>(q * static_cast<double>(seconds.size()));
  if (rank >= seconds.size()) rank = seconds.size() - 1;
  const long long s = seconds[rank];
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  return text;
}

}  // namespace

ReportDocument KpiReport(const ReportContext& context) {
  const ReportData& data = *context.data;
  const std::string& viewer = context.viewer->id;
  const auto interviews = InterviewsByEpisode(data);
  ReportDocument doc;
  doc.report = "kpis";
  doc.title = "Missing children: key performance indicators";
  doc.period = context.period.label;

  const Funnel all = Count(data, viewer, context.period, interviews);
  doc.children = static_cast<int>(all.children);
  ReportTable kpis{"kpis", "Indicators for the period", {"indicator", "value", "percent_of"}, {}};
  auto add = [&](std::string name, long long value, std::string percent = "") {
    kpis.rows.push_back({std::move(name), std::to_string(value), std::move(percent)});
  };
  add("episodes", all.episodes);
  add("children", all.children);
  add("repeat_children (2+ episodes)", all.repeat_children,
      Percent(all.repeat_children, all.children));
  add("found", all.found, Percent(all.found, all.episodes));
  add("found_within_24h", all.found_within_24h, Percent(all.found_within_24h, all.found));
  add("rhi_recorded", all.rhi_recorded, Percent(all.rhi_recorded, all.found));
  add("rhi_offered", all.rhi_offered, Percent(all.rhi_offered, all.found));
  add("rhi_accepted", all.rhi_accepted, Percent(all.rhi_accepted, all.rhi_offered));
  add("rhi_completed", all.rhi_completed, Percent(all.rhi_completed, all.found));
  add("rhi_completed_within_72h", all.rhi_completed_within_72h,
      Percent(all.rhi_completed_within_72h, all.found));
  add("notifications_to_placing_authorities", all.to_placing_las);
  add("notifications_from_host_authorities", all.from_host_las);
  for (const auto& [reason, n] : all.not_completed) {
    add("rhi_not_completed: " + reason, n, Percent(n, all.found));
  }

  ReportTable delivery{"delivery_times",
                       "Police report to council copy available (host episodes)",
                       {"measure", "copies", "median", "p95"},
                       {}};
  delivery.rows.push_back({"gateway (received to available)",
                           std::to_string(all.copy_seconds.size()), Quantile(all.copy_seconds, 0.5),
                           Quantile(all.copy_seconds, 0.95)});
  delivery.rows.push_back({"end to end (police reported to available)",
                           std::to_string(all.police_seconds.size()),
                           Quantile(all.police_seconds, 0.5), Quantile(all.police_seconds, 0.95)});

  ReportTable monthly{"kpis_by_month",
                      "By month",
                      {"month", "episodes", "children", "repeat_children", "found_within_24h",
                       "rhi_completed", "rhi_completed_within_72h", "rhi_within_72h_percent"},
                      {}};
  LineChart trend{"Episodes and children by month", {}, {{"episodes", {}}, {"children", {}}}};
  LineChart rhi_trend{
      "Return home interviews completed within 72 hours (% of found)", {}, {{"within 72 h %", {}}}};
  for (const ReportPeriod& month : MonthsOf(context.period)) {
    const Funnel f = Count(data, viewer, month, interviews);
    monthly.rows.push_back({month.label, std::to_string(f.episodes), std::to_string(f.children),
                            std::to_string(f.repeat_children), std::to_string(f.found_within_24h),
                            std::to_string(f.rhi_completed),
                            std::to_string(f.rhi_completed_within_72h),
                            Percent(f.rhi_completed_within_72h, f.found)});
    trend.x_labels.push_back(month.label);
    trend.series[0].values.push_back(static_cast<double>(f.episodes));
    trend.series[1].values.push_back(static_cast<double>(f.children));
    rhi_trend.x_labels.push_back(month.label);
    // A month with nobody found has no rate: a gap in the line, not 0 %.
    rhi_trend.series[0].values.push_back(
        f.found == 0 ? std::numeric_limits<double>::quiet_NaN()
                     : 100.0 * static_cast<double>(f.rhi_completed_within_72h) /
                           static_cast<double>(f.found));
  }
  doc.notes.push_back(
      "Episodes are counted in the period they began (last seen, else reported). RHI offered: the "
      "provider gave an offer date, or the child completed or declined it; accepted: completed.");
  doc.notes.push_back(
      "Delivery times cover missing reports to this council as host; end to end starts at the "
      "police's own reported time, so it includes the police's time to send.");
  doc.tables.push_back(std::move(kpis));
  doc.tables.push_back(std::move(monthly));
  doc.tables.push_back(std::move(delivery));
  doc.line_charts.push_back(std::move(trend));
  doc.line_charts.push_back(std::move(rhi_trend));
  return doc;
}

}  // namespace isagw::reports
