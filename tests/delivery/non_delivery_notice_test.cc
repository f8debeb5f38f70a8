#include "gateway/delivery/non_delivery_notice.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/delivery/attempt_audit.h"

namespace isagw::delivery {
namespace {

using namespace std::chrono;

store::Delivery DeadDelivery() {
  return store::Delivery{"m1-la-derby",
                         "m1",
                         "la-derby",
                         "la-derby|DB/21/2026/004512",
                         store::DeliveryMode::kPush,
                         "council-xml",
                         "application/vnd.isagw.council+xml",
                         "isa-derby",
                         "<Forename>Zephyrine</Forename>"};
}

NonDelivery Facts(const store::Delivery& dead) {
  NonDelivery facts;
  facts.dead = &dead;
  facts.sender = "police-derbys";
  facts.sender_mode = store::DeliveryMode::kMailbox;
  facts.reason = "http_400";
  facts.attempts = 1;
  facts.given_up_at = sys_days{2026y / November / 23} + 10h;
  facts.scope = "inbound";
  return facts;
}

TEST(NonDeliveryNotice, GoesToTheSenderAsAProblemDocument) {
  const store::Delivery dead = DeadDelivery();
  const store::Delivery notice = BuildNonDeliveryNotice(Facts(dead));
  EXPECT_EQ(notice.id, "m1-la-derby-ndn");
  EXPECT_EQ(notice.message_id, "m1");
  EXPECT_EQ(notice.recipient, "police-derbys");
  EXPECT_EQ(notice.mode, store::DeliveryMode::kMailbox);
  EXPECT_EQ(notice.content_type, "application/problem+json");
  EXPECT_EQ(notice.scope, "inbound");
  EXPECT_TRUE(IsNonDeliveryNotice(notice));
  EXPECT_FALSE(IsNonDeliveryNotice(dead));

  const auto problem = nlohmann::json::parse(notice.payload);
  EXPECT_EQ(problem["type"], "urn:isagw:problem:non-delivery");
  EXPECT_FALSE(problem["title"].get<std::string>().empty());
  const std::string detail = problem["detail"];
  EXPECT_NE(detail.find("la-derby"), std::string::npos);
  EXPECT_NE(detail.find("m1-la-derby"), std::string::npos);
  EXPECT_EQ(problem["delivery_id"], "m1-la-derby");
  EXPECT_EQ(problem["recipient"], "la-derby");
  EXPECT_EQ(problem["reason"], "http_400");
  EXPECT_EQ(problem["attempts"], 1);
  EXPECT_EQ(problem["given_up_at"], "2026-11-23T10:00:00Z");
}

TEST(NonDeliveryNotice, CarriesNothingFromThePayload) {
  const store::Delivery dead = DeadDelivery();
  const store::Delivery notice = BuildNonDeliveryNotice(Facts(dead));
  EXPECT_EQ(notice.payload.find("Zephyrine"), std::string::npos);
  EXPECT_EQ(notice.payload.find("Forename"), std::string::npos);
}

TEST(NonDeliveryNotice, FollowsTheSendersDeliveryMode) {
  const store::Delivery dead = DeadDelivery();
  NonDelivery facts = Facts(dead);
  facts.sender_mode = store::DeliveryMode::kPush;
  EXPECT_EQ(BuildNonDeliveryNotice(facts).mode, store::DeliveryMode::kPush);
}

TEST(DeliveryAttemptAudit, NamesTheAttemptButNotThePayload) {
  const store::Delivery dead = DeadDelivery();
  const store::AuditRecord record = DeliveryAttemptAudit(dead, 3, "retry", 503, "http_503");
  EXPECT_EQ(record.kind, "delivery_attempt");
  const auto body = nlohmann::json::parse(record.body_json);
  EXPECT_EQ(body["delivery_id"], "m1-la-derby");
  EXPECT_EQ(body["recipient"], "la-derby");
  EXPECT_EQ(body["attempt"], 3);
  EXPECT_EQ(body["outcome"], "retry");
  EXPECT_EQ(body["http_status"], 503);
  EXPECT_EQ(body["error"], "http_503");
  EXPECT_EQ(record.body_json.find("Zephyrine"), std::string::npos);
}

TEST(DeliveryAttemptAudit, LeavesOutWhatDidNotHappen) {
  const store::Delivery dead = DeadDelivery();
  const auto body =
      nlohmann::json::parse(DeliveryAttemptAudit(dead, 1, "retry", 0, "connect_refused").body_json);
  EXPECT_FALSE(body.contains("http_status"));
  EXPECT_EQ(body["error"], "connect_refused");
}

}  // namespace
}  // namespace isagw::delivery
