// End-to-end: the whole gateway (what `isagw serve` runs) on loopback.
// Agencies are real mutual-TLS clients with the example certificates;
// Staffordshire receives by push at a real mutual-TLS webhook receiver,
// every other agency pulls from its mailbox over the API.
//
// The story (tests/e2e/story.h): Derby police report a child looked after
// by Staffordshire and placed in Derby missing, then found; Brighter
// Futures holds the return home interview.
//
// No timed assertions: waits are bounded polls that fail the test when the
// bound passes.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gateway/audit/audit_commands.h"
#include "gateway/audit/sqlite_audit_log.h"
#include "gateway/model/time.h"
#include "gateway/store/sqlite_database.h"
#include "tests/common/temp_dir.h"
#include "tests/e2e/e2e_deployment.h"
#include "tests/e2e/story.h"
#include "tests/e2e/test_client.h"

namespace isagw::e2e {
namespace {

using delivery::testing::ReceivedRequest;
using nlohmann::json;

// `value` as an object, or an empty one (so lookups never throw).
json Object(const json& value) { return value.is_object() ? value : json::object(); }

// An agency's entry in an acceptance's "recipients", or null.
json RecipientEntry(const json& answer, const std::string& agency, const std::string& kind = "") {
  for (const auto& r : Object(answer).value("recipients", json::array())) {
    if (r.value("agency", "") == agency && (kind.empty() || r.value("kind", "") == kind)) return r;
  }
  return nullptr;
}

// That entry's delivery id, "" when the agency is not a recipient.
std::string DeliveryOf(const json& answer, const std::string& agency,
                       const std::string& kind = "") {
  const json entry = RecipientEntry(answer, agency, kind);
  return entry.is_object() ? entry.value("delivery_id", "") : "";
}

bool Withholds(const json& entry, const std::string& pointer_prefix) {
  for (const auto& w : entry.value("withheld", json::array())) {
    if (w.value("field", "").rfind(pointer_prefix, 0) == 0) return true;
  }
  return false;
}

// The delivery ids the receiver answered 2xx, in the order it answered them.
std::vector<std::string> AcceptedDeliveries(const std::vector<ReceivedRequest>& requests) {
  std::vector<std::string> ids;
  for (const auto& r : requests) {
    if (r.answer_status >= 200 && r.answer_status < 300) ids.push_back(r.delivery_id);
  }
  return ids;
}

std::vector<std::string> Distinct(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& id : ids) {
    if (seen.insert(id).second) out.push_back(id);
  }
  return out;
}

std::string Describe(const HttpReply& reply) {
  return reply.error.empty() ? std::to_string(reply.status) + " " + reply.body
                             : "transport error: " + reply.error;
}

class EndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string error = gateway_.Start();
    ASSERT_EQ(error, "");
  }
  void TearDown() override { gateway_.Stop(); }

  // Posts as `agency`; returns the answer's JSON after checking it is 202.
  json Post(const std::string& agency, const std::string& content_type, const json& body,
            const HttpHeaders& headers = {}) {
    const HttpReply reply =
        gateway_.Client(agency).Post("/v1/messages", content_type, body.dump(), headers);
    EXPECT_EQ(reply.status, 202) << Describe(reply);
    return reply.Json();
  }
  json Police(const json& record, const HttpHeaders& headers = {}) {
    return Post("police-derbys", kCompact, record, headers);
  }

  // GET /v1/inbox as `agency`: its items.
  json Inbox(const std::string& agency) {
    const HttpReply reply = gateway_.Client(agency).Get("/v1/inbox");
    EXPECT_EQ(reply.status, 200) << Describe(reply);
    return Object(reply.Json()).value("items", json::array());
  }
  // GET /v1/inbox/{id} as `agency`.
  HttpReply Fetch(const std::string& agency, const std::string& delivery_id) {
    return gateway_.Client(agency).Get("/v1/inbox/" + delivery_id);
  }
  // The message's status as `agency` sees it.
  HttpReply Status(const std::string& agency, const std::string& message_id) {
    return gateway_.Client(agency).Get("/v1/messages/" + message_id);
  }
  // One recipient's state in the sender's view, "" when not listed.
  std::string StateOf(const std::string& sender, const std::string& message_id,
                      const std::string& recipient) {
    const json status = Object(Status(sender, message_id).Json());
    for (const auto& r : status.value("recipients", json::array())) {
      if (r.value("agency", "") == recipient) return r.value("state", "");
    }
    return "";
  }

  // Waits until the receiver has answered 2xx for every id in `ids`.
  bool WaitForPushes(const std::vector<std::string>& ids) {
    return WaitUntil([&] {
      const auto accepted = AcceptedDeliveries(gateway_.receiver().requests());
      const std::set<std::string> got(accepted.begin(), accepted.end());
      for (const auto& id : ids) {
        if (got.count(id) == 0) return false;
      }
      return true;
    });
  }
  // The body of the first accepted push of `delivery_id`.
  std::string PushedBody(const std::string& delivery_id) {
    for (const auto& r : gateway_.receiver().requests()) {
      if (r.delivery_id == delivery_id && r.answer_status >= 200 && r.answer_status < 300) {
        return r.body;
      }
    }
    return "";
  }

  int CountRows(const std::string& table) {
    auto db = store::SqliteDatabase::Open(gateway_.store_path());
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return -1;
    auto query = db->Prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(query.ok());
    if (!query.ok()) return -1;
    auto row = query->Step();
    EXPECT_TRUE(row.ok() && *row);
    return static_cast<int>(query->ColumnInt(0));
  }

  // Missing then found then the interview: scenarios 1 to 3 in one go, for
  // the tests that look at everything afterwards. Returns the answers.
  std::vector<json> RunTheWholeEpisode() {
    std::vector<json> answers;
    answers.push_back(Police(DerbyMissing()));
    answers.push_back(Police(DerbyFound()));
    answers.push_back(Post("provider-brighter-futures", kRhi, ProviderInterview()));
    std::vector<std::string> pushes;
    for (const json& answer : answers) {
      const std::string staffs = DeliveryOf(answer, kPushRecipient);
      if (!staffs.empty()) pushes.push_back(staffs);
    }
    EXPECT_TRUE(WaitForPushes(pushes)) << "Staffordshire's pushes did not all arrive";
    return answers;
  }

  E2eDeployment gateway_;
};

// Scenario 1.
TEST_F(EndToEnd, AMissingReportReachesTheHostsMailboxAndIsPushedToThePlacingCouncil) {
  const json answer = Police(DerbyMissing());
  ASSERT_EQ(answer.value("status", ""), "accepted") << answer.dump();
  const std::string message_id = answer.value("message_id", "");
  ASSERT_FALSE(message_id.empty());

  // Derby (host): its own copy in council XML, in its mailbox, without
  // what ISA-DERBY-2026 §3.1(b) drops (ethnicity).
  const json derby = RecipientEntry(answer, "la-derby");
  ASSERT_FALSE(derby.is_null()) << answer.dump();
  EXPECT_EQ(derby.value("mode", ""), "mailbox");
  EXPECT_EQ(derby.value("isa", ""), "ISA-DERBY-2026");
  EXPECT_TRUE(Withholds(derby, "/child/ethnicity")) << derby.dump();
  const json items = Inbox("la-derby");
  ASSERT_EQ(items.size(), 1u) << items.dump();
  EXPECT_EQ(items[0].value("delivery_id", ""), derby.value("delivery_id", ""));
  const HttpReply derby_copy = Fetch("la-derby", derby.value("delivery_id", ""));
  ASSERT_EQ(derby_copy.status, 200) << Describe(derby_copy);
  EXPECT_EQ(derby_copy.Header("content-type"), kCouncilXml);
  EXPECT_NE(derby_copy.body.find("<CouncilEvent"), std::string::npos) << derby_copy.body;
  EXPECT_NE(derby_copy.body.find(kForename), std::string::npos);
  EXPECT_EQ(derby_copy.body.find("<Ethnicity"), std::string::npos) << derby_copy.body;

  // Staffordshire (placing): its own copy pushed, under ISA-PLACING-2026,
  // without the family home.
  const json staffs = RecipientEntry(answer, kPushRecipient);
  ASSERT_FALSE(staffs.is_null()) << answer.dump();
  EXPECT_EQ(staffs.value("mode", ""), "push");
  EXPECT_EQ(staffs.value("isa", ""), "ISA-PLACING-2026");
  const std::string staffs_delivery = staffs.value("delivery_id", "");
  ASSERT_TRUE(WaitForPushes({staffs_delivery}));
  ReceivedRequest pushed;
  for (const auto& r : gateway_.receiver().requests()) {
    if (r.delivery_id == staffs_delivery) pushed = r;
  }
  EXPECT_EQ(pushed.method, "POST");
  EXPECT_EQ(pushed.target, "/isagw/v1/deliveries");
  EXPECT_EQ(pushed.message_id, message_id);
  EXPECT_EQ(pushed.idempotency_key, staffs_delivery);
  EXPECT_EQ(pushed.content_type, kCouncilXml);
  EXPECT_EQ(pushed.server_name, "localhost");
  EXPECT_NE(pushed.body.find(kForename), std::string::npos);
  EXPECT_EQ(pushed.body.find("Oakfield House"), std::string::npos) << pushed.body;
  EXPECT_NE(pushed.body, derby_copy.body);  // each recipient its own copy

  // The sender sees both recipients' real states.
  EXPECT_TRUE(WaitUntil(
      [&] { return StateOf("police-derbys", message_id, kPushRecipient) == "delivered"; }));
  EXPECT_EQ(StateOf("police-derbys", message_id, "la-derby"), "available");

  // Nobody else sees the sender's message, not even a recipient of it.
  EXPECT_EQ(Status("la-derby", message_id).status, 404);
  EXPECT_EQ(Status(kPushRecipient, message_id).status, 404);
  // Nor anyone else's mailbox item.
  EXPECT_EQ(Fetch("la-stoke", derby.value("delivery_id", "")).status, 404);
  EXPECT_EQ(Fetch("police-derbys", derby.value("delivery_id", "")).status, 404);
}

// Scenario 2.
TEST_F(EndToEnd, AFoundReportRefersTheChildToTheHostsProviderAndNeverOvertakesTheMissingOne) {
  // Both posted at once: the found copy is queued behind the missing one.
  const json missing = Police(DerbyMissing());
  const json found = Police(DerbyFound());
  ASSERT_EQ(found.value("status", ""), "accepted") << found.dump();
  EXPECT_EQ(Object(found.value("episode", json())).value("state", ""), "found") << found.dump();

  // Derby commissions Brighter Futures: the referral is in its mailbox.
  const json referral = RecipientEntry(found, "provider-brighter-futures", "rhi_referred");
  ASSERT_FALSE(referral.is_null()) << found.dump();
  EXPECT_EQ(referral.value("mode", ""), "mailbox");
  EXPECT_TRUE(RecipientEntry(found, "provider-catch22").is_null()) << found.dump();
  bool listed = false;
  for (const auto& item : Inbox("provider-brighter-futures")) {
    listed |= item.value("delivery_id", "") == referral.value("delivery_id", "");
  }
  EXPECT_TRUE(listed);
  const HttpReply copy = Fetch("provider-brighter-futures", referral.value("delivery_id", ""));
  ASSERT_EQ(copy.status, 200) << Describe(copy);
  const json canonical = copy.Json();
  EXPECT_EQ(canonical.value("kind", ""), "rhi_referred") << copy.body;
  EXPECT_EQ(Object(canonical.value("child", json())).value("forename", ""), kForename) << copy.body;
  // ISA-DERBY-2026 §3.2(c): no NHS number and no circumstances for the provider.
  EXPECT_EQ(copy.body.find(kNhsNumber), std::string::npos) << copy.body;
  EXPECT_EQ(copy.body.find(kCircumstances), std::string::npos) << copy.body;

  // Staffordshire: the missing copy accepted before the found one was sent.
  const std::string first = DeliveryOf(missing, kPushRecipient);
  const std::string second = DeliveryOf(found, kPushRecipient);
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  ASSERT_TRUE(WaitForPushes({first, second}));
  const auto requests = gateway_.receiver().requests();
  std::size_t first_accepted = requests.size();
  std::size_t second_sent = requests.size();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (requests[i].delivery_id == first && requests[i].answer_status / 100 == 2 &&
        first_accepted == requests.size()) {
      first_accepted = i;
    }
    if (requests[i].delivery_id == second && second_sent == requests.size()) second_sent = i;
  }
  EXPECT_LT(first_accepted, second_sent);
}

// Scenario 3.
TEST_F(EndToEnd, TheProvidersInterviewReachesBothCouncilsAndThePoliceAsIntelligence) {
  Police(DerbyMissing());
  Police(DerbyFound());
  const json answer = Post("provider-brighter-futures", kRhi, ProviderInterview());
  ASSERT_EQ(answer.value("kind", ""), "rhi_recorded") << answer.dump();

  // Derby (host): a summary in its mailbox.
  const json derby = RecipientEntry(answer, "la-derby");
  ASSERT_FALSE(derby.is_null()) << answer.dump();
  const HttpReply summary = Fetch("la-derby", derby.value("delivery_id", ""));
  ASSERT_EQ(summary.status, 200) << Describe(summary);
  EXPECT_EQ(summary.Header("content-type"), kCouncilXml);
  EXPECT_EQ(summary.Header("isagw-message-id"), answer.value("message_id", ""));

  // Staffordshire (placing): a summary pushed.
  const json staffs = RecipientEntry(answer, kPushRecipient);
  ASSERT_FALSE(staffs.is_null()) << answer.dump();
  ASSERT_TRUE(WaitForPushes({staffs.value("delivery_id", "")}));
  const std::string pushed = PushedBody(staffs.value("delivery_id", ""));
  EXPECT_NE(pushed.find("<CouncilEvent"), std::string::npos) << pushed;

  // Derbyshire police: intelligence in its mailbox, in Compact.
  const json police = RecipientEntry(answer, "police-derbys");
  ASSERT_FALSE(police.is_null()) << answer.dump();
  EXPECT_EQ(police.value("format", ""), "compact");
  const HttpReply intelligence = Fetch("police-derbys", police.value("delivery_id", ""));
  ASSERT_EQ(intelligence.status, 200) << Describe(intelligence);
  EXPECT_EQ(intelligence.Header("content-type"), kCompact);
  const json record = intelligence.Json();
  EXPECT_EQ(record.value("RecordType", ""), "INTELLIGENCE") << intelligence.body;
  // ISA-DERBY-2026 §3.4(e): not the conversation.
  EXPECT_EQ(intelligence.body.find("argument about phone use"), std::string::npos);

  // After acknowledging, the item leaves the mailbox.
  const HttpReply ack =
      gateway_.Client("police-derbys")
          .Request("POST", "/v1/inbox/" + police.value("delivery_id", "") + "/ack");
  EXPECT_EQ(ack.status / 100, 2) << Describe(ack);
  EXPECT_EQ(Fetch("police-derbys", police.value("delivery_id", "")).status, 404);
  EXPECT_EQ(StateOf("provider-brighter-futures", answer.value("message_id", ""), "police-derbys"),
            "acked");
}

// Scenario 4.
TEST_F(EndToEnd, ARecipientThatWasDownGetsEveryMessageOnceAndInOrder) {
  gateway_.receiver().GoDown();
  const std::vector<json> records = {DerbyMissing(1), DerbyRiskReview(2, "HIGH"),
                                     DerbyRiskReview(3, "MEDIUM"), DerbyRiskReview(4, "LOW"),
                                     DerbyFound(5)};
  std::vector<std::string> expected;
  std::string first_message;
  for (const json& record : records) {
    const json answer = Police(record);
    const json staffs = RecipientEntry(answer, kPushRecipient);
    ASSERT_FALSE(staffs.is_null()) << answer.dump();
    expected.push_back(staffs.value("delivery_id", ""));
    if (first_message.empty()) first_message = answer.value("message_id", "");
  }
  // Really down: the first copy was tried and failed.
  ASSERT_TRUE(WaitUntil([&] {
    const json status = Object(Status("police-derbys", first_message).Json());
    for (const auto& r : status.value("recipients", json::array())) {
      if (r.value("agency", "") == kPushRecipient) return r.value("attempts", 0) >= 1;
    }
    return false;
  }));
  EXPECT_TRUE(gateway_.receiver().requests().empty());

  ASSERT_TRUE(gateway_.receiver().ComeBack());
  ASSERT_TRUE(WaitForPushes(expected));
  // The re-grading to high risk also raised an escalation (the safeguarding
  // clock, docs/safeguarding.md) on the same line; the five records arrive
  // all, in order, each accepted once around it.
  const auto accepted = AcceptedDeliveries(gateway_.receiver().requests());
  std::vector<std::string> records_accepted;
  for (const auto& id : accepted) {
    if (std::find(expected.begin(), expected.end(), id) != expected.end()) {
      records_accepted.push_back(id);
    }
  }
  EXPECT_EQ(records_accepted, expected);
  EXPECT_EQ(Distinct(accepted).size(), accepted.size());
}

// Issue 13: a gateway killed while it held a push claimed leaves it leased
// for minutes; started again it releases the lease (it is the store's only
// user) and pushes the copy at once, exactly once.
TEST_F(EndToEnd, AfterARestartWhatAKilledGatewayHadClaimedIsPushedAtOnce) {
  gateway_.receiver().GoDown();
  const json answer = Police(DerbyMissing());
  const std::string staffs = DeliveryOf(answer, kPushRecipient);
  ASSERT_FALSE(staffs.empty()) << answer.dump();
  gateway_.Stop();
  {
    // As a killed gateway leaves it: claimed, the lease an hour away.
    auto db = store::SqliteDatabase::Open(gateway_.store_path());
    ASSERT_TRUE(db.ok());
    const auto now = gateway_.clock().Now().time_since_epoch().count();
    auto lease = db->Prepare(
        "UPDATE outbox SET lease_until = ?1, next_attempt_at = ?2"
        " WHERE id = ?3 AND state = 'pending'");
    ASSERT_TRUE(lease.ok());
    lease->Bind(1, static_cast<std::int64_t>(now + 3600))
        .Bind(2, static_cast<std::int64_t>(now))
        .Bind(3, std::string_view(staffs));
    ASSERT_TRUE(lease->Run().ok());
    ASSERT_EQ(db->Changes(), 1);
  }
  ASSERT_TRUE(gateway_.receiver().ComeBack());
  ASSERT_EQ(gateway_.Restart(), "");
  // Bounded by 20 s: an hour's lease left to run out would fail it.
  ASSERT_TRUE(WaitForPushes({staffs}));
  const auto accepted = AcceptedDeliveries(gateway_.receiver().requests());
  EXPECT_EQ(std::count(accepted.begin(), accepted.end(), staffs), 1);
  const auto logs = gateway_.LogLines();
  EXPECT_TRUE(std::any_of(logs.begin(), logs.end(), [](const std::string& line) {
    return line.find("leases_released") != std::string::npos;
  }));
}

TEST_F(EndToEnd, ASecondGatewayOnTheSameStoreIsRefusedWhileTheFirstServes) {
  const std::string refused = gateway_.TrySecondGateway();
  EXPECT_NE(refused.find("another gateway is serving from this store"), std::string::npos)
      << refused;
}

// A reload's entry is in the audit before its policy set is in force, so
// no disclosure under the set comes before it; and a reload the audit
// cannot record is refused, the set in force kept (threat CONF-R1).
TEST_F(EndToEnd, AReloadIsAuditedBeforeItAppliesAndNotAppliedIfItCannotBe) {
  const auto logged = [&](const std::string& event) {
    const auto lines = gateway_.LogLines();
    return std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
      return line.find("\"event\":\"" + event + "\"") != std::string::npos;
    });
  };
  const auto applied_entries = [&] {
    return CountRows(
        "audit WHERE kind = 'config_reloaded' AND body LIKE '%\"outcome\":\"applied\"%'");
  };
  ASSERT_EQ(applied_entries(), 0);

  gateway_.Reload();
  ASSERT_TRUE(WaitUntil([&] { return logged("reloaded") == 1; }));
  // "reloaded" is logged after the swap: the entry is already there.
  EXPECT_EQ(applied_entries(), 1);

  // Now the store refuses every reload entry.
  {
    auto db = store::SqliteDatabase::Open(gateway_.store_path());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Execute("CREATE TRIGGER refuse_reload_entries BEFORE INSERT ON audit"
                            " WHEN NEW.kind = 'config_reloaded'"
                            " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
                    .ok());
  }
  gateway_.Reload();
  ASSERT_TRUE(WaitUntil([&] { return logged("config_reload_refused") == 1; }));
  EXPECT_EQ(logged("reloaded"), 1) << "a reload the audit could not record was applied";
  EXPECT_EQ(logged("audit_write_failed"), 1);
  EXPECT_EQ(applied_entries(), 1);
  const auto lines = gateway_.LogLines();
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find("the audit could not record the reload") != std::string::npos;
  }));
  // The gateway serves on.
  Police(DerbyMissing());
  {
    auto db = store::SqliteDatabase::Open(gateway_.store_path());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Execute("DROP TRIGGER refuse_reload_entries").ok());
  }
}

// Issue 11: a missing report, then found, and no return home interview:
// 72 hours after the child was found (simulated time, real TLS) the host
// LA and its commissioned provider each find an RHI-overdue escalation in
// their mailbox, redacted by their own ISA clauses.
TEST_F(EndToEnd, NoInterviewWithin72HoursOfReturnEscalatesToTheHostAndItsProvider) {
  using namespace std::chrono;
  Police(DerbyMissing(1));
  Police(DerbyFound(2));
  const model::Timestamp found = sys_days{2026y / November / 23} + 6h + 30min;  // 06:30 GMT

  // Armed for exactly 72 hours after the return, not fired before.
  const auto timer = [&] {
    auto db = store::SqliteDatabase::Open(gateway_.store_path());
    auto q = db->Prepare("SELECT due_at, state FROM timers WHERE kind = 'rhi_due'");
    return *q->Step() ? std::make_pair(q->ColumnInt(0), q->ColumnText(1))
                      : std::make_pair(std::int64_t{0}, std::string());
  };
  EXPECT_EQ(timer().first, (found + 72h).time_since_epoch().count());
  gateway_.clock().Advance(duration_cast<seconds>(found + 71h - gateway_.clock().Now()));
  EXPECT_EQ(timer().second, "armed");

  gateway_.clock().Advance(2h);  // now past found + 72 h
  ASSERT_TRUE(WaitUntil([&] { return timer().second == "fired"; }));

  // Derby's copy: council XML under ISA-DERBY-2026 §3.6 (names, yes; NHS
  // number, circumstances and the home address, no).
  std::string council;
  ASSERT_TRUE(WaitUntil([&] {
    for (const auto& item : Inbox("la-derby")) {
      const HttpReply reply = Fetch("la-derby", item.value("delivery_id", ""));
      if (reply.body.find("type=\"Escalation\"") != std::string::npos) council = reply.body;
    }
    return !council.empty();
  }));
  EXPECT_NE(council.find("<Reason>rhi_overdue</Reason>"), std::string::npos) << council;
  EXPECT_NE(council.find(kForename), std::string::npos);
  EXPECT_NE(council.find(kRef), std::string::npos);
  EXPECT_EQ(council.find(kNhsNumber), std::string::npos);
  EXPECT_EQ(council.find(kCircumstances), std::string::npos);
  EXPECT_EQ(council.find("Sample Road"), std::string::npos);

  // Brighter Futures' copy: canonical JSON under §3.7, enough to find the
  // referral it already holds.
  json provider;
  ASSERT_TRUE(WaitUntil([&] {
    for (const auto& item : Inbox("provider-brighter-futures")) {
      const json body =
          Object(Fetch("provider-brighter-futures", item.value("delivery_id", "")).Json());
      if (body.value("kind", "") == "escalation") provider = body;
    }
    return provider.is_object();
  }));
  EXPECT_EQ(provider["escalation"]["reason"], "rhi_overdue");
  EXPECT_EQ(provider["escalation"]["raised_at"], model::FormatTimestamp(found + 72h));
  EXPECT_EQ(provider["child"]["forename"], kForename);
  EXPECT_EQ(provider["episode"]["police_ref"], kRef);
  EXPECT_FALSE(provider["child"].contains("home"));
  EXPECT_FALSE(provider["child"].contains("nhs_number"));
  EXPECT_FALSE(provider["episode"].contains("circumstances"));
  EXPECT_FALSE(provider["episode"].contains("risk"));
}

// Scenario 5a.
TEST_F(EndToEnd, TheSameIdempotencyKeyAgainGetsTheSameAnswerAndNothingNew) {
  const HttpHeaders key = {{"Idempotency-Key", "e2e-derbys-0001"}};
  const HttpReply first =
      gateway_.Client("police-derbys").Post("/v1/messages", kCompact, DerbyMissing().dump(), key);
  ASSERT_EQ(first.status, 202) << Describe(first);
  const std::string staffs = DeliveryOf(first.Json(), kPushRecipient);
  ASSERT_TRUE(WaitForPushes({staffs}));
  const int messages = CountRows("messages");
  const int outbox = CountRows("outbox");

  const HttpReply again =
      gateway_.Client("police-derbys").Post("/v1/messages", kCompact, DerbyMissing().dump(), key);
  EXPECT_EQ(again.status, 202) << Describe(again);
  EXPECT_EQ(again.Json(), first.Json());
  EXPECT_EQ(CountRows("messages"), messages);
  EXPECT_EQ(CountRows("outbox"), outbox);
  EXPECT_EQ(Inbox("la-derby").size(), 1u);
  // Nothing was queued again: Staffordshire accepted the one copy only.
  EXPECT_EQ(Distinct(AcceptedDeliveries(gateway_.receiver().requests())),
            std::vector<std::string>{staffs});
}

// Issue 13: group commit shows on /metrics.
TEST_F(EndToEnd, TheMetricsCountTheCommittedMessagesAndTheTransactionsTheyShared) {
  const std::vector<json> answers = RunTheWholeEpisode();
  const HttpReply metrics = AdminGet(gateway_.admin_port(), "/metrics");
  ASSERT_EQ(metrics.status, 200) << Describe(metrics);
  // The value of an unlabelled sample line `name value`, or -1.
  auto value = [&](const std::string& name) {
    const std::string line_start = "\n" + name + " ";
    const auto at = metrics.body.find(line_start);
    if (at == std::string::npos) return -1.0;
    return std::stod(metrics.body.substr(at + line_start.size()));
  };
  const double messages = value("isagw_store_commit_group_size_sum");
  const double groups = value("isagw_store_commit_group_size_count");
  // Every accepted message went through a group; escalations the timers
  // raised may have too, but nothing that is not a stored message.
  EXPECT_GE(messages, static_cast<double>(answers.size()));
  EXPECT_LE(messages, static_cast<double>(CountRows("messages")));
  EXPECT_GE(groups, 1.0);
  EXPECT_LE(groups, messages);
  // One commit time for each group.
  EXPECT_EQ(value("isagw_store_commit_duration_seconds_count"), groups);
  EXPECT_GT(value("isagw_store_commit_duration_seconds_sum"), 0.0);
}

// Scenario 5b.
TEST_F(EndToEnd, TheSamePoliceRecordUnderANewKeyGetsTheOriginalAnswerAndNothingNew) {
  const HttpReply first = gateway_.Client("police-derbys")
                              .Post("/v1/messages", kCompact, DerbyMissing().dump(),
                                    {{"Idempotency-Key", "e2e-derbys-0001"}});
  ASSERT_EQ(first.status, 202) << Describe(first);
  const int messages = CountRows("messages");
  const int outbox = CountRows("outbox");

  const HttpReply again = gateway_.Client("police-derbys")
                              .Post("/v1/messages", kCompact, DerbyMissing().dump(),
                                    {{"Idempotency-Key", "e2e-derbys-0002"}});
  EXPECT_EQ(again.status, 202) << Describe(again);
  EXPECT_EQ(again.Json(), first.Json());
  EXPECT_EQ(CountRows("messages"), messages);
  EXPECT_EQ(CountRows("outbox"), outbox);
  EXPECT_EQ(Inbox("la-derby").size(), 1u);
}

// Scenario 6 (issue 6).
TEST_F(EndToEnd, NoChildsNameOrNarrativeReachesTheLogsTheMetricsOrTheAudit) {
  const std::vector<json> answers = RunTheWholeEpisode();
  // A refused message too: its problem and its log lines quote nothing.
  json bad = DerbyMissing(7);
  bad["MisperDOB"] = std::string(kForename) + "-" + kSurname;
  const HttpReply refused =
      gateway_.Client("police-derbys").Post("/v1/messages", kCompact, bad.dump());
  EXPECT_EQ(refused.status, 400) << Describe(refused);

  // The words were really sent: an allowed recipient has them.
  const json derby = RecipientEntry(answers[0], "la-derby");
  ASSERT_FALSE(derby.is_null());
  const HttpReply copy = Fetch("la-derby", derby.value("delivery_id", ""));
  ASSERT_EQ(copy.status, 200) << Describe(copy);
  std::vector<std::string> secrets = {kForename, kSurname, kCircumstances};
  for (const auto& secret : secrets) EXPECT_NE(copy.body.find(secret), std::string::npos) << secret;
  secrets.push_back(kNhsNumber);
  secrets.push_back("Oakfield House");

  const HttpReply metrics = AdminGet(gateway_.admin_port(), "/metrics");
  ASSERT_EQ(metrics.status, 200) << Describe(metrics);
  EXPECT_NE(metrics.body.find("isagw_http_requests_total"), std::string::npos);

  std::string audit;
  {
    auto db = store::SqliteDatabase::Open(gateway_.store_path());
    ASSERT_TRUE(db.ok());
    auto rows = db->Prepare("SELECT body FROM audit ORDER BY seq");
    ASSERT_TRUE(rows.ok());
    while (true) {
      auto row = rows->Step();
      ASSERT_TRUE(row.ok());
      if (!*row) break;
      audit += rows->ColumnText(0) + "\n";
    }
  }
  EXPECT_FALSE(audit.empty());

  gateway_.Stop();  // the drain's log lines count too
  const auto lines = gateway_.LogLines();
  EXPECT_FALSE(lines.empty());
  for (const auto& secret : secrets) {
    for (const auto& line : lines) EXPECT_EQ(line.find(secret), std::string::npos) << line;
    EXPECT_EQ(metrics.body.find(secret), std::string::npos) << secret;
    EXPECT_EQ(refused.body.find(secret), std::string::npos) << refused.body;
    EXPECT_EQ(audit.find(secret), std::string::npos) << secret;
    for (const json& answer : answers) EXPECT_EQ(answer.dump().find(secret), std::string::npos);
  }
  // Payloads are sealed at rest: the database files hold no plain text.
  for (const char* suffix : {"", "-wal"}) {
    const std::string file = testing::ReadText(gateway_.store_path().string() + suffix);
    for (const auto& secret : secrets) {
      EXPECT_EQ(file.find(secret), std::string::npos) << secret << " in the store" << suffix;
    }
  }
}

// Scenario 7.
TEST_F(EndToEnd, AfterTheRunTheAuditChainVerifiesAndRecordsEveryDisclosure) {
  const std::vector<json> answers = RunTheWholeEpisode();
  std::map<std::string, std::string> deliveries;  // delivery id -> recipient
  for (const json& answer : answers) {
    for (const auto& r : Object(answer).value("recipients", json::array())) {
      deliveries[r.value("delivery_id", "")] = r.value("agency", "");
    }
  }
  std::set<std::string> recipients;
  for (const auto& [id, agency] : deliveries) recipients.insert(agency);
  EXPECT_EQ(recipients, (std::set<std::string>{"la-derby", "la-staffordshire",
                                               "provider-brighter-futures", "police-derbys"}));

  gateway_.Stop();  // signs a last checkpoint over everything
  std::ostringstream out;
  std::ostringstream err;
  audit::AuditVerifyArgs args;
  args.public_keys = {gateway_.audit_public_key()};
  auto log = audit::SqliteAuditLog::Open(gateway_.store_path());
  ASSERT_TRUE(log.ok()) << log.error().detail;
  EXPECT_EQ(audit::RunAuditVerify(*log, args, out, err), 0) << out.str() << err.str();

  std::map<std::string, std::string> disclosed;  // delivery id -> recipient
  auto db = store::SqliteDatabase::Open(gateway_.store_path());
  ASSERT_TRUE(db.ok());
  auto rows = db->Prepare("SELECT body FROM audit WHERE kind = 'disclosure'");
  ASSERT_TRUE(rows.ok());
  while (true) {
    auto row = rows->Step();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    const json body = json::parse(rows->ColumnText(0));
    disclosed[body.value("delivery_id", "")] = body.value("recipient", "");
  }
  EXPECT_EQ(disclosed, deliveries);
}

// Every sealing and pseudonymisation key `serve` makes is in the audit,
// by scope and id, and a restart that finds them makes and records none
// (threat KEYS-R1).
TEST_F(EndToEnd, EachKeyTheGatewayMakesIsAuditedOnce) {
  auto scopes_made = [&] {
    std::multiset<std::string> scopes;
    auto db = store::SqliteDatabase::Open(gateway_.store_path());
    EXPECT_TRUE(db.ok());
    auto rows = db->Prepare("SELECT body FROM audit WHERE kind = 'key_rotated'");
    EXPECT_TRUE(rows.ok());
    while (rows.ok()) {
      auto row = rows->Step();
      if (!row.ok() || !*row) break;
      const json body = json::parse(rows->ColumnText(0));
      EXPECT_EQ(body["action"], "added");
      const std::string scope = body["scope"];
      // The audit's own keys (the chain key, the checkpoint signing key)
      // have no scope; they are named by kind.
      if (scope.empty()) {
        scopes.insert(body["key_kind"].get<std::string>());
      } else {
        EXPECT_EQ(body["key_id"], "k1");
        scopes.insert(scope);
      }
    }
    return scopes;
  };
  std::multiset<std::string> on_disk;
  const auto scopes_dir = gateway_.store_path().parent_path() / "keys" / "scopes";
  for (const auto& entry : std::filesystem::directory_iterator(scopes_dir)) {
    if (entry.is_directory()) on_disk.insert(entry.path().filename().string());
  }
  ASSERT_GE(on_disk.size(), 4u) << "inbound, child-link and the example ISAs' scopes";
  for (const auto& kind : scopes_made()) {
    if (!kind.starts_with("isa-") && !kind.starts_with("pseudonym-") && kind != "inbound" &&
        kind != "child-link") {
      on_disk.insert(kind);  // the audit's keys, checked by their own tests
    }
  }
  ASSERT_EQ(on_disk.size(), 12u) << "10 scopes and the two audit keys";
  EXPECT_EQ(scopes_made(), on_disk);

  ASSERT_EQ(gateway_.Restart(), "");
  EXPECT_EQ(scopes_made(), on_disk) << "keys found at start are not made again";
}

}  // namespace
}  // namespace isagw::e2e
