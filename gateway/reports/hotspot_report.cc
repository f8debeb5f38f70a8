// Hot spots (Derby 4.6, Bradford 1.2) and cross-referencing (Nottingham
// 2.9): where children were last seen, found and stayed, ranked; and the
// places and adults of concern that appear in the interviews of more than
// one child. Everything here is as the viewer may see it: a police force
// sees what its ISAs pass to it (adults as pseudonyms unless one allows
// names), and lists no child.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gateway/reports/report_rows.h"
#include "gateway/reports/reports.h"

namespace isagw::reports {
namespace {

bool InScope(const EpisodeRow& e, const registry::Agency& viewer) {
  if (viewer.kind == registry::AgencyKind::kPoliceForce) return e.force == viewer.id;
  return ResponsibleFor(e, viewer.id);
}

// Places compare without case or repeated spaces: "Derby Bus Station" is
// "derby bus station".
std::string Normalised(const std::string& name) {
  std::string out;
  bool space = false;
  for (char c : name) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

struct Tally {
  std::string shown;  // as first seen
  std::set<std::string> episodes;
  std::set<std::string> children;
  int last_seen = 0;
  int found = 0;
  int stayed = 0;
  model::Timestamp first = model::Timestamp::max();
  model::Timestamp last = model::Timestamp::min();
  void Seen(const std::string& episode, const std::string& child, model::Timestamp at) {
    episodes.insert(episode);
    children.insert(child);
    first = std::min(first, at);
    last = std::max(last, at);
  }
};

using Tallies = std::map<std::string, Tally>;  // by normalised key

Tally& At(Tallies& tallies, const std::string& shown) {
  Tally& t = tallies[Normalised(shown)];
  if (t.shown.empty()) t.shown = shown;
  return t;
}

std::vector<const Tally*> Ranked(const Tallies& tallies, std::size_t min_children) {
  std::vector<const Tally*> ranked;
  for (const auto& [key, t] : tallies) {
    if (t.children.size() >= min_children) ranked.push_back(&t);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Tally* a, const Tally* b) {
    if (a->episodes.size() != b->episodes.size()) return a->episodes.size() > b->episodes.size();
    if (a->children.size() != b->children.size()) return a->children.size() > b->children.size();
    return a->shown < b->shown;
  });
  return ranked;
}

}  // namespace

ReportDocument HotSpotReport(const ReportContext& context) {
  const ReportData& data = *context.data;
  const registry::Agency& viewer = *context.viewer;
  ReportDocument doc;
  doc.report = "hotspots";
  doc.title = "Hot spots and cross-referencing";
  doc.period = context.period.label;

  Tallies districts;
  Tallies places;
  Tallies cross_places;  // from interviews only
  Tallies adults;
  std::map<std::string, const EpisodeRow*, std::less<>> by_ref;
  for (const EpisodeRow& e : data.episodes) {
    if (!InScope(e, viewer) || !BeganIn(e, context.period)) continue;
    by_ref.emplace(e.police_ref, &e);
    auto count = [&](const Place& place, int Tally::*field) {
      if (!place.district.empty()) {
        Tally& t = At(districts, place.district);
        t.Seen(e.police_ref, e.child, e.missing_since);
        ++(t.*field);
      }
      if (!place.name.empty()) {
        Tally& t = At(places, place.name);
        t.Seen(e.police_ref, e.child, e.missing_since);
        ++(t.*field);
      }
    };
    count(e.last_seen, &Tally::last_seen);
    count(e.found, &Tally::found);
  }
  for (const InterviewRow& rhi : data.interviews) {
    const EpisodeRow* e = nullptr;
    for (const std::string& ref : rhi.police_refs) {
      if (auto it = by_ref.find(ref); it != by_ref.end()) {
        e = it->second;
        break;
      }
    }
    if (e == nullptr) continue;
    for (const Place& place : rhi.where_stayed) {
      if (!place.district.empty()) {
        Tally& t = At(districts, place.district);
        t.Seen(e->police_ref, e->child, e->missing_since);
        ++t.stayed;
      }
      if (!place.name.empty()) {
        Tally& t = At(places, place.name);
        t.Seen(e->police_ref, e->child, e->missing_since);
        ++t.stayed;
        At(cross_places, place.name).Seen(e->police_ref, e->child, e->missing_since);
      }
    }
    for (const AdultSeen& adult : rhi.adults_of_concern) {
      At(adults, adult.who).Seen(e->police_ref, e->child, e->missing_since);
    }
  }

  std::set<std::string> counted;
  for (const auto& [ref, e] : by_ref) counted.insert(e->child);
  doc.children = static_cast<int>(counted.size());
  const std::vector<std::string> columns = {"rank",      "place", "episodes", "children",
                                            "last_seen", "found", "stayed"};
  auto ranking = [&](std::string name, std::string title, const Tallies& tallies, BarChart& chart) {
    ReportTable table{std::move(name), std::move(title), columns, {}};
    int rank = 0;
    for (const Tally* t : Ranked(tallies, 1)) {
      if (rank >= context.top) break;
      ++rank;
      table.rows.push_back({std::to_string(rank), t->shown, std::to_string(t->episodes.size()),
                            std::to_string(t->children.size()), std::to_string(t->last_seen),
                            std::to_string(t->found), std::to_string(t->stayed)});
      chart.bars.push_back({t->shown, static_cast<double>(t->episodes.size())});
    }
    return table;
  };
  BarChart district_chart{"Episodes by postcode district", {}};
  BarChart place_chart{"Episodes by named place", {}};
  doc.tables.push_back(
      ranking("hotspot_districts", "Postcode districts", districts, district_chart));
  doc.tables.push_back(ranking("hotspot_places", "Named places", places, place_chart));

  ReportTable cross{"cross_reference",
                    "Places and adults of concern in the interviews of more than one child",
                    {"kind", "who_or_where", "children", "episodes", "first_seen", "last_seen"},
                    {}};
  auto cross_rows = [&](const char* kind, const Tallies& tallies) {
    for (const Tally* t : Ranked(tallies, 2)) {
      cross.rows.push_back({kind, t->shown, std::to_string(t->children.size()),
                            std::to_string(t->episodes.size()), model::FormatDate(UkDate(t->first)),
                            model::FormatDate(UkDate(t->last))});
    }
  };
  cross_rows("place", cross_places);
  cross_rows("adult", adults);
  doc.tables.push_back(std::move(cross));
  doc.bar_charts.push_back(std::move(district_chart));
  doc.bar_charts.push_back(std::move(place_chart));

  doc.notes.push_back(
      "Places come from police last-seen and found locations and from where children said they "
      "stayed in their return home interviews, as the ISAs let this agency see them.");
  doc.notes.push_back(
      "Adults of concern are shown as the ISAs pass them: a pseudonym (psn:...) unless an ISA "
      "allows the name. Pseudonyms are per ISA, so the same adult under two ISAs shows twice.");
  return doc;
}

}  // namespace isagw::reports
