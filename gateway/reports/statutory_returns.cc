// The statutory returns: the DfE SSDA903 missing table and Ofsted's
// Annex A interview columns, for the viewer's own looked-after children
// (it placed them, or they are looked after in its own area). What the
// gateway cannot know it leaves blank and says so in a note: it never
// invents a value for a return.
#include <date/date.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/reports/report_rows.h"
#include "gateway/reports/reports.h"

namespace isagw::reports {
namespace {

using std::chrono::sys_days;

// The council's own looked-after child: placed by it, or looked after by
// it in its own area (no placing authority recorded, looked_after yes and
// no other responsible authority).
bool OwnLookedAfter(const EpisodeRow& e, const registry::Agency& viewer) {
  if (e.placing_la == viewer.id) return true;
  return e.host_la == viewer.id && e.placing_la.empty() && e.details.looked_after == "yes" &&
         (e.details.responsible_la.empty() || e.details.responsible_la == viewer.la_number);
}

// dd/mm/yyyy, as the SSDA903 CSV files carry dates.
std::string ReturnDate(model::Date d) { return date::format("%d/%m/%Y", sys_days{d}); }

std::string ReturnDob(const std::string& iso) {
  auto d = model::ParseIsoDate(iso);
  return d ? ReturnDate(*d) : std::string();
}

// One SSDA903 row before it is written.
struct Spell {
  std::string child;  // the gateway's link, for ordering and overlaps
  const EpisodeRow* episode = nullptr;
  std::string type;  // "M", "A" or "" (not stated)
  model::Date start{};
  std::optional<model::Date> end;  // nullopt: open
};

std::string Code(const std::string& canonical) {
  if (canonical == "missing") return "M";
  if (canonical == "away") return "A";
  return "";
}

// An episode's spells: one per M/A stated, a change closing one and
// opening the next on the same date.
std::vector<Spell> SpellsOf(const EpisodeRow& e, const ReportPeriod& period) {
  std::optional<model::Date> end;
  std::optional<model::Timestamp> ended = e.found_at ? e.found_at : e.closed_at;
  // Open at the end of the period is open in the return.
  if (ended && *ended < period.to) end = UkDate(*ended);
  std::vector<Spell> spells;
  Spell first{e.child, &e, e.missing_type.empty() ? "" : Code(e.missing_type.front().type),
              UkDate(e.missing_since), end};
  spells.push_back(first);
  for (std::size_t i = 1; i < e.missing_type.size(); ++i) {
    const MissingTypeChange& change = e.missing_type[i];
    if (ended && change.at >= *ended) break;
    const model::Date on = UkDate(std::max(change.at, e.missing_since));
    spells.back().end = on;
    spells.push_back(Spell{e.child, &e, Code(change.type), on, end});
  }
  return spells;
}

// No overlaps within a child: a spell that starts before the one before
// it ends either continues it (same type: merged) or ends it on its start
// date (a change of type, as within an episode).
std::vector<Spell> WithoutOverlaps(std::vector<Spell> spells) {
  std::stable_sort(spells.begin(), spells.end(), [](const Spell& a, const Spell& b) {
    if (a.child != b.child) return a.child < b.child;
    return sys_days{a.start} < sys_days{b.start};
  });
  std::vector<Spell> out;
  for (Spell& s : spells) {
    if (!out.empty() && out.back().child == s.child) {
      Spell& prev = out.back();
      const bool overlaps = !prev.end || sys_days{s.start} < sys_days{*prev.end};
      if (overlaps && prev.type == s.type) {
        if (prev.end && (!s.end || sys_days{*s.end} > sys_days{*prev.end})) prev.end = s.end;
        continue;
      }
      if (overlaps) prev.end = s.start;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

ReportDocument Ssda903Report(const ReportContext& context) {
  const ReportData& data = *context.data;
  const registry::Agency& viewer = *context.viewer;
  ReportDocument doc;
  doc.report = "ssda903";
  doc.title = "SSDA903 missing table";
  doc.period = context.period.label;

  std::vector<Spell> spells;
  for (const EpisodeRow& e : data.episodes) {
    if (!OwnLookedAfter(e, viewer) || e.missing_since >= context.period.to) continue;
    for (Spell& s : SpellsOf(e, context.period)) spells.push_back(std::move(s));
  }
  spells = WithoutOverlaps(std::move(spells));

  ReportTable table{"ssda903_missing",
                    "SSDA903 missing",
                    {"CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"},
                    {}};
  int no_child = 0, no_dob = 0, no_type = 0;
  std::set<std::string> listed;
  for (const Spell& s : spells) {
    // In the year: started by its end, and open or ended on or after its start.
    if (sys_days{s.start} > sys_days{context.period.last_day}) continue;
    if (s.end && sys_days{*s.end} < sys_days{context.period.first_day}) continue;
    const ChildDetails& d = s.episode->details;
    if (d.council_person_id.empty()) ++no_child;
    const std::string dob = ReturnDob(d.date_of_birth);
    if (dob.empty()) ++no_dob;
    if (s.type.empty()) ++no_type;
    listed.insert(s.child);
    table.rows.push_back(
        {d.council_person_id, dob, s.type, ReturnDate(s.start), s.end ? ReturnDate(*s.end) : ""});
  }
  std::stable_sort(table.rows.begin(), table.rows.end(),
                   [](const auto& a, const auto& b) { return a[0] < b[0]; });
  doc.children = static_cast<int>(listed.size());
  doc.notes.push_back(std::to_string(table.rows.size()) +
                      " missing or away spells of this council's looked-after children.");
  if (no_type > 0) {
    doc.notes.push_back(
        std::to_string(no_type) +
        " rows have no MISSING code: a police report carries no M/A (missing or away without "
        "authorisation); the council must supply it from its own case records.");
  }
  if (no_child > 0) {
    doc.notes.push_back(std::to_string(no_child) +
                        " rows have no CHILD: no record gave this council's own identifier for "
                        "the child; the council must supply it.");
  }
  if (no_dob > 0) {
    doc.notes.push_back(std::to_string(no_dob) +
                        " rows have no DOB: no record this council may see gave it.");
  }
  doc.notes.push_back(
      "MIS_END is blank for a spell still open at the end of the period. A change between M and "
      "A closes one spell and opens the next on the same date; overlapping spells of one child "
      "are merged (same code) or the earlier is ended (a change).");
  doc.tables.push_back(std::move(table));
  return doc;
}

ReportDocument AnnexAReport(const ReportContext& context) {
  const ReportData& data = *context.data;
  const registry::Agency& viewer = *context.viewer;
  const auto interviews = InterviewsByEpisode(data);
  ReportDocument doc;
  doc.report = "annex-a";
  doc.title = "Ofsted Annex A: missing episodes and return interviews";
  doc.period = context.period.label;

  struct Child {
    const EpisodeRow* last = nullptr;
    int episodes = 0;
  };
  std::map<std::string, Child> children;
  for (const EpisodeRow& e : data.episodes) {  // by missing_since: the last one wins
    if (!BeganIn(e, context.period)) continue;
    // The council's own children: those it placed, or in its area and placed by nobody else.
    if (!(e.placing_la == viewer.id || (e.host_la == viewer.id && e.placing_la.empty()))) continue;
    Child& c = children[e.child];
    ++c.episodes;
    c.last = &e;
  }
  ReportTable table{
      "annex_a",
      "Annex A: children missing in the period",
      {"child_id", "child", "date_of_birth", "missing_episodes", "last_episode_police_ref",
       "last_episode_start", "rhi_offered_after_last_episode", "rhi_accepted_after_last_episode"},
      {}};
  doc.children = static_cast<int>(children.size());
  int unknown = 0;
  for (const auto& [key, c] : children) {
    const EpisodeRow& e = *c.last;
    std::string offered = "Unknown";
    std::string accepted = "Unknown";
    if (auto it = interviews.find(e.police_ref); it != interviews.end()) {
      const InterviewRow& rhi = *it->second;
      if (Offered(rhi)) {
        offered = "Yes";
        accepted = AcceptedAnswer(rhi);
      } else if (rhi.outcome == "not_offered") {
        offered = "No";
        accepted = "No";
      }
    }
    if (offered == "Unknown") ++unknown;
    table.rows.push_back({e.details.council_person_id, ChildName(e.details),
                          e.details.date_of_birth, std::to_string(c.episodes), e.police_ref,
                          model::FormatDate(UkDate(e.missing_since)), offered, accepted});
  }
  std::stable_sort(table.rows.begin(), table.rows.end(),
                   [](const auto& a, const auto& b) { return a[4] < b[4]; });
  doc.notes.push_back(
      "Offered: the provider's record gives an offer date, or the child completed or declined the "
      "interview (Yes); the record says not offered (No); no record, or an outcome that says "
      "neither (no contact, missing again), is Unknown. Accepted: completed (Yes), declined (No).");
  if (unknown > 0) {
    doc.notes.push_back(std::to_string(unknown) +
                        " children have Unknown: the council should check its own records.");
  }
  doc.tables.push_back(std::move(table));
  return doc;
}

}  // namespace isagw::reports
