// The reports as pure functions: hand-made rows with the exact answers,
// and a property over random data: no report lists a child to an agency
// that is neither its host nor its placing authority.
#include "gateway/reports/reports.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "gateway/reports/report_period.h"
#include "gateway/reports/report_table.h"
#include "tests/common/timestamp_literal.h"

namespace isagw::reports {
namespace {

using ::isagw::testing::At;

registry::Agency Council(const char* id, const char* la_number) {
  registry::Agency a;
  a.id = id;
  a.kind = registry::AgencyKind::kLocalAuthority;
  a.la_number = la_number;
  return a;
}

EpisodeRow Row(const std::string& ref, const std::string& child, const char* since,
               const char* host, const char* placing = "") {
  EpisodeRow e;
  e.police_ref = ref;
  e.child = child;
  e.host_la = host;
  e.placing_la = placing;
  e.force = "police-derbys";
  e.state = "missing";
  e.missing_since = At(since);
  e.first_received_at = e.missing_since;
  e.details.forename = "Name";
  e.details.surname = child;
  return e;
}

ReportPeriod Period(const char* text) {
  std::string error;
  return *ParseReportPeriod(text, error);
}

TEST(ReportPeriodTest, MonthsQuartersYearsAndRangesFollowTheUkCalendar) {
  const ReportPeriod july = Period("2026-07");
  EXPECT_EQ(july.from, At("2026-06-30T23:00:00Z"));  // midnight BST
  EXPECT_EQ(july.to, At("2026-07-31T23:00:00Z"));
  const ReportPeriod q4 = Period("2026-Q4");
  EXPECT_EQ(q4.from, At("2026-09-30T23:00:00Z"));
  EXPECT_EQ(q4.to, At("2027-01-01T00:00:00Z"));  // midnight GMT
  const ReportPeriod year = Period("2026-27");
  EXPECT_EQ(year.from, At("2026-03-31T23:00:00Z"));
  EXPECT_EQ(year.to, At("2027-03-31T23:00:00Z"));
  EXPECT_EQ(MonthsOf(year).size(), 12u);
  const ReportPeriod range = Period("2026-05-03..2026-05-04");
  EXPECT_EQ(range.to - range.from, std::chrono::hours(48));
  std::string error;
  for (const char* bad : {"2026", "2026-13", "2026-Q5", "2026-29", "2026-05-04..2026-05-03", ""}) {
    EXPECT_FALSE(ParseReportPeriod(bad, error)) << bad;
    EXPECT_FALSE(error.empty());
  }
}

TEST(ReportTableTest, CsvQuotesAndDisarmsFormulas) {
  ReportTable t{"t", "T", {"a", "b"}, {{"x,y", "=HYPERLINK(\"z\")"}, {"plain", "say \"hi\""}}};
  EXPECT_EQ(ToCsv(t), "a,b\r\n\"x,y\",\"'=HYPERLINK(\"\"z\"\")\"\r\nplain,\"say \"\"hi\"\"\"\r\n");
}

TEST(DailyReportTest, ListsMissingChildrenLongestFirstWithFlagsAndDueInterviews) {
  const registry::Agency derby = Council("la-derby", "831");
  ReportData data;
  EpisodeRow long_gone = Row("DB/1", "c1", "2026-11-17T10:00:00Z", "la-derby");
  long_gone.risk = {{"medium", long_gone.missing_since}, {"high", At("2026-11-18T10:00:00Z")}};
  data.episodes.push_back(long_gone);
  data.episodes.push_back(Row("DB/2", "c2", "2026-11-22T10:00:00Z", "la-derby"));
  data.episodes.push_back(Row("DB/3", "c3", "2026-11-19T09:00:00Z", "la-croydon", "la-derby"));
  data.episodes.push_back(Row("ST/4", "c4", "2026-11-19T09:00:00Z", "la-staffordshire"));
  EpisodeRow back = Row("DB/5", "c5", "2026-11-18T09:00:00Z", "la-derby");
  back.state = "found";
  back.found_at = At("2026-11-19T12:00:00Z");  // RHI due 22 Nov 12:00: overdue
  data.episodes.push_back(back);
  EpisodeRow interviewed = Row("DB/6", "c6", "2026-11-18T09:00:00Z", "la-derby");
  interviewed.state = "found";
  interviewed.found_at = At("2026-11-21T12:00:00Z");
  data.episodes.push_back(interviewed);
  InterviewRow rhi;
  rhi.police_refs = {"DB/6"};
  rhi.outcome = "declined";
  data.interviews.push_back(rhi);

  ReportContext context;
  context.data = &data;
  context.viewer = &derby;
  context.now = At("2026-11-23T08:00:00Z");
  const ReportDocument doc = DailyMissingReport(context);
  ASSERT_EQ(doc.tables.size(), 2u);
  const auto& missing = doc.tables[0].rows;
  ASSERT_EQ(missing.size(), 3u);
  EXPECT_EQ(missing[0], (std::vector<std::string>{"DB/1", "Name c1", "", "host", "la-derby", "",
                                                  "2026-11-17 10:00", "142", "high",
                                                  "medium > high", "72h+, 5 days+"}));
  EXPECT_EQ(missing[1][0], "DB/3");
  EXPECT_EQ(missing[1][3], "placing");
  EXPECT_EQ(missing[1][10], "72h+");
  EXPECT_EQ(missing[2][0], "DB/2");
  EXPECT_EQ(missing[2][10], "");
  EXPECT_EQ(doc.tables[1].rows,
            (std::vector<std::vector<std::string>>{{"DB/5", "Name c5", "host", "2026-11-19 12:00",
                                                    "2026-11-22 12:00", "overdue", "20"}}));
  EXPECT_EQ(doc.children, 4);
}

TEST(KpiReportTest, CountsTheFunnelForTheCouncilsOwnEpisodes) {
  const registry::Agency derby = Council("la-derby", "831");
  ReportData data;
  auto found = [&](const char* ref, const char* child, const char* since, const char* at,
                   const char* placing = "") {
    EpisodeRow e = Row(ref, child, since, "la-derby", placing);
    e.state = "found";
    e.found_at = At(at);
    data.episodes.push_back(e);
  };
  found("DB/1", "c1", "2026-05-01T10:00:00Z", "2026-05-01T20:00:00Z");  // within 24 h
  found("DB/2", "c1", "2026-05-10T10:00:00Z", "2026-05-12T10:00:00Z");
  found("DB/3", "c2", "2026-05-20T10:00:00Z", "2026-05-20T12:00:00Z", "la-croydon");
  data.episodes.push_back(Row("ST/4", "c9", "2026-05-20T10:00:00Z", "la-staffordshire"));
  data.episodes.push_back(Row("DB/5", "c3", "2026-06-02T10:00:00Z", "la-derby"));  // June
  auto rhi = [&](const char* ref, const char* outcome, const char* completed) {
    InterviewRow r;
    r.police_refs = {ref};
    r.outcome = outcome;
    if (completed[0] != '\0') r.completed_at = At(completed);
    data.interviews.push_back(r);
  };
  rhi("DB/1", "completed", "2026-05-03T10:00:00Z");  // within 72 h of found
  rhi("DB/2", "completed", "2026-05-20T10:00:00Z");  // late
  rhi("DB/3", "declined", "");

  ReportContext context;
  context.data = &data;
  context.viewer = &derby;
  context.period = Period("2026-05");
  const ReportDocument doc = KpiReport(context);
  std::map<std::string, std::pair<std::string, std::string>> kpi;
  for (const auto& row : doc.tables[0].rows) kpi[row[0]] = {row[1], row[2]};
  EXPECT_EQ(kpi["episodes"].first, "3");
  EXPECT_EQ(kpi["children"].first, "2");
  EXPECT_EQ(kpi["repeat_children (2+ episodes)"],
            std::make_pair(std::string("1"), std::string("50.0")));
  EXPECT_EQ(kpi["found_within_24h"].first, "2");
  EXPECT_EQ(kpi["rhi_offered"].first, "3");
  EXPECT_EQ(kpi["rhi_accepted"].first, "2");
  EXPECT_EQ(kpi["rhi_completed"].first, "2");
  EXPECT_EQ(kpi["rhi_completed_within_72h"], std::make_pair(std::string("1"), std::string("33.3")));
  EXPECT_EQ(kpi["rhi_not_completed: declined"].first, "1");
  EXPECT_EQ(kpi["notifications_to_placing_authorities"].first, "1");
  ASSERT_EQ(doc.tables[1].rows.size(), 1u);  // one month
  EXPECT_EQ(doc.tables[1].rows[0][0], "2026-05");
}

TEST(RepeatReportTest, RanksChildrenAndDatesEachThresholdCrossing) {
  const registry::Agency derby = Council("la-derby", "831");
  ReportData data;
  // c1: five episodes ten days apart from 1 May; c2: two.
  const char* c1[] = {"2026-05-01T10:00:00Z", "2026-05-11T10:00:00Z", "2026-05-21T10:00:00Z",
                      "2026-05-31T10:00:00Z", "2026-06-10T10:00:00Z"};
  int n = 0;
  for (const char* since : c1)
    data.episodes.push_back(Row("DB/" + std::to_string(++n), "c1", since, "la-derby"));
  data.episodes.push_back(Row("DB/20", "c2", "2026-05-02T10:00:00Z", "la-derby"));
  data.episodes.push_back(Row("DB/21", "c2", "2026-05-03T10:00:00Z", "la-derby"));
  std::sort(
      data.episodes.begin(), data.episodes.end(),
      [](const EpisodeRow& a, const EpisodeRow& b) { return a.missing_since < b.missing_since; });
  ReportContext context;
  context.data = &data;
  context.viewer = &derby;
  context.period = Period("2026-Q2");
  const ReportDocument doc = RepeatReport(context);
  const auto& rows = doc.tables[0].rows;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][1], "Name c1");
  EXPECT_EQ(rows[0][4], "5");
  EXPECT_EQ(rows[0][7], "3 in 90 days on 2026-05-21; 5 in 90 days on 2026-06-10");
  EXPECT_EQ(rows[1][4], "2");
  EXPECT_EQ(rows[1][7], "");
}

TEST(HotSpotReportTest, RanksPlacesAndCrossReferencesAdultsAcrossChildren) {
  const registry::Agency derby = Council("la-derby", "831");
  ReportData data;
  EpisodeRow a = Row("DB/1", "c1", "2026-05-01T10:00:00Z", "la-derby");
  a.last_seen = {"DE1", "Bus Station"};
  EpisodeRow b = Row("DB/2", "c2", "2026-05-02T10:00:00Z", "la-derby");
  b.last_seen = {"DE1", "bus  station"};
  b.found = {"DE22", "Park"};
  data.episodes = {a, b};
  InterviewRow r1;
  r1.police_refs = {"DB/1"};
  r1.where_stayed = {{"DE22", "Flat above the shop"}};
  r1.adults_of_concern = {{"psn:aaaa"}};
  InterviewRow r2 = r1;
  r2.police_refs = {"DB/2"};
  data.interviews = {r1, r2};
  ReportContext context;
  context.data = &data;
  context.viewer = &derby;
  context.period = Period("2026-05");
  const ReportDocument doc = HotSpotReport(context);
  ASSERT_EQ(doc.tables.size(), 3u);
  // Equal on episodes and children: by name.
  EXPECT_EQ(doc.tables[0].rows[0], (std::vector<std::string>{"1", "DE1", "2", "2", "2", "0", "0"}));
  EXPECT_EQ(doc.tables[0].rows[1],
            (std::vector<std::string>{"2", "DE22", "2", "2", "0", "1", "2"}));
  EXPECT_EQ(doc.tables[1].rows[0][1], "Bus Station");  // one place, however it is written
  EXPECT_EQ(doc.tables[1].rows[0][2], "2");
  EXPECT_EQ(doc.tables[2].rows,
            (std::vector<std::vector<std::string>>{
                {"place", "Flat above the shop", "2", "2", "2026-05-01", "2026-05-02"},
                {"adult", "psn:aaaa", "2", "2", "2026-05-01", "2026-05-02"}}));
}

TEST(AnnexAReportTest, AnswersOfferedAndAcceptedFromTheLastEpisodesInterview) {
  const registry::Agency derby = Council("la-derby", "831");
  ReportData data;
  data.episodes = {Row("DB/1", "c1", "2026-05-01T10:00:00Z", "la-derby"),
                   Row("DB/2", "c1", "2026-05-09T10:00:00Z", "la-derby"),
                   Row("DB/3", "c2", "2026-05-03T10:00:00Z", "la-derby"),
                   Row("DB/4", "c3", "2026-05-04T10:00:00Z", "la-derby")};
  InterviewRow first;  // about the first episode only: not the last
  first.police_refs = {"DB/1"};
  first.outcome = "completed";
  InterviewRow declined;
  declined.police_refs = {"DB/3"};
  declined.outcome = "declined";
  data.interviews = {first, declined};
  ReportContext context;
  context.data = &data;
  context.viewer = &derby;
  context.period = Period("2026-05");
  const auto rows = AnnexAReport(context).tables[0].rows;
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][4], "DB/2");
  EXPECT_EQ(rows[0][3], "2");
  EXPECT_EQ(rows[0][6], "Unknown");
  EXPECT_EQ(rows[1][4], "DB/3");
  EXPECT_EQ(rows[1][6], "Yes");
  EXPECT_EQ(rows[1][7], "No");
  EXPECT_EQ(rows[2][6], "Unknown");
}

TEST(ReportAccessTest, CouncilsRunEveryReportPoliceOnlyHotSpotsProvidersNone) {
  registry::Agency council = Council("la-derby", "831");
  registry::Agency duty = Council("la-derby-edt", "");
  duty.duty_for = "la-derby";
  registry::Agency police;
  police.id = "police-derbys";
  police.kind = registry::AgencyKind::kPoliceForce;
  registry::Agency provider;
  provider.id = "provider-catch22";
  provider.kind = registry::AgencyKind::kProvider;
  for (const std::string& name : ReportNames()) {
    EXPECT_TRUE(MayRun(council, name)) << name;
    EXPECT_FALSE(MayRun(duty, name)) << name;
    EXPECT_EQ(MayRun(police, name), name == "hotspots") << name;
    EXPECT_FALSE(MayRun(provider, name)) << name;
  }
  EXPECT_FALSE(MayRun(council, "everything"));
}

// Property: for random episodes spread over five councils, every report
// any council runs names (by police reference or by name) only children
// that council is host or placing authority for.
TEST(ReportPrivacyProperty, NoReportListsAChildToACouncilThatIsNeitherHostNorPlacing) {
  const std::vector<registry::Agency> councils = {
      Council("la-derby", "831"), Council("la-staffordshire", "860"), Council("la-stoke", "861"),
      Council("la-croydon", "306"), Council("la-nottingham", "892")};
  std::mt19937_64 random(20261203);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  for (int round = 0; round < 20; ++round) {
    ReportData data;
    std::map<std::string, std::set<std::string>> allowed;  // child name or ref -> councils
    const model::Timestamp start = At("2026-04-01T00:00:00Z");
    for (int i = 0; i < 200; ++i) {
      const std::string child = "child" + std::to_string(pick(60));
      const std::string ref = "REF/" + std::to_string(round) + "/" + std::to_string(i);
      const std::string host = councils[pick(5)].id;
      const std::string placing = pick(3) == 0 ? councils[pick(5)].id : "";
      EpisodeRow e;
      e.police_ref = ref;
      e.child = child + "@" + host + placing;  // a child is linked per placement
      e.host_la = host;
      e.placing_la = placing == host ? "" : placing;
      e.state = pick(4) == 0 ? "missing" : "found";
      e.missing_since = start + std::chrono::hours(pick(24 * 365));
      e.first_received_at = e.missing_since;
      if (e.state == "found") e.found_at = e.missing_since + std::chrono::hours(1 + pick(200));
      e.details.forename = "Forename" + e.child;
      e.details.surname = "Surname";
      e.details.council_person_id = "ID-" + e.child;
      e.details.looked_after = pick(2) ? "yes" : "no";
      e.last_seen = {"DE1", "Place" + std::to_string(pick(5))};
      for (const std::string& key :
           {ref, e.details.forename + " Surname", e.details.council_person_id}) {
        allowed[key].insert(e.host_la);
        if (!e.placing_la.empty()) allowed[key].insert(e.placing_la);
      }
      data.episodes.push_back(e);
      if (e.found_at && pick(2) == 0) {
        InterviewRow r;
        r.police_refs = {ref};
        r.outcome = pick(2) ? "completed" : "declined";
        r.where_stayed = {{"DE22", "Stay" + std::to_string(pick(4))}};
        r.adults_of_concern = {{"psn:" + std::to_string(pick(6))}};
        data.interviews.push_back(r);
      }
    }
    std::sort(
        data.episodes.begin(), data.episodes.end(),
        [](const EpisodeRow& a, const EpisodeRow& b) { return a.missing_since < b.missing_since; });
    for (const registry::Agency& viewer : councils) {
      ReportContext context;
      context.data = &data;
      context.viewer = &viewer;
      context.now = At("2026-12-01T00:00:00Z");
      context.period = Period("2026-27");
      context.top = 100;
      for (auto* report : {&DailyMissingReport, &KpiReport, &RepeatReport, &HotSpotReport,
                           &Ssda903Report, &AnnexAReport}) {
        const ReportDocument doc = report(context);
        for (const ReportTable& table : doc.tables) {
          for (const auto& row : table.rows) {
            for (const std::string& cell : row) {
              auto it = allowed.find(cell);
              if (it == allowed.end()) continue;
              EXPECT_TRUE(it->second.contains(viewer.id))
                  << doc.report << " shows " << cell << " to " << viewer.id;
            }
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace isagw::reports
