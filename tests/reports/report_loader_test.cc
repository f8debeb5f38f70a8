// Reports read the store through the key ring and the ISAs: what each
// agency sees of a real episode ingested through the pipeline, what a
// crypto-shredded record becomes, and the audit every run leaves.
#include "gateway/reports/report_loader.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include "gateway/reports/report_runner.h"
#include "tests/common/timestamp_literal.h"
#include "tests/pipeline/pipeline_fixture.h"

namespace isagw::reports {
namespace {

using ::isagw::testing::At;

using nlohmann::json;
using pipeline::IngestRequest;
using pipeline::testing::ReadJson;

class ReportLoaderTest : public pipeline::testing::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    // A Staffordshire child placed in Derby: missing, found, interviewed.
    json missing = ReadJson("docs/examples/compact/missing-report.json");
    missing["ForceCode"] = "DERBYS";
    missing["OccurrenceRef"] = "DB/21/2026/000001";
    missing["HomePostcode"] = "DE22 3AB";
    missing["ResponsibleLA"] = "860";
    missing["LastSeenLocation"] = "Derby bus station DE1 2AB";
    Send("police-derbys", adapters::Format::kCompact, missing, At("2026-07-14T22:30:00Z"));
    json found = missing;
    found["RecordType"] = "FOUND";
    found["RecordVersion"] = 2;
    found["FoundDateTime"] = "16/07/2026 09:00";
    found["FoundLocation"] = "Markeaton Park, Derby DE22 3BG";
    found["FoundBy"] = "POLICE";
    Send("police-derbys", adapters::Format::kCompact, found, At("2026-07-16T08:30:00Z"));
    json rhi = ReadJson("docs/examples/rhi/full.json");
    rhi["police_reference"] = "DB/21/2026/000001";
    Send("provider-brighter-futures", adapters::Format::kRhi, rhi, At("2026-07-18T12:00:00Z"));
  }

  void Send(const std::string& sender, adapters::Format format, const json& body,
            model::Timestamp at) {
    const auto answer =
        pipeline_->Submit(state(), IngestRequest{sender, format, body.dump(), std::nullopt, at});
    ASSERT_EQ(answer.status, 202) << answer.body.dump();
  }

  ReportData Load(const std::string& viewer) {
    LoadRequest request{viewer, At("2026-01-01T00:00:00Z"), At("2027-01-01T00:00:00Z"),
                        At("2026-08-01T00:00:00Z")};
    auto data = LoadReportData(*store_, state(), request);
    EXPECT_TRUE(data.ok());
    return data.ok() ? std::move(*data) : ReportData{};
  }
};

TEST_F(ReportLoaderTest, TheHostSeesTheEpisodeAndItsInterviewAsTheIsasLetIt) {
  const ReportData data = Load("la-derby");
  ASSERT_EQ(data.episodes.size(), 1u);
  const EpisodeRow& e = data.episodes[0];
  EXPECT_EQ(e.police_ref, "DB/21/2026/000001");
  EXPECT_EQ(e.host_la, "la-derby");
  EXPECT_EQ(e.placing_la, "la-staffordshire");
  EXPECT_EQ(e.force, "police-derbys");
  EXPECT_EQ(e.state, "found");
  EXPECT_EQ(e.missing_since, At("2026-07-14T20:45:00Z"));  // 21:45 BST
  ASSERT_TRUE(e.found_at);
  EXPECT_EQ(*e.found_at, At("2026-07-16T08:00:00Z"));
  EXPECT_EQ(e.details.forename, "Jordan");
  EXPECT_EQ(e.last_seen.district, "DE1");
  EXPECT_EQ(e.found.district, "DE22");
  ASSERT_EQ(e.risk.size(), 1u);
  EXPECT_EQ(e.risk[0].level, "medium");
  ASSERT_TRUE(e.host_copy_at);  // Derby's mailbox copy of the missing report
  EXPECT_EQ(*e.host_copy_at, At("2026-07-14T22:30:00Z"));
  ASSERT_EQ(data.interviews.size(), 1u);
  EXPECT_EQ(data.interviews[0].outcome, "completed");
  EXPECT_FALSE(data.interviews[0].where_stayed.empty());
  EXPECT_EQ(data.shredded, 0);
}

TEST_F(ReportLoaderTest, ThePlacingAuthoritySeesItAndAnUninvolvedCouncilSeesNothing) {
  EXPECT_EQ(Load("la-staffordshire").episodes.size(), 1u);
  const ReportData croydon = Load("la-croydon");
  EXPECT_TRUE(croydon.episodes.empty());
  EXPECT_TRUE(croydon.interviews.empty());
}

TEST_F(ReportLoaderTest, ThePoliceSeeOnlyWhatTheirIsasPassThem) {
  const ReportData police = Load("police-derbys");
  ASSERT_EQ(police.episodes.size(), 1u);
  EXPECT_EQ(police.episodes[0].details.forename, "Jordan");  // its own record
  // ISA-DERBY-2026 passes the force the interview's intelligence with the
  // adult of concern pseudonymised (rhi.with_whom[].name): a pseudonym,
  // never the name.
  ASSERT_EQ(police.interviews.size(), 1u);
  ASSERT_EQ(police.interviews[0].adults_of_concern.size(), 1u);
  EXPECT_TRUE(police.interviews[0].adults_of_concern[0].who.starts_with("psn:"))
      << police.interviews[0].adults_of_concern[0].who;
}

TEST_F(ReportLoaderTest, ShreddedRecordsDropOutAndAreCounted) {
  // The same store opened with a key ring that lost the inbound key.
  store_.reset();
  auto ring = std::make_shared<crypto::KeyRing>();
  crypto::SecretKey other{};
  other.fill(99);
  ring->Add("inbound", "k-new", other);
  auto reopened = store::SqliteStore::Open(path_, std::make_shared<crypto::Sealer>(ring));
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(*reopened);
  const ReportData data = Load("la-derby");
  EXPECT_EQ(data.shredded, 3);
  // With no record of it left to read, the episode drops out too.
  EXPECT_TRUE(data.episodes.empty());
  EXPECT_TRUE(data.interviews.empty());
}

TEST_F(ReportLoaderTest, EveryRunIsAuditedAndRefusedRunsAreNot) {
  const int before = Count("audit");
  ReportRequest request;
  request.report = "kpis";
  request.viewer = "la-derby";
  std::string error;
  request.period = *ParseReportPeriod("2026-07", error);
  request.now = At("2026-08-01T00:00:00Z");
  auto run = RunReport(*store_, state(), request);
  ASSERT_TRUE(run.ok()) << run.error().detail;
  EXPECT_EQ(Count("audit"), before + 1);
  const json body = json::parse(run->audit.body_json);
  EXPECT_EQ(run->audit.kind, "report_run");
  EXPECT_EQ(body["agency"], "la-derby");
  EXPECT_EQ(body["report"], "kpis");
  EXPECT_EQ(body["period"], "2026-07");
  EXPECT_EQ(body["children"], 1);
  EXPECT_EQ(body.dump().find("Jordan"), std::string::npos);

  request.viewer = "provider-brighter-futures";
  auto refused = RunReport(*store_, state(), request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ReportErrorKind::kForbidden);
  request.viewer = "police-derbys";
  EXPECT_FALSE(RunReport(*store_, state(), request).ok());
  EXPECT_EQ(Count("audit"), before + 1);
}

}  // namespace
}  // namespace isagw::reports
