// Golden tests over a generated year (year_generator.h, fixed seed): every
// report of every council, and the police force's hot spots, through the
// real pipeline, store, key ring and ISAs, compared byte for byte with the
// files in tests/reports/golden/ (ISAGW_UPDATE_GOLDEN=1 rewrites them, for
// a reviewed change). Beside the golden bytes, the figures are held
// against the generator's own truth, so a golden file cannot quietly
// freeze a wrong answer; and the privacy property is checked over the
// store: no report names a child to a council that is neither its host
// nor its placing authority.
#include <date/date.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "gateway/reports/report_runner.h"
#include "gateway/reports/report_table.h"
#include "gateway/reports/reports.h"
#include "tests/pipeline/pipeline_fixture.h"
#include "tests/reports/year_generator.h"
#include "tests/reports/year_ingest.h"

namespace isagw::reports {
namespace {

using std::chrono::hours;

const std::vector<std::string> kCouncils = {"la-derby",   "la-staffordshire", "la-stoke",
                                            "la-croydon", "la-nottingham",    "la-bradford"};

testing::YearOptions GoldenYear() {
  testing::YearOptions options;
  options.seed = 20260401;
  options.children_per_area = 20;
  return options;
}

class YearReportsTest : public pipeline::testing::PipelineTest {
 protected:
  static void SetUpTestSuite() {
    PipelineTest::SetUpTestSuite();
    year_ = new testing::GeneratedYear(testing::GenerateYear(GoldenYear()));  // NOLINT
  }
  static void TearDownTestSuite() {
    delete year_;  // NOLINT
    PipelineTest::TearDownTestSuite();
  }

  void SetUp() override {
    PipelineTest::SetUp();
    auto ingested = testing::IngestYear(*pipeline_, state(), *year_);
    ASSERT_TRUE(ingested.ok()) << ingested.error();
    std::string error;
    year_period_ = *ParseReportPeriod("2026-27", error);
    // Who holds a copy of what: the delivery layer's record, apart from the
    // reports. A council sees an episode only through the copies its ISAs
    // let it receive (Croydon and Nottingham have no ISA with their own
    // forces in the example deployment, only as placing authorities).
    auto db = store::SqliteDatabase::Open(path_);
    ASSERT_TRUE(db.ok());
    auto q = db->Prepare(
        "SELECT m.episode_ref, m.kind, o.recipient FROM outbox o JOIN messages m ON m.id = "
        "o.message_id WHERE m.episode_ref IS NOT NULL");
    ASSERT_TRUE(q.ok());
    while (*q->Step()) copies_[{q->ColumnText(0), q->ColumnText(1)}].insert(q->ColumnText(2));
  }

  bool Holds(const std::string& council, const std::string& police_ref,
             const std::string& kind) const {
    auto it = copies_.find({police_ref, kind});
    return it != copies_.end() && it->second.contains(council);
  }

  ReportDocument Run(const std::string& report, const std::string& agency) {
    ReportRequest request;
    request.report = report;
    request.viewer = agency;
    request.period = year_period_;
    request.now = kNow;
    request.top = 20;
    auto run = RunReport(*store_, state(), request);
    EXPECT_TRUE(run.ok()) << report << " for " << agency << ": "
                          << (run.ok() ? "" : run.error().detail);
    return run.ok() ? run->document : ReportDocument{};
  }

  // The truth's episodes the council is host or placing authority for,
  // begun in the year.
  std::vector<const testing::TruthEpisode*> Responsible(const std::string& council) const {
    std::vector<const testing::TruthEpisode*> out;
    for (const auto& e : year_->episodes) {
      if (e.host_la != council && e.placing_la != council) continue;
      if (e.missing_since < year_period_.from || e.missing_since >= year_period_.to) continue;
      if (!Holds(council, e.police_ref, "missing_reported")) continue;
      out.push_back(&e);
    }
    return out;
  }

  static std::string Golden(const ReportDocument& doc) {
    std::string text = "# " + doc.title + " | " + doc.agency + " | " + doc.period + "\n";
    for (const auto& note : doc.notes) text += "# " + note + "\n";
    for (const ReportTable& t : doc.tables) text += "## " + t.name + "\n" + ToCsv(t);
    return text;
  }

  static void Compare(const std::string& file, const std::string& actual) {
    const std::filesystem::path path =
        std::filesystem::path(ISAGW_SOURCE_DIR) / "tests/reports/golden" / file;
    if (std::getenv("ISAGW_UPDATE_GOLDEN") != nullptr) {
      std::filesystem::create_directories(path.parent_path());
      std::ofstream(path, std::ios::binary) << actual;
      return;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path << " is missing; ISAGW_UPDATE_GOLDEN=1 writes it (review it first)";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str()) << "golden " << file << " differs";
  }

  static const std::map<std::string, std::string>& Kpi(const ReportDocument& doc) {
    static std::map<std::string, std::string> values;
    values.clear();
    for (const auto& row : doc.tables.at(0).rows) values[row[0]] = row[1];
    return values;
  }

  static constexpr model::Timestamp kNow =
      model::Timestamp{std::chrono::sys_days{std::chrono::year{2027} / 4 / 1}.time_since_epoch()};
  static testing::GeneratedYear* year_;  // NOLINT: built once for the suite
  ReportPeriod year_period_;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> copies_;
};

testing::GeneratedYear* YearReportsTest::year_ = nullptr;

TEST_F(YearReportsTest, EveryReportOfEveryCouncilMatchesItsGoldenFile) {
  for (const std::string& council : kCouncils) {
    for (const std::string& report : ReportNames()) {
      SCOPED_TRACE(council + " " + report);
      Compare(council + "/" + report + ".txt", Golden(Run(report, council)));
    }
  }
  Compare("police-derbys/hotspots.txt", Golden(Run("hotspots", "police-derbys")));
}

TEST_F(YearReportsTest, KpisAgreeWithWhatTheGeneratorSaysHappened) {
  for (const std::string& council : kCouncils) {
    SCOPED_TRACE(council);
    const auto truth = Responsible(council);
    std::set<std::string> children;
    int within_24h = 0, completed = 0, completed_72h = 0, found = 0;
    for (const auto* e : truth) {
      children.insert(e->child);
      if (e->found_at && Holds(council, e->police_ref, "found")) {
        ++found;
        if (*e->found_at - e->missing_since <= hours(24)) ++within_24h;
      }
      if (e->rhi_outcome == "completed" && Holds(council, e->police_ref, "rhi_recorded")) {
        ++completed;
        if (e->rhi_completed_at && e->found_at &&
            *e->rhi_completed_at - *e->found_at <= hours(72)) {
          ++completed_72h;
        }
      }
    }
    const auto& kpi = Kpi(Run("kpis", council));
    EXPECT_EQ(kpi.at("episodes"), std::to_string(truth.size()));
    EXPECT_EQ(kpi.at("children"), std::to_string(children.size()));
    EXPECT_EQ(kpi.at("found"), std::to_string(found));
    EXPECT_EQ(kpi.at("found_within_24h"), std::to_string(within_24h));
    EXPECT_EQ(kpi.at("rhi_completed"), std::to_string(completed));
    EXPECT_EQ(kpi.at("rhi_completed_within_72h"), std::to_string(completed_72h));
  }
}

TEST_F(YearReportsTest, TheDailyReportListsExactlyTheChildrenStillMissing) {
  for (const std::string& council : kCouncils) {
    SCOPED_TRACE(council);
    std::set<std::string> expected;
    for (const auto& e : year_->episodes) {
      if ((e.host_la == council || e.placing_la == council) && !e.found_at && !e.closed &&
          Holds(council, e.police_ref, "missing_reported")) {
        expected.insert(e.police_ref);
      }
    }
    std::set<std::string> listed;
    const ReportDocument daily = Run("daily", council);  // a range-for would not keep it alive
    for (const auto& row : daily.tables.at(0).rows) listed.insert(row[0]);
    EXPECT_EQ(listed, expected);
  }
}

TEST_F(YearReportsTest, Ssda903HasOneRowPerLookedAfterEpisodeWithItsDates) {
  for (const std::string& council : kCouncils) {
    SCOPED_TRACE(council);
    std::multiset<std::string> expected;  // MIS_START of each own looked-after episode
    for (const auto* e : Responsible(council)) {
      const bool own = e->placing_la == council ||
                       (e->host_la == council && e->placing_la.empty() && e->looked_after);
      if (own)
        expected.insert(date::format("%d/%m/%Y", std::chrono::sys_days{UkDate(e->missing_since)}));
    }
    const ReportDocument doc = Run("ssda903", council);
    std::multiset<std::string> starts;
    for (const auto& row : doc.tables.at(0).rows) {
      starts.insert(row[3]);
      EXPECT_EQ(row[2], "") << "no record in this year states M or A, so none may be invented";
    }
    EXPECT_EQ(starts, expected);
  }
}

TEST_F(YearReportsTest, NoReportNamesAChildToACouncilThatIsNeitherHostNorPlacing) {
  std::map<std::string, std::set<std::string>> allowed;  // police_ref or child id -> councils
  for (const auto& e : year_->episodes) {
    for (const std::string& key : {e.police_ref, e.child}) {
      allowed[key].insert(e.host_la);
      if (!e.placing_la.empty()) allowed[key].insert(e.placing_la);
    }
  }
  int cells_checked = 0;
  for (const std::string& council : kCouncils) {
    for (const std::string& report : ReportNames()) {
      const ReportDocument doc = Run(report, council);
      for (const ReportTable& table : doc.tables) {
        for (const auto& row : table.rows) {
          for (const std::string& cell : row) {
            auto it = allowed.find(cell);
            if (it == allowed.end()) continue;
            ++cells_checked;
            EXPECT_TRUE(it->second.contains(council))
                << report << "/" << table.name << " shows " << cell << " to " << council;
          }
        }
      }
    }
  }
  EXPECT_GT(cells_checked, 100) << "the property must have looked at real rows";
}

}  // namespace
}  // namespace isagw::reports
