// The repeat list (Croydon's top 20, Staffordshire's top 15): children
// ranked by episodes in the period, with the dates each rolling-window
// threshold was reached, counted as the safeguarding clock counts them
// (gateway/safeguarding/rules.h, RepeatRule: the count-th episode within
// the window, the new one included).
#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "gateway/reports/report_rows.h"
#include "gateway/reports/reports.h"

namespace isagw::reports {
namespace {

struct Threshold {
  int count = 0;
  int window_days = 0;
};

std::vector<Threshold> ThresholdsOf(const safeguarding::AreaRules* rules) {
  std::vector<Threshold> thresholds;
  if (rules != nullptr) {
    for (const auto& r : rules->repeat_episodes) thresholds.push_back({r.count, r.window_days});
  }
  if (thresholds.empty()) thresholds = {{3, 90}, {5, 90}, {9, 90}};
  return thresholds;
}

}  // namespace

ReportDocument RepeatReport(const ReportContext& context) {
  const ReportData& data = *context.data;
  const std::string& viewer = context.viewer->id;
  const std::vector<Threshold> thresholds = ThresholdsOf(context.rules);
  ReportDocument doc;
  doc.report = "repeats";
  doc.title = "Children missing repeatedly";
  doc.period = context.period.label;

  struct Child {
    const EpisodeRow* latest = nullptr;
    std::vector<model::Timestamp> starts;  // every episode loaded, for the rolling windows
    int in_period = 0;
    std::string crossings;
  };
  std::map<std::string, Child> children;
  for (const EpisodeRow& e : data.episodes) {  // by missing_since
    if (!ResponsibleFor(e, viewer) || e.missing_since >= context.period.to) continue;
    Child& c = children[e.child];
    c.starts.push_back(e.missing_since);
    if (e.missing_since >= context.period.from) {
      ++c.in_period;
      c.latest = &e;
    }
  }
  struct Ranked {
    std::string key;
    Child* child;
  };
  std::vector<Ranked> ranked;
  for (auto& [key, c] : children) {
    if (c.in_period == 0) continue;
    for (const Threshold& t : thresholds) {
      const auto window = std::chrono::days(t.window_days);
      for (std::size_t i = 0; i < c.starts.size(); ++i) {
        if (c.starts[i] < context.period.from) continue;
        int n = 0;
        for (std::size_t j = 0; j <= i; ++j) {
          if (c.starts[j] >= c.starts[i] - window) ++n;
        }
        if (n == t.count) {
          if (!c.crossings.empty()) c.crossings += "; ";
          c.crossings += std::to_string(t.count) + " in " + std::to_string(t.window_days) +
                         " days on " + model::FormatDate(UkDate(c.starts[i]));
        }
      }
    }
    ranked.push_back({key, &c});
  }
  // Most episodes first; ties by the latest episode, most recent first,
  // then by key so the order never depends on the map.
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.child->in_period != b.child->in_period) return a.child->in_period > b.child->in_period;
    if (a.child->latest->missing_since != b.child->latest->missing_since) {
      return a.child->latest->missing_since > b.child->latest->missing_since;
    }
    return a.key < b.key;
  });

  ReportTable table{"repeats",
                    "Children by episodes in the period",
                    {"rank", "child", "date_of_birth", "our_role", "episodes", "latest_police_ref",
                     "latest_missing_since", "thresholds_reached"},
                    {}};
  BarChart bars{"Episodes per child (top " + std::to_string(context.top) + ")", {}};
  int rank = 0;
  for (const Ranked& r : ranked) {
    if (rank >= context.top) break;
    ++rank;
    const EpisodeRow& e = *r.child->latest;
    const std::string name = ChildName(e.details);
    table.rows.push_back({std::to_string(rank), name, e.details.date_of_birth, RoleOf(e, viewer),
                          std::to_string(r.child->in_period), e.police_ref,
                          UkDateTime(e.missing_since), r.child->crossings});
    bars.bars.push_back(
        {name.empty() ? e.police_ref : name, static_cast<double>(r.child->in_period)});
  }
  doc.children = static_cast<int>(table.rows.size());
  std::string rule_text;
  for (const Threshold& t : thresholds) {
    if (!rule_text.empty()) rule_text += ", ";
    rule_text += std::to_string(t.count) + " in " + std::to_string(t.window_days) + " days";
  }
  doc.notes.push_back(std::to_string(ranked.size()) + " children went missing in the period; the " +
                      std::to_string(table.rows.size()) + " with most episodes are listed.");
  doc.notes.push_back("Thresholds (" + rule_text +
                      ") are counted over rolling windows that may begin before the period.");
  doc.tables.push_back(std::move(table));
  doc.bar_charts.push_back(std::move(bars));
  return doc;
}

}  // namespace isagw::reports
