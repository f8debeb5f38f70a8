#include "gateway/pipeline/gateway_api_service.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/pipeline/pipeline_fixture.h"

namespace isagw::pipeline::testing {
namespace {

using nlohmann::json;

class GatewayApiServiceTest : public PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    service_ = std::make_unique<GatewayApiService>(*store_, *state_, [] { return Now(); });
  }
  void TearDown() override {
    service_.reset();
    PipelineTest::TearDown();
  }

  static server::ApiCall Call(const std::string& agency, std::string body = "",
                              std::optional<std::string> key = std::nullopt) {
    server::ApiCall call;
    call.agency_id = agency;
    call.body = std::move(body);
    call.idempotency_key = std::move(key);
    return call;
  }
  static std::string Missing() {
    json r = ReadJson("docs/examples/compact/missing-report.json");
    r["ForceCode"] = "DERBYS";
    r["OccurrenceRef"] = "DB/21/2026/004512";
    r["HomePostcode"] = "DE22 3AB";
    r["LastSeenLocation"] = "Derby";
    return r.dump();
  }

  std::unique_ptr<GatewayApiService> service_;
};

TEST_F(GatewayApiServiceTest, AcceptsAMessageAndShowsItsStatusToItsSenderOnly) {
  const auto posted =
      service_->SubmitMessage(Call("police-derbys", Missing()), adapters::Format::kCompact);
  ASSERT_EQ(posted.status, 202) << posted.body;
  ASSERT_NE(posted.Header("Content-Type"), nullptr);
  EXPECT_EQ(*posted.Header("Content-Type"), "application/json");
  const std::string id = json::parse(posted.body)["message_id"];

  const auto status = service_->GetMessageStatus(Call("police-derbys"), id);
  ASSERT_EQ(status.status, 200) << status.body;
  const json body = json::parse(status.body);
  EXPECT_EQ(body["message_id"], id);
  EXPECT_EQ(body["status"], "accepted");
  EXPECT_EQ(body["recipients"][0]["agency"], "la-derby");
  EXPECT_EQ(body["recipients"][0]["state"], "available");
  // What was decided for the recipient sits beside where its copy is.
  const json accepted = json::parse(posted.body)["recipients"][0];
  EXPECT_EQ(body["recipients"][0]["delivery_id"], accepted["delivery_id"]);
  EXPECT_EQ(body["recipients"][0]["isa"], accepted["isa"]);
  EXPECT_EQ(body["recipients"][0]["withheld"], accepted["withheld"]);
  EXPECT_EQ(body["recipients"][0]["kind"], accepted["kind"]);
  EXPECT_EQ(body["not_sent"], json::parse(posted.body)["not_sent"]);

  // Another force's message looks exactly like one never sent.
  const auto foreign = service_->GetMessageStatus(Call("police-staffs"), id);
  const auto unknown = service_->GetMessageStatus(Call("police-staffs"), "msg_0000");
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.body, unknown.body);
  EXPECT_EQ(json::parse(foreign.body)["detail"], "this agency sent no message with this id");
}

TEST_F(GatewayApiServiceTest, TheStatusKeepsEachRecipientsOwnKind) {
  ASSERT_EQ(
      service_->SubmitMessage(Call("police-derbys", Missing()), adapters::Format::kCompact).status,
      202);
  json found = json::parse(Missing());
  found["RecordType"] = "FOUND";
  found["RecordVersion"] = 2;
  found["FoundDateTime"] = "15/07/2026 08:30";
  found["FoundLocation"] = "Derby bus station DE1 2AB";
  found["FoundBy"] = "POLICE";
  const auto posted =
      service_->SubmitMessage(Call("police-derbys", found.dump()), adapters::Format::kCompact);
  ASSERT_EQ(posted.status, 202) << posted.body;
  const auto status = service_->GetMessageStatus(
      Call("police-derbys"), json::parse(posted.body)["message_id"].get<std::string>());
  ASSERT_EQ(status.status, 200) << status.body;
  const json body = json::parse(status.body);
  EXPECT_EQ(body["kind"], "found");
  // The provider's copy is a derived referral, not the found report.
  std::map<std::string, std::string> kinds;
  for (const json& r : body["recipients"]) kinds[r["agency"]] = r["kind"];
  EXPECT_EQ(kinds["la-derby"], "found") << status.body;
  EXPECT_EQ(kinds["provider-brighter-futures"], "rhi_referred") << status.body;
}

TEST_F(GatewayApiServiceTest, ARefusalIsAProblemDocument) {
  const auto refused =
      service_->SubmitMessage(Call("police-derbys", "{"), adapters::Format::kCompact);
  EXPECT_EQ(refused.status, 400);
  ASSERT_NE(refused.Header("Content-Type"), nullptr);
  EXPECT_EQ(*refused.Header("Content-Type"), "application/problem+json");
}

TEST_F(GatewayApiServiceTest, ARefusalIsAuditedByPointerAndCodeWithoutItsValues) {
  json bad = json::parse(Missing());
  bad["NHSNumber"] = "9990000027";  // a bad check digit
  const auto refused =
      service_->SubmitMessage(Call("police-derbys", bad.dump()), adapters::Format::kCompact);
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(Count("messages"), 0) << "a refusal changes no state";

  auto db = store::SqliteDatabase::Open(path_);
  auto q = db->Prepare("SELECT body FROM audit WHERE kind = 'message_rejected'");
  ASSERT_TRUE(*q->Step()) << "no message_rejected record";
  const std::string text = q->ColumnText(0);
  const json body = json::parse(text);
  EXPECT_EQ(body["sender"], "police-derbys");
  EXPECT_EQ(body["format"], "compact");
  EXPECT_EQ(body["status"], 400);
  EXPECT_EQ(body["problem"], "invalid-message");
  ASSERT_FALSE(body["errors"].empty());
  EXPECT_EQ(body["errors"][0]["pointer"], "/NHSNumber");
  EXPECT_EQ(body["errors"][0]["code"], "nhs_checksum");
  EXPECT_EQ(text.find("9990000027"), std::string::npos);
  EXPECT_EQ(text.find(json::parse(Missing())["MisperForename"].get<std::string>()),
            std::string::npos);
}

TEST_F(GatewayApiServiceTest, TheRecipientListsFetchesAndAcknowledgesItsMailbox) {
  ASSERT_EQ(
      service_->SubmitMessage(Call("police-derbys", Missing()), adapters::Format::kCompact).status,
      202);
  // Croydon has no part in this episode (Stoke, the placing council, does).
  EXPECT_EQ(json::parse(service_->ListInbox(Call("la-croydon")).body)["items"].size(), 0u);
  const auto listed = service_->ListInbox(Call("la-derby"));
  ASSERT_EQ(listed.status, 200);
  const json items = json::parse(listed.body)["items"];
  ASSERT_EQ(items.size(), 1u);
  const std::string item = items[0]["delivery_id"];

  EXPECT_EQ(service_->GetInboxItem(Call("la-croydon"), item).status, 404);
  const auto fetched = service_->GetInboxItem(Call("la-derby"), item);
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(*fetched.Header("Content-Type"), "application/vnd.isagw.council+xml");
  EXPECT_EQ(*fetched.Header("Isagw-Delivery-Id"), item);
  EXPECT_EQ(*fetched.Header("Isagw-Message-Id"), items[0]["message_id"]);
  EXPECT_NE(fetched.body.find("<CouncilEvent"), std::string::npos);

  const auto acked = service_->AckInboxItem(Call("la-derby"), item);
  EXPECT_EQ(acked.status, 204);
  EXPECT_TRUE(acked.body.empty());
  EXPECT_EQ(json::parse(service_->ListInbox(Call("la-derby")).body)["items"].size(), 0u);
  // Twice is harmless; another agency still cannot touch it.
  EXPECT_EQ(service_->AckInboxItem(Call("la-derby"), item).status, 204);
  EXPECT_EQ(service_->AckInboxItem(Call("la-croydon"), item).status, 404);
}

TEST_F(GatewayApiServiceTest, TheMailboxIsReadPageByPageWithoutAcknowledging) {
  std::vector<std::string> messages;
  for (int i = 0; i < 5; ++i) {
    json r = json::parse(Missing());
    r["OccurrenceRef"] = "DB/21/2026/00460" + std::to_string(i);
    const auto posted =
        service_->SubmitMessage(Call("police-derbys", r.dump()), adapters::Format::kCompact);
    ASSERT_EQ(posted.status, 202) << posted.body;
    messages.push_back(json::parse(posted.body)["message_id"]);
  }
  std::vector<std::string> listed;
  std::string query = "limit=2";
  int pages = 0;
  while (true) {
    server::ApiCall call = Call("la-derby");
    call.query = query;
    const auto page = service_->ListInbox(call);
    ASSERT_EQ(page.status, 200) << page.body;
    const json body = json::parse(page.body);
    ++pages;
    for (const json& item : body["items"]) listed.push_back(item["message_id"]);
    if (!body.contains("next_after")) break;
    EXPECT_EQ(body["items"].size(), 2u);
    EXPECT_EQ(body["next_after"], body["items"].back()["delivery_id"]);
    query = "limit=2&after=" + body["next_after"].get<std::string>();
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(listed, messages) << "oldest first, each once";
}

TEST_F(GatewayApiServiceTest, ACursorFromAnotherMailboxIsRefusedLikeAnUnknownOne) {
  ASSERT_EQ(
      service_->SubmitMessage(Call("police-derbys", Missing()), adapters::Format::kCompact).status,
      202);
  const std::string derby_item =
      json::parse(service_->ListInbox(Call("la-derby")).body)["items"][0]["delivery_id"];
  for (const std::string& after : {derby_item, std::string("dlv_nothing")}) {
    server::ApiCall call = Call("la-croydon");
    call.query = "after=" + after;
    const auto refused = service_->ListInbox(call);
    ASSERT_EQ(refused.status, 400) << refused.body;
    const json body = json::parse(refused.body);
    EXPECT_EQ(body["errors"][0]["pointer"], "/query/after");
    EXPECT_EQ(body["errors"][0]["code"], "unknown");
  }
  server::ApiCall typo = Call("la-derby");
  typo.query = "limit=0";
  EXPECT_EQ(service_->ListInbox(typo).status, 400);
}

TEST_F(GatewayApiServiceTest, ABatchIsDecodedWholeBeforeAnyRecordIsAccepted) {
  const std::string batch = ReadSource("docs/examples/compact/missing-batch.ndjson");
  const auto broken = service_->SubmitBatch(Call("police-derbys", batch + "{\"RecordType\":1}\n"),
                                            server::BatchFormat::kNdjson);
  EXPECT_EQ(broken.status, 400) << broken.body;
  EXPECT_EQ(Count("messages"), 0);

  const auto accepted =
      service_->SubmitBatch(Call("police-derbys", batch, "b-1"), server::BatchFormat::kNdjson);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const json body = json::parse(accepted.body);
  EXPECT_EQ(body["records"], 3);
  EXPECT_EQ(body["accepted"], 3) << accepted.body;
  const int messages = Count("messages");
  EXPECT_EQ(messages, 3);
  // The same batch and key again: every record replays.
  EXPECT_EQ(service_->SubmitBatch(Call("police-derbys", batch, "b-1"), server::BatchFormat::kNdjson)
                .status,
            202);
  EXPECT_EQ(Count("messages"), messages);
}

TEST_F(GatewayApiServiceTest, AReloadedStateIsUsedByLaterRequests) {
  const auto before = service_->CurrentState();
  auto next = std::make_shared<const GatewayState>(*before);
  service_->SwapState(next);
  EXPECT_EQ(service_->CurrentState(), next);
  EXPECT_NE(service_->CurrentState(), before);
}

}  // namespace
}  // namespace isagw::pipeline::testing
