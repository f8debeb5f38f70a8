#include "gateway/pipeline/ingest_pipeline.h"

#include <gtest/gtest.h>

#include "tests/pipeline/pipeline_fixture.h"

namespace isagw::pipeline::testing {
namespace {

using adapters::Format;
using nlohmann::json;

constexpr const char* kRef = "DB/21/2026/004512";
// Distinctive, so any leak into an answer is found by searching for it.
constexpr const char* kForename = "Zephyrine";
constexpr const char* kSurname = "Quillfeather";

// Derby police: a looked-after child placed in Derby (DE22) by
// Staffordshire (ResponsibleLA 860).
json DerbyMissing(int version = 1) {
  json r = ReadJson("docs/examples/compact/missing-report.json");
  r["ForceCode"] = "DERBYS";
  r["OccurrenceRef"] = kRef;
  r["RecordVersion"] = version;
  r["MisperForename"] = kForename;
  r["MisperSurname"] = kSurname;
  r["NHSNumber"] = "9434765919";
  r["HomeAddress"] = "Oakfield House, 1 Sample Road, Derby";
  r["HomePostcode"] = "DE22 3AB";
  r["ResponsibleLA"] = "860";
  r["LastSeenLocation"] = "Outside the Westfield centre, Derby";
  return r;
}

json DerbyFound(int version = 2) {
  json r = DerbyMissing(version);
  r["RecordType"] = "FOUND";
  r["FoundDateTime"] = "15/07/2026 08:30";
  r["FoundLocation"] = "Derby bus station DE1 2AB";
  r["FoundBy"] = "POLICE";
  return r;
}

json ProviderRhi() {
  json r = ReadJson("docs/examples/rhi/full.json");
  r["police_reference"] = kRef;
  r["child"]["first_name"] = kForename;
  r["child"]["last_name"] = kSurname;
  return r;
}

class IngestPipelineTest : public PipelineTest {
 protected:
  IngestAnswer Police(const json& record, std::optional<std::string> key = std::nullopt) {
    return Submit("police-derbys", Format::kCompact, record.dump(), std::move(key));
  }
  static void ExpectNoName(const IngestAnswer& answer) {
    const std::string text = answer.body.dump();
    EXPECT_EQ(text.find(kForename), std::string::npos);
    EXPECT_EQ(text.find(kSurname), std::string::npos);
    EXPECT_EQ(text.find("9434765919"), std::string::npos);
  }
};

TEST_F(IngestPipelineTest, AMissingReportReachesTheHostCouncilRedactedForItsIsa) {
  const IngestAnswer answer = Police(DerbyMissing());
  ASSERT_EQ(answer.status, 202) << answer.body.dump();
  ASSERT_TRUE(answer.message_id.has_value());
  EXPECT_EQ(answer.body["status"], "accepted");
  EXPECT_EQ(answer.body["episode"]["police_ref"], kRef);
  EXPECT_EQ(answer.body["episode"]["state"], "missing");

  const json derby = RecipientEntry(answer, "la-derby");
  ASSERT_FALSE(derby.is_null()) << answer.body.dump();
  EXPECT_EQ(derby["format"], "council-xml");
  EXPECT_EQ(derby["mode"], "mailbox");
  EXPECT_EQ(derby["isa"], "ISA-DERBY-2026");
  EXPECT_EQ(derby["roles"], json::array({"host_la"}));
  // ISA-DERBY-2026 §3.1(b) drops ethnicity.
  EXPECT_TRUE(Withholds(derby, "/child/ethnicity/code")) << derby.dump();

  const std::string payload = Payload("la-derby", derby["delivery_id"]);
  EXPECT_NE(payload.find(kForename), std::string::npos);  // the council may know the child
  EXPECT_EQ(payload.find("<Ethnicity"), std::string::npos) << payload;
  ExpectNoName(answer);
}

TEST_F(IngestPipelineTest, ThePlacingCouncilGetsItsOwnRedactedCopyFromThePolice) {
  // ISA-PLACING-2026: the force tells the placing authority directly; the
  // family home stays with the police and the host council.
  const IngestAnswer answer = Police(DerbyMissing());
  ASSERT_EQ(answer.status, 202);
  const json staffs = RecipientEntry(answer, "la-staffordshire");
  ASSERT_FALSE(staffs.is_null()) << answer.body.dump();
  EXPECT_EQ(staffs["isa"], "ISA-PLACING-2026");
  EXPECT_EQ(staffs["roles"], json::array({"placing_la"}));
  EXPECT_TRUE(Withholds(staffs, "/child/home/postcode")) << staffs.dump();
  EXPECT_TRUE(Withholds(staffs, "/child/home/text")) << staffs.dump();
  EXPECT_TRUE(NotSentEntry(answer, "la-staffordshire").is_null());
  EXPECT_EQ(Count("outbox"), 2);  // the host council's copy and the placing council's
}

TEST_F(IngestPipelineTest, BeforeTheAgreementsStartNothingIsSentAndTheSenderIsTold) {
  // Every example ISA runs from 1 February 2026: a report received before
  // then is accepted and stored, but no copy leaves, and each refusal is
  // both in the answer and in the audit.
  using namespace std::chrono;
  IngestRequest early{"police-derbys", Format::kCompact, DerbyMissing().dump(), std::nullopt,
                      sys_days{2026y / January / 15} + 9h};
  const IngestAnswer answer = pipeline_->Submit(state(), early);
  ASSERT_EQ(answer.status, 202) << answer.body.dump();
  EXPECT_TRUE(answer.body["recipients"].empty()) << answer.body.dump();
  const json derby = NotSentEntry(answer, "la-derby");
  ASSERT_FALSE(derby.is_null()) << answer.body.dump();
  EXPECT_EQ(derby["reason"], "isa_not_yet_valid");
  EXPECT_FALSE(NotSentEntry(answer, "la-staffordshire").is_null());
  EXPECT_EQ(Count("outbox"), 0);
  auto db = store::SqliteDatabase::Open(path_);
  auto refused = db->Prepare("SELECT COUNT(*) FROM audit WHERE kind = 'flow_refused'");
  ASSERT_TRUE(*refused->Step());
  EXPECT_EQ(refused->ColumnInt(0), 2);
}

TEST_F(IngestPipelineTest, AFoundRecordRefersTheChildToTheCommissionedProvider) {
  ASSERT_EQ(Police(DerbyMissing()).status, 202);
  const IngestAnswer answer = Police(DerbyFound());
  ASSERT_EQ(answer.status, 202) << answer.body.dump();
  EXPECT_EQ(answer.body["episode"]["state"], "found");
  EXPECT_EQ(answer.body["episode"]["record_version"], 2);

  const json referral = RecipientEntry(answer, "provider-brighter-futures", "rhi_referred");
  ASSERT_FALSE(referral.is_null()) << answer.body.dump();
  EXPECT_EQ(referral["format"], "canonical");
  EXPECT_EQ(referral["isa"], "ISA-DERBY-2026");
  EXPECT_TRUE(Withholds(referral, "/child/nhs_number"));

  const json copy = json::parse(Payload("provider-brighter-futures", referral["delivery_id"]));
  EXPECT_EQ(copy["kind"], "rhi_referred");
  EXPECT_FALSE(copy["child"].contains("nhs_number"));
  EXPECT_FALSE(RecipientEntry(answer, "la-derby", "found").is_null());
  ExpectNoName(answer);
}

TEST_F(IngestPipelineTest, TheProvidersInterviewReachesTheCouncilAndPoliceAsIntelligence) {
  ASSERT_EQ(Police(DerbyMissing()).status, 202);
  ASSERT_EQ(Police(DerbyFound()).status, 202);
  const IngestAnswer answer =
      Submit("provider-brighter-futures", Format::kRhi, ProviderRhi().dump());
  ASSERT_EQ(answer.status, 202) << answer.body.dump();
  EXPECT_EQ(answer.body["kind"], "rhi_recorded");

  const json derby = RecipientEntry(answer, "la-derby");
  ASSERT_FALSE(derby.is_null()) << answer.body.dump();
  EXPECT_EQ(derby["format"], "council-xml");
  // Council XML carries no interview narratives: withheld, and said so.
  EXPECT_TRUE(Withholds(derby, "/rhi/child_account")) << derby.dump();
  EXPECT_EQ(Payload("la-derby", derby["delivery_id"]).find("argument about phone"),
            std::string::npos);

  const json police = RecipientEntry(answer, "police-derbys");
  ASSERT_FALSE(police.is_null()) << answer.body.dump();
  EXPECT_EQ(police["format"], "compact");
  const std::string intelligence = Payload("police-derbys", police["delivery_id"]);
  EXPECT_NE(intelligence.find("INTELLIGENCE"), std::string::npos) << intelligence;

  // Staffordshire placed the child: routed as placing LA, and its ISA answer is listed.
  const bool staffs_routed = !RecipientEntry(answer, "la-staffordshire").is_null() ||
                             !NotSentEntry(answer, "la-staffordshire").is_null();
  EXPECT_TRUE(staffs_routed) << answer.body.dump();
  ExpectNoName(answer);
}

TEST_F(IngestPipelineTest, ARepeatedIdempotencyKeyReplaysTheAnswerAndAddsNothing) {
  const IngestAnswer first = Police(DerbyMissing(), "key-1");
  ASSERT_EQ(first.status, 202);
  const auto before = Counts();
  json changed = DerbyMissing(3);  // even a different body: the key decides
  const IngestAnswer again = Police(changed, "key-1");
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.message_id, first.message_id);
  EXPECT_EQ(Counts(), before);
}

TEST_F(IngestPipelineTest, TheSamePoliceRecordAgainReplaysTheAnswerAndAddsNothing) {
  const IngestAnswer first = Police(DerbyMissing(), "key-1");
  ASSERT_EQ(first.status, 202);
  const auto before = Counts();
  const IngestAnswer again = Police(DerbyMissing(), "key-2");
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(Counts(), before);
}

TEST_F(IngestPipelineTest, AnOlderRecordVersionIsAnsweredStaleAndStoresNothing) {
  ASSERT_EQ(Police(DerbyFound(3)).status, 202);
  const auto before = Counts();
  const IngestAnswer stale = Police(DerbyMissing(2));
  EXPECT_EQ(stale.status, 200) << stale.body.dump();
  EXPECT_EQ(stale.body["status"], "stale");
  EXPECT_EQ(stale.body["record_version"], 2);
  EXPECT_EQ(stale.body["latest_record_version"], 3);
  EXPECT_FALSE(stale.message_id.has_value());
  EXPECT_EQ(Counts(), before);
}

TEST_F(IngestPipelineTest, APlacementNotificationLinksTheChildForALaterPoliceReport) {
  json report = DerbyMissing();
  report.erase("ResponsibleLA");
  report["LookedAfter"] = "U";
  // Without a link, nothing names Staffordshire.
  const IngestAnswer unlinked = Police(report);
  ASSERT_EQ(unlinked.status, 202);
  EXPECT_TRUE(RecipientEntry(unlinked, "la-staffordshire").is_null());
  EXPECT_TRUE(NotSentEntry(unlinked, "la-staffordshire").is_null());

  const IngestAnswer placed =
      Submit("la-staffordshire", Format::kCouncilXml,
             ReadSource("docs/examples/council-xml/placement-notification.xml"));
  ASSERT_EQ(placed.status, 202) << placed.body.dump();
  EXPECT_EQ(Count("child_links"), 1);
  EXPECT_FALSE(RecipientEntry(placed, "la-derby").is_null()) << placed.body.dump();

  report["OccurrenceRef"] = "DB/21/2026/009999";
  const IngestAnswer linked = Police(report);
  ASSERT_EQ(linked.status, 202);
  const bool staffs_routed = !RecipientEntry(linked, "la-staffordshire").is_null() ||
                             !NotSentEntry(linked, "la-staffordshire").is_null();
  EXPECT_TRUE(staffs_routed) << linked.body.dump();
}

TEST_F(IngestPipelineTest, AForceCodeThatIsNotTheSendersIsRefusedWithItsPointer) {
  json report = DerbyMissing();
  report["ForceCode"] = "STAFFS";
  const IngestAnswer answer = Police(report);
  EXPECT_EQ(answer.status, 403);
  ASSERT_EQ(answer.body["errors"].size(), 1u) << answer.body.dump();
  EXPECT_EQ(answer.body["errors"][0]["pointer"], "/ForceCode");
  EXPECT_EQ(Counts(), (std::vector<int>{0, 0, 0, 0, 0}));
  ExpectNoName(answer);
}

TEST_F(IngestPipelineTest, AnEventKindTheAgencyMayNotSendIsRefused) {
  const IngestAnswer answer =
      Submit("la-staffordshire", Format::kCouncilXml,
             ReadSource("docs/examples/council-xml/missing-notification.xml"));
  EXPECT_EQ(answer.status, 403) << answer.body.dump();
  EXPECT_EQ(Counts(), (std::vector<int>{0, 0, 0, 0, 0}));
}

TEST_F(IngestPipelineTest, AFormatTheAgencyDoesNotSendIsRefused) {
  const IngestAnswer answer = Submit("police-derbys", Format::kCouncilXml,
                                     ReadSource("docs/examples/council-xml/placement-notification.xml"));
  EXPECT_EQ(answer.status, 415);
  EXPECT_EQ(Counts(), (std::vector<int>{0, 0, 0, 0, 0}));
}

TEST_F(IngestPipelineTest, AnInvalidMessageIsRefusedWithEveryErrorAndNoValue) {
  json report = DerbyMissing();
  report["NHSNumber"] = "9434765918";  // bad check digit
  report["MisperDOB"] = "31/02/2011";
  const IngestAnswer answer = Police(report);
  EXPECT_EQ(answer.status, 400);
  EXPECT_GE(answer.body["errors"].size(), 2u) << answer.body.dump();
  EXPECT_EQ(answer.body.dump().find("9434765918"), std::string::npos);
  EXPECT_EQ(Counts(), (std::vector<int>{0, 0, 0, 0, 0}));
}

TEST_F(IngestPipelineTest, AnUnknownSenderIsRefused) {
  EXPECT_EQ(Police(DerbyMissing()).status, 202);
  const IngestAnswer answer = Submit("police-nowhere", Format::kCompact, DerbyMissing().dump());
  EXPECT_EQ(answer.status, 403);
}

TEST_F(IngestPipelineTest, DeliveryIdsAreStableAndAuditedAsDisclosures) {
  const IngestAnswer answer = Police(DerbyMissing());
  ASSERT_EQ(answer.status, 202);
  const json derby = RecipientEntry(answer, "la-derby");
  ASSERT_FALSE(derby.is_null());
  EXPECT_EQ(derby["delivery_id"].get<std::string>().rfind("dlv_", 0), 0u);
  EXPECT_EQ(derby["delivery_id"].get<std::string>().size(), 4u + 24u);
  auto db = store::SqliteDatabase::Open(path_);
  // One disclosure per copy: the host council's and the placing council's.
  auto q = db->Prepare("SELECT COUNT(*) FROM audit WHERE kind = 'disclosure'");
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnInt(0), 2);
  auto r = db->Prepare("SELECT COUNT(*) FROM audit WHERE kind = 'flow_refused'");
  ASSERT_TRUE(*r->Step());
  EXPECT_EQ(r->ColumnInt(0), 0);
}

}  // namespace
}  // namespace isagw::pipeline::testing
