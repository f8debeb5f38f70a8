// The SSDA903 missing table's edge cases, each with the exact rows a
// council would file (docs/reports.md, "SSDA903").
#include <gtest/gtest.h>

#include "gateway/reports/report_period.h"
#include "gateway/reports/reports.h"
#include "tests/common/timestamp_literal.h"

namespace isagw::reports {
namespace {

using ::isagw::testing::At;

using std::chrono::hours;

class Ssda903Test : public ::testing::Test {
 protected:
  Ssda903Test() {
    derby_.id = "la-derby";
    derby_.kind = registry::AgencyKind::kLocalAuthority;
    derby_.la_number = "831";
    std::string error;
    year_ = *ParseReportPeriod("2026-27", error);
  }

  // A Derby child placed in Staffordshire, known to Derby as `person`.
  EpisodeRow& Episode(const std::string& ref, const std::string& child, const char* since) {
    EpisodeRow e;
    e.police_ref = ref;
    e.child = child;
    e.host_la = "la-staffordshire";
    e.placing_la = "la-derby";
    e.state = "missing";
    e.missing_since = At(since);
    e.details.council_person_id = "D-" + child;
    e.details.date_of_birth = "2011-02-03";
    data_.episodes.push_back(e);
    return data_.episodes.back();
  }

  std::vector<std::vector<std::string>> Rows() {
    ReportContext context;
    context.data = &data_;
    context.viewer = &derby_;
    context.now = At("2027-04-10T09:00:00Z");
    context.period = year_;
    const ReportDocument doc = Ssda903Report(context);
    EXPECT_EQ(doc.tables.size(), 1u);
    EXPECT_EQ(doc.tables[0].columns,
              (std::vector<std::string>{"CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"}));
    notes_ = doc.notes;
    return doc.tables[0].rows;
  }

  registry::Agency derby_;
  ReportPeriod year_;
  ReportData data_;
  std::vector<std::string> notes_;
};

TEST_F(Ssda903Test, AClosedEpisodeIsOneRowWithDatesOnly) {
  EpisodeRow& e = Episode("DB/1", "c1", "2026-06-10T21:30:00Z");  // 22:30 BST
  e.found_at = At("2026-06-12T08:00:00Z");
  e.missing_type = {{"missing", e.missing_since}};
  EXPECT_EQ(Rows(), (std::vector<std::vector<std::string>>{
                        {"D-c1", "03/02/2011", "M", "10/06/2026", "12/06/2026"}}));
}

TEST_F(Ssda903Test, DatesAreUkCalendarDays) {
  // 23:30 UTC on 10 June is 00:30 BST on 11 June.
  EpisodeRow& e = Episode("DB/1", "c1", "2026-06-10T23:30:00Z");
  e.found_at = At("2026-06-11T10:00:00Z");
  e.missing_type = {{"away", e.missing_since}};
  EXPECT_EQ(Rows(), (std::vector<std::vector<std::string>>{
                        {"D-c1", "03/02/2011", "A", "11/06/2026", "11/06/2026"}}));
}

TEST_F(Ssda903Test, AnOpenEpisodeHasABlankEnd) {
  Episode("DB/1", "c1", "2027-03-20T10:00:00Z").missing_type = {
      {"missing", At("2027-03-20T10:00:00Z")}};
  EXPECT_EQ(Rows(),
            (std::vector<std::vector<std::string>>{{"D-c1", "03/02/2011", "M", "20/03/2027", ""}}));
}

TEST_F(Ssda903Test, FoundAfterTheYearEndsIsStillOpenInTheReturn) {
  EpisodeRow& e = Episode("DB/1", "c1", "2027-03-30T10:00:00Z");
  e.found_at = At("2027-04-02T10:00:00Z");
  e.missing_type = {{"missing", e.missing_since}};
  EXPECT_EQ(Rows(),
            (std::vector<std::vector<std::string>>{{"D-c1", "03/02/2011", "M", "30/03/2027", ""}}));
}

TEST_F(Ssda903Test, AChangeBetweenAAndMClosesOneSpellAndOpensAnotherOnTheSameDate) {
  EpisodeRow& e = Episode("DB/1", "c1", "2026-09-01T18:00:00Z");
  e.missing_type = {{"away", At("2026-09-01T18:00:00Z")}, {"missing", At("2026-09-03T07:00:00Z")}};
  e.found_at = At("2026-09-05T12:00:00Z");
  EXPECT_EQ(Rows(), (std::vector<std::vector<std::string>>{
                        {"D-c1", "03/02/2011", "A", "01/09/2026", "03/09/2026"},
                        {"D-c1", "03/02/2011", "M", "03/09/2026", "05/09/2026"}}));
}

TEST_F(Ssda903Test, OverlappingEpisodesOfOneChildDoNotOverlapInTheReturn) {
  // Two forces opened an episode each for the same absence.
  EpisodeRow& a = Episode("DB/1", "c1", "2026-10-01T10:00:00Z");
  a.missing_type = {{"missing", a.missing_since}};
  a.found_at = At("2026-10-04T10:00:00Z");
  EpisodeRow& b = Episode("ST/9", "c1", "2026-10-02T10:00:00Z");
  b.missing_type = {{"missing", b.missing_since}};
  b.found_at = At("2026-10-06T10:00:00Z");
  // And an "away" that starts while the merged spell is open ends it.
  EpisodeRow& c = Episode("DB/2", "c1", "2026-10-05T10:00:00Z");
  c.missing_type = {{"away", c.missing_since}};
  c.found_at = At("2026-10-07T10:00:00Z");
  EXPECT_EQ(Rows(), (std::vector<std::vector<std::string>>{
                        {"D-c1", "03/02/2011", "M", "01/10/2026", "05/10/2026"},
                        {"D-c1", "03/02/2011", "A", "05/10/2026", "07/10/2026"}}));
}

TEST_F(Ssda903Test, WhatTheGatewayCannotKnowIsLeftBlankAndSaid) {
  EpisodeRow& e = Episode("DB/1", "c1", "2026-06-10T10:00:00Z");  // a police report: no M/A
  e.found_at = At("2026-06-10T20:00:00Z");
  e.details.council_person_id.clear();
  const auto rows = Rows();
  EXPECT_EQ(
      rows,
      (std::vector<std::vector<std::string>>{{"", "03/02/2011", "", "10/06/2026", "10/06/2026"}}));
  std::string notes;
  for (const auto& n : notes_) notes += n + "\n";
  EXPECT_NE(notes.find("1 rows have no MISSING code"), std::string::npos) << notes;
  EXPECT_NE(notes.find("1 rows have no CHILD"), std::string::npos) << notes;
}

TEST_F(Ssda903Test, OnlyThisCouncilsLookedAfterChildrenAreReturned) {
  Episode("DB/1", "c1", "2026-06-10T10:00:00Z");
  EpisodeRow& other = Episode("DB/2", "c2", "2026-06-11T10:00:00Z");
  other.placing_la = "la-croydon";  // Croydon's child
  EpisodeRow& home = Episode("DB/3", "c3", "2026-06-12T10:00:00Z");
  home.host_la = "la-derby";
  home.placing_la.clear();
  home.details.looked_after = "no";  // a Derby child living at home: not in the 903
  EpisodeRow& in_area = Episode("DB/4", "c4", "2026-06-13T10:00:00Z");
  in_area.host_la = "la-derby";
  in_area.placing_la.clear();
  in_area.details.looked_after = "yes";  // looked after by Derby in Derby
  const auto rows = Rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "D-c1");
  EXPECT_EQ(rows[1][0], "D-c4");
}

TEST_F(Ssda903Test, SpellsOutsideTheYearAreLeftOut) {
  EpisodeRow& before = Episode("DB/1", "c1", "2026-03-01T10:00:00Z");
  before.found_at = At("2026-03-02T10:00:00Z");
  EpisodeRow& across = Episode("DB/2", "c2", "2026-03-30T10:00:00Z");
  across.found_at = At("2026-04-02T10:00:00Z");
  const auto rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"D-c2", "03/02/2011", "", "30/03/2026", "02/04/2026"}));
}

}  // namespace
}  // namespace isagw::reports
