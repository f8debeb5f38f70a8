#include "gateway/delivery/delivery_worker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "gateway/delivery/push_client.h"
#include "gateway/metrics/metrics_registry.h"
#include "gateway/store/sqlite_database.h"
#include "gateway/store/sqlite_store.h"
#include "tests/delivery/manual_clock.h"
#include "tests/delivery/test_certs.h"
#include "tests/delivery/webhook_receiver.h"
#include "tests/support/forwarding_store.h"

namespace isagw::delivery {
namespace {

using namespace std::chrono;
using testing::ExampleCert;
using testing::ManualClock;
using testing::ScriptedAnswer;
using testing::WebhookReceiver;

const model::Timestamp kStart = sys_days{2026y / November / 22} + 21h + 41min;
constexpr const char* kPayloadName = "Zephyrine";  // stands for personal data in payloads

// Counts the attempts that reach the client: a deferred delivery never does.
class CountingPusher final : public Pusher {
 public:
  explicit CountingPusher(Pusher& inner) : inner_(inner) {}
  void Push(PushRequest request, Done done) override {
    ++pushes_;
    inner_.Push(std::move(request), std::move(done));
  }
  int pushes() const { return pushes_; }

 private:
  Pusher& inner_;
  std::atomic<int> pushes_{0};
};

registry::Agency Council(std::string id, std::string la_number, std::string gss,
                         std::string district) {
  registry::Agency a;
  a.id = std::move(id);
  a.kind = registry::AgencyKind::kLocalAuthority;
  a.name = "A council";
  a.la_number = std::move(la_number);
  a.gss_code = std::move(gss);
  a.san_uri = "urn:isagw:agency:la:" + a.id;
  a.sends = {adapters::Format::kCouncilXml};
  a.receives = {adapters::Format::kCouncilXml};
  a.postcode_districts = {std::move(district)};
  return a;
}

class DeliveryWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("isagw-delivery-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    RemoveDatabase();
    auto ring = std::make_shared<crypto::KeyRing>();
    crypto::SecretKey key{};
    key.fill(7);
    ring->Add("inbound", "k1", key);
    key.fill(9);
    ring->Add("isa-test", "k1", key);
    auto store = store::SqliteStore::Open(path_, std::make_shared<crypto::Sealer>(ring));
    ASSERT_TRUE(store.ok()) << store.error().detail;
    store_ = std::move(*store);

    auto receiver = WebhookReceiver::Start(
        {ExampleCert("receiver.crt"), ExampleCert("receiver.key"), ExampleCert("ca.crt")});
    ASSERT_TRUE(receiver.ok()) << receiver.error();
    receiver_ = std::move(*receiver);
    PushClientOptions client_options;
    client_options.certificate_chain = ExampleCert("gateway-client.crt");
    client_options.private_key = ExampleCert("gateway-client.key");
    auto client = PushClient::Create(client_options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::move(*client);
    pusher_ = std::make_unique<CountingPusher>(*client_);

    // Police send; two councils are pushed to (the same receiver serves
    // both); Staffordshire, when it sends, is pushed its notices too.
    registry::Agency police;
    police.id = "police-derbys";
    police.kind = registry::AgencyKind::kPoliceForce;
    police.name = "Derbyshire Constabulary";
    police.force_code = "DERBYS";
    police.san_uri = "urn:isagw:agency:police:derbys";
    police.sends = {adapters::Format::kCompact};
    police.covers_las = {"831"};
    registry::Agency derby = Council("la-derby", "831", "E06000015", "DE1");
    registry::Agency staffordshire = Council("la-staffordshire", "860", "E10000028", "ST5");
    for (registry::Agency* council : {&derby, &staffordshire}) {
      council->delivery = registry::DeliveryMode::kPush;
      council->push = registry::PushEndpoint{receiver_->Url("/" + council->id),
                                             ExampleCert("receiver-ca.crt"), "localhost"};
    }
    auto agencies = registry::AgencyRegistry::Create({police, derby, staffordshire});
    ASSERT_TRUE(agencies.ok()) << (agencies.ok() ? ""
                                                 : agencies.error()[0].pointer + " " +
                                                       agencies.error()[0].reason);
    registry_ = std::make_shared<const registry::AgencyRegistry>(std::move(*agencies));

    options_.retry.base = 1s;
    options_.retry.cap = 300s;
    options_.retry_seed = 1;
  }

  void TearDown() override {
    worker_.reset();
    client_.reset();
    receiver_.reset();
    store_.reset();
    RemoveDatabase();
  }

  void RemoveDatabase() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }

  DeliveryWorker& Worker() {
    if (!worker_) {
      worker_ = std::make_unique<DeliveryWorker>(
          *store_, *pusher_, [this] { return registry_; }, clock_, options_);
    }
    return *worker_;
  }

  DeliveryWorker::PassSummary Pass() {
    auto summary = Worker().RunOnce();
    EXPECT_TRUE(summary.ok()) << summary.error().detail;
    return summary.ok() ? *summary : DeliveryWorker::PassSummary{};
  }

  // Commits message `id` from `sender` with one push delivery per recipient.
  void Accept(const std::string& id, const std::vector<std::string>& recipients,
              const std::string& episode = "DB/21/2026/004512",
              const std::string& sender = "police-derbys") {
    store::Acceptance a;
    a.message.id = id;
    a.message.sender = sender;
    a.message.idempotency_key = "key-" + id;
    a.message.format = "compact";
    a.message.kind = "missing_reported";
    a.message.received_at = clock_.Now();
    a.message.canonical_json = R"({"child":{"forename":"Zephyrine"}})";
    a.message.answer_json = R"({"message_id":")" + id + R"("})";
    for (const std::string& recipient : recipients) {
      a.deliveries.push_back(store::Delivery{
          id + "-" + recipient, id, recipient, recipient + "|" + episode,
          store::DeliveryMode::kPush, "council-xml", "application/vnd.isagw.council+xml",
          "isa-test",
          "<Forename>" + std::string(kPayloadName) + "</Forename><Message>" + id + "</Message>"});
    }
    ASSERT_TRUE(store_->Commit(a).ok());
  }

  struct OutboxRow {
    std::string state;
    int attempts = 0;
    model::Timestamp next_attempt_at{};
    std::string last_error;
  };
  OutboxRow Row(const std::string& delivery_id) {
    auto db = store::SqliteDatabase::Open(path_);
    auto q = db->Prepare(
        "SELECT state, attempts, next_attempt_at, COALESCE(last_error, '') FROM outbox WHERE id = "
        "?1");
    q->Bind(1, std::string_view(delivery_id));
    EXPECT_TRUE(*q->Step()) << "no outbox row " << delivery_id;
    return {q->ColumnText(0), static_cast<int>(q->ColumnInt(1)),
            model::Timestamp(seconds(q->ColumnInt(2))), q->ColumnText(3)};
  }
  int OutboxDelivered() {
    auto db = store::SqliteDatabase::Open(path_);
    auto q = db->Prepare("SELECT COUNT(*) FROM outbox WHERE state = 'delivered'");
    EXPECT_TRUE(*q->Step());
    return static_cast<int>(q->ColumnInt(0));
  }
  int OutboxCount() {
    auto db = store::SqliteDatabase::Open(path_);
    auto q = db->Prepare("SELECT COUNT(*) FROM outbox");
    EXPECT_TRUE(*q->Step());
    return static_cast<int>(q->ColumnInt(0));
  }
  // Audit records of `kind`, oldest first, as JSON.
  std::vector<nlohmann::json> Audit(const std::string& kind) {
    auto db = store::SqliteDatabase::Open(path_);
    auto q = db->Prepare("SELECT body FROM audit WHERE kind = ?1 ORDER BY seq");
    q->Bind(1, std::string_view(kind));
    std::vector<nlohmann::json> out;
    while (*q->Step()) out.push_back(nlohmann::json::parse(q->ColumnText(0)));
    return out;
  }
  std::string AllAuditText() {
    auto db = store::SqliteDatabase::Open(path_);
    auto q = db->Prepare("SELECT kind || body FROM audit ORDER BY seq");
    std::string text;
    while (*q->Step()) text += q->ColumnText(0) + "\n";
    return text;
  }
  std::vector<std::string> ReceivedIds() {
    std::vector<std::string> ids;
    for (const auto& request : receiver_->requests()) ids.push_back(request.delivery_id);
    return ids;
  }

  std::filesystem::path path_;
  ManualClock clock_{kStart};
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<PushClient> client_;
  std::unique_ptr<CountingPusher> pusher_;
  std::shared_ptr<const registry::AgencyRegistry> registry_;
  DeliveryWorkerOptions options_;
  std::unique_ptr<DeliveryWorker> worker_;
};

TEST_F(DeliveryWorkerTest, DeliversEachCopyOnceToItsRecipient) {
  Accept("m1", {"la-derby", "la-staffordshire"});
  const auto summary = Pass();
  EXPECT_EQ(summary.claimed, 2);
  EXPECT_EQ(summary.delivered, 2);

  std::map<std::string, testing::ReceivedRequest> by_id;
  for (const auto& request : receiver_->requests()) by_id[request.delivery_id] = request;
  ASSERT_EQ(by_id.size(), 2u);
  EXPECT_EQ(by_id["m1-la-derby"].target, "/la-derby");
  EXPECT_EQ(by_id["m1-la-staffordshire"].target, "/la-staffordshire");
  EXPECT_EQ(by_id["m1-la-derby"].idempotency_key, "m1-la-derby");
  EXPECT_EQ(by_id["m1-la-derby"].message_id, "m1");
  EXPECT_EQ(by_id["m1-la-derby"].content_type, "application/vnd.isagw.council+xml");
  EXPECT_NE(by_id["m1-la-derby"].body.find("<Message>m1</Message>"), std::string::npos);

  auto status = store_->GetMessageStatus("police-derbys", "m1");
  ASSERT_TRUE(status.ok());
  for (const auto& recipient : status->recipients) {
    EXPECT_EQ(recipient.state, store::DeliveryState::kDelivered) << recipient.recipient;
    EXPECT_EQ(recipient.attempts, 1);
  }
  // Nothing is sent twice.
  clock_.Advance(hours(1));
  EXPECT_EQ(Pass().claimed, 0);
  EXPECT_EQ(receiver_->requests().size(), 2u);
}

// A store that takes no outcome while `down`, as when PostgreSQL restarts
// under a worker that has just pushed.
class StoreThatLosesRecords final : public isagw::testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::vector<Result<Ok, store::StoreError>> RecordAttempts(
      std::span<const store::AttemptOutcome> outcomes) override {
    if (down) {
      return std::vector<Result<Ok, store::StoreError>>(
          outcomes.size(), Fail(store::StoreError{store::StoreErrorKind::kBackend, "restarting"}));
    }
    return ForwardingStore::RecordAttempts(outcomes);
  }
  bool down = true;
};

// What was pushed is recorded once the store is back, on a later pass, and
// is not pushed again: dropped, the copy would wait for its lease and go a
// second time.
TEST_F(DeliveryWorkerTest, AnOutcomeTheStoreCouldNotTakeIsRecordedOnALaterPass) {
  Accept("m1", {"la-derby"});
  StoreThatLosesRecords flaky(*store_);
  worker_ = std::make_unique<DeliveryWorker>(
      flaky, *pusher_, [this] { return registry_; }, clock_, options_);
  EXPECT_EQ(Pass().delivered, 0) << "pushed, but the store did not take it";
  EXPECT_EQ(Row("m1-la-derby").state, "pending");
  EXPECT_EQ(receiver_->requests().size(), 1u);

  flaky.down = false;
  const auto next = Pass();
  EXPECT_EQ(next.claimed, 0) << "still leased: not pushed again";
  EXPECT_EQ(next.delivered, 1) << "the kept outcome is recorded";
  EXPECT_EQ(Row("m1-la-derby").state, "delivered");
  EXPECT_EQ(Row("m1-la-derby").attempts, 1);
  EXPECT_EQ(receiver_->requests().size(), 1u);
}

TEST_F(DeliveryWorkerTest, AuditsEveryAttemptWithoutThePayload) {
  receiver_->Script({ScriptedAnswer{503, "", false}});
  Accept("m1", {"la-derby"});
  ASSERT_EQ(Pass().retried, 1);
  clock_.Set(Row("m1-la-derby").next_attempt_at);
  ASSERT_EQ(Pass().delivered, 1);

  const auto attempts = Audit("delivery_attempt");
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0]["delivery_id"], "m1-la-derby");
  EXPECT_EQ(attempts[0]["recipient"], "la-derby");
  EXPECT_EQ(attempts[0]["attempt"], 1);
  EXPECT_EQ(attempts[0]["outcome"], "retry");
  EXPECT_EQ(attempts[0]["http_status"], 503);
  EXPECT_EQ(attempts[1]["attempt"], 2);
  EXPECT_EQ(attempts[1]["outcome"], "delivered");
  EXPECT_EQ(attempts[1]["http_status"], 200);
  EXPECT_EQ(AllAuditText().find(kPayloadName), std::string::npos);
}

TEST_F(DeliveryWorkerTest, RetriesWithBackoffAfterA503AndThenDelivers) {
  receiver_->Script({ScriptedAnswer{503, "", false}, ScriptedAnswer{503, "", false}});
  Accept("m1", {"la-derby"});
  ASSERT_EQ(Pass().retried, 1);
  OutboxRow row = Row("m1-la-derby");
  EXPECT_EQ(row.state, "pending");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_error, "http_503");
  EXPECT_GE(row.next_attempt_at, kStart + 1s);
  EXPECT_LE(row.next_attempt_at, kStart + 1s);  // first ceiling: 1 s

  // Not before its time.
  EXPECT_EQ(Pass().claimed, 0);
  clock_.Set(row.next_attempt_at);
  ASSERT_EQ(Pass().retried, 1);
  row = Row("m1-la-derby");
  EXPECT_EQ(row.attempts, 2);
  EXPECT_LE(row.next_attempt_at, clock_.Now() + 2s);  // second ceiling: 2 s

  clock_.Set(row.next_attempt_at);
  ASSERT_EQ(Pass().delivered, 1);
  EXPECT_EQ(Row("m1-la-derby").state, "delivered");
  EXPECT_EQ(ReceivedIds(), (std::vector<std::string>{"m1-la-derby", "m1-la-derby", "m1-la-derby"}));
}

TEST_F(DeliveryWorkerTest, HonoursRetryAfter) {
  receiver_->Script({ScriptedAnswer{503, "120", false}});
  Accept("m1", {"la-derby"});
  ASSERT_EQ(Pass().retried, 1);
  EXPECT_EQ(Row("m1-la-derby").next_attempt_at, kStart + 120s);
  clock_.Advance(119s);
  EXPECT_EQ(Pass().claimed, 0);
  clock_.Advance(1s);
  EXPECT_EQ(Pass().delivered, 1);
}

TEST_F(DeliveryWorkerTest, GivesUpAtOnceOnAPermanentRefusalAndTellsTheSender) {
  receiver_->Script({ScriptedAnswer{400, "", false}});
  Accept("m1", {"la-derby"});
  const auto summary = Pass();
  EXPECT_EQ(summary.dead, 1);
  EXPECT_EQ(receiver_->requests().size(), 1u);

  auto status = store_->GetMessageStatus("police-derbys", "m1");
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->recipients.size(), 2u);  // the dead delivery and the notice
  EXPECT_EQ(status->recipients[0].state, store::DeliveryState::kDead);
  EXPECT_EQ(status->recipients[0].last_error, "http_400");

  // The police force pulls: the notice waits in its mailbox.
  auto mailbox = store_->ListMailbox("police-derbys", {.limit = 10, .after = std::nullopt});
  ASSERT_TRUE(mailbox.ok());
  ASSERT_EQ(mailbox->size(), 1u);
  EXPECT_EQ((*mailbox)[0].delivery_id, "m1-la-derby-ndn");
  EXPECT_EQ((*mailbox)[0].content_type, "application/problem+json");
  auto notice = store_->FetchMailboxItem("police-derbys", "m1-la-derby-ndn", {});
  ASSERT_TRUE(notice.ok());
  const auto problem = nlohmann::json::parse(notice->payload);
  EXPECT_EQ(problem["type"], "urn:isagw:problem:non-delivery");
  EXPECT_EQ(problem["recipient"], "la-derby");
  EXPECT_EQ(problem["delivery_id"], "m1-la-derby");
  EXPECT_EQ(problem["reason"], "http_400");
  EXPECT_EQ(notice->payload.find(kPayloadName), std::string::npos);

  const auto notices = Audit("non_delivery_notice");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0]["notice_id"], "m1-la-derby-ndn");
  EXPECT_EQ(notices[0]["sender"], "police-derbys");
  // Given up is given up: never tried again.
  clock_.Advance(hours(24));
  EXPECT_EQ(Pass().claimed, 0);
  EXPECT_EQ(receiver_->requests().size(), 1u);
}

TEST_F(DeliveryWorkerTest, GivesUpOnceTheHorizonHasPassed) {
  options_.retry.horizon = 60s;
  options_.breaker.failure_threshold = 100;  // this test is about the horizon alone
  receiver_->GoDown();
  Accept("m1", {"la-derby"});
  ASSERT_EQ(Pass().retried, 1);
  EXPECT_EQ(Row("m1-la-derby").last_error, "connect_refused");
  clock_.Advance(30s);
  ASSERT_EQ(Pass().retried, 1);
  EXPECT_LE(Row("m1-la-derby").next_attempt_at, kStart + 60s);
  clock_.Set(kStart + 60s);
  const auto summary = Pass();
  EXPECT_EQ(summary.dead, 1);
  const OutboxRow row = Row("m1-la-derby");
  EXPECT_EQ(row.state, "dead");
  EXPECT_EQ(row.attempts, 3);
  EXPECT_EQ(row.last_error, "horizon_passed:connect_refused");
  auto mailbox = store_->ListMailbox("police-derbys", {.limit = 10, .after = std::nullopt});
  ASSERT_EQ(mailbox->size(), 1u);
  EXPECT_EQ((*mailbox)[0].delivery_id, "m1-la-derby-ndn");
}

TEST_F(DeliveryWorkerTest, PushesANoticeToASenderThatTakesPushes) {
  receiver_->Script({ScriptedAnswer{403, "", false}});
  Accept("m1", {"la-derby"}, "child-1", "la-staffordshire");
  ASSERT_EQ(Pass().dead, 1);
  ASSERT_EQ(Pass().delivered, 1);  // the notice, on the next pass
  const auto requests = receiver_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].delivery_id, "m1-la-derby-ndn");
  EXPECT_EQ(requests[1].target, "/la-staffordshire");
  EXPECT_EQ(requests[1].content_type, "application/problem+json");
  EXPECT_EQ(requests[1].message_id, "m1");
  EXPECT_EQ(nlohmann::json::parse(requests[1].body)["type"], "urn:isagw:problem:non-delivery");
}

TEST_F(DeliveryWorkerTest, MakesNoNoticeAboutANoticeThatCannotBeDelivered) {
  receiver_->Script({ScriptedAnswer{403, "", false}, ScriptedAnswer{403, "", false}});
  Accept("m1", {"la-derby"}, "child-1", "la-staffordshire");
  ASSERT_EQ(Pass().dead, 1);
  ASSERT_EQ(Pass().dead, 1);
  EXPECT_EQ(Row("m1-la-derby-ndn").state, "dead");
  EXPECT_EQ(OutboxCount(), 2);
  EXPECT_EQ(Pass().claimed, 0);
  const auto notices = Audit("non_delivery_notice");
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[1]["notice"], "not_made");
}

TEST_F(DeliveryWorkerTest, OpensTheCircuitThenTriesOnceAndClosesIt) {
  options_.breaker = CircuitBreakerOptions{2, 60s};
  options_.trial_wait = 5s;
  receiver_->GoDown();
  // Three episodes: three lines, all claimable at once.
  Accept("m1", {"la-derby"}, "episode-1");
  Accept("m2", {"la-derby"}, "episode-2");
  Accept("m3", {"la-derby"}, "episode-3");
  ASSERT_EQ(Pass().retried, 3);
  EXPECT_EQ(pusher_->pushes(), 3);
  EXPECT_EQ(Worker().BreakerState("la-derby"), CircuitBreaker::State::kOpen);
  EXPECT_EQ(Worker().BreakerState("la-staffordshire"), CircuitBreaker::State::kClosed);

  // Open: their retries come due, but no connection is tried.
  clock_.Advance(10s);
  const auto deferred = Pass();
  EXPECT_EQ(deferred.claimed, 3);
  EXPECT_EQ(deferred.deferred, 3);
  EXPECT_EQ(pusher_->pushes(), 3);
  EXPECT_EQ(Row("m1-la-derby").last_error, "circuit_open");
  EXPECT_EQ(Row("m1-la-derby").next_attempt_at, kStart + 60s);
  EXPECT_EQ(Row("m1-la-derby").attempts, 1) << "a deferral is not an attempt";

  // Half-open after the cool-down: one trial; the others wait for it.
  ASSERT_TRUE(receiver_->ComeBack());
  clock_.Set(kStart + 60s);
  EXPECT_EQ(Worker().BreakerState("la-derby"), CircuitBreaker::State::kHalfOpen);
  const auto trial = Pass();
  EXPECT_EQ(trial.delivered, 1);
  EXPECT_EQ(trial.deferred, 2);
  EXPECT_EQ(pusher_->pushes(), 4);
  EXPECT_EQ(Worker().BreakerState("la-derby"), CircuitBreaker::State::kClosed);

  clock_.Advance(5s);
  EXPECT_EQ(Pass().delivered, 2);
  EXPECT_EQ(receiver_->requests().size(), 3u);
}

TEST_F(DeliveryWorkerTest, ARecipientThatWasDownGetsEverythingInOrderOnceBack) {
  receiver_->GoDown();
  // Two episodes, interleaved: each line must keep its own order.
  Accept("m1", {"la-derby"}, "episode-a");
  Accept("m2", {"la-derby"}, "episode-b");
  Accept("m3", {"la-derby"}, "episode-a");
  Accept("m4", {"la-derby"}, "episode-b");
  Accept("m5", {"la-derby"}, "episode-a");
  for (int i = 0; i < 5; ++i) {
    Pass();
    clock_.Advance(minutes(10));
  }
  EXPECT_TRUE(receiver_->requests().empty());
  EXPECT_EQ(Row("m3-la-derby").attempts, 0);  // waits behind m1: never tried

  ASSERT_TRUE(receiver_->ComeBack());
  for (int i = 0; i < 20 && receiver_->requests().size() < 5; ++i) {
    Pass();
    clock_.Advance(minutes(10));
  }
  const std::vector<std::string> ids = ReceivedIds();
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 5u) << "a delivery came twice";
  const auto position = [&](const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) - ids.begin();
  };
  EXPECT_LT(position("m1-la-derby"), position("m3-la-derby"));
  EXPECT_LT(position("m3-la-derby"), position("m5-la-derby"));
  EXPECT_LT(position("m2-la-derby"), position("m4-la-derby"));
  for (const char* id :
       {"m1-la-derby", "m2-la-derby", "m3-la-derby", "m4-la-derby", "m5-la-derby"}) {
    EXPECT_EQ(Row(id).state, "delivered") << id;
  }
}

TEST_F(DeliveryWorkerTest, DeliversAManyMessageEpisodeInOrderAndNothingTwice) {
  constexpr int kMessages = 12;
  for (int i = 1; i <= kMessages; ++i)
    Accept("m" + std::to_string(i), {"la-derby", "la-staffordshire"});
  // Every few attempts the receiver fails; the worker retries.
  receiver_->Script({ScriptedAnswer{503, "", false}, ScriptedAnswer{200, "", false},
                     ScriptedAnswer{500, "", false}, ScriptedAnswer{200, "", true},
                     ScriptedAnswer{429, "1", false}});
  for (int i = 0; i < 100 && OutboxDelivered() < 2 * kMessages; ++i) {
    Pass();
    clock_.Advance(minutes(10));
  }
  ASSERT_EQ(OutboxDelivered(), 2 * kMessages);
  for (const std::string recipient : {"la-derby", "la-staffordshire"}) {
    // What the recipient accepted (answered 2xx), in the order it came.
    std::vector<std::string> delivered;
    for (const auto& request : receiver_->requests()) {
      if (request.target == "/" + recipient && request.answer_status / 100 == 2) {
        delivered.push_back(request.delivery_id);
      }
    }
    std::vector<std::string> expected;
    for (int i = 1; i <= kMessages; ++i)
      expected.push_back("m" + std::to_string(i) + "-" + recipient);
    EXPECT_EQ(delivered, expected) << recipient;
  }
  clock_.Advance(hours(24));
  const std::size_t before = receiver_->requests().size();
  EXPECT_EQ(Pass().claimed, 0);
  EXPECT_EQ(receiver_->requests().size(), before);
}

TEST_F(DeliveryWorkerTest, TellsTheSenderWhenAMailboxItemIsNeverAcknowledged) {
  options_.mailbox_horizon = 24h;
  for (const char* id : {"m1", "m2"}) {
    store::Acceptance a;
    a.message.id = id;
    a.message.sender = "police-derbys";
    a.message.format = "compact";
    a.message.kind = "missing_reported";
    a.message.received_at = clock_.Now();
    a.message.canonical_json = "{}";
    a.message.answer_json = "{}";
    a.deliveries.push_back(
        store::Delivery{std::string(id) + "-la-derby", id, "la-derby",
                        std::string("la-derby|") + id, store::DeliveryMode::kMailbox, "council-xml",
                        "application/vnd.isagw.council+xml", "isa-test", "<Message/>"});
    ASSERT_TRUE(store_->Commit(a).ok());
  }
  ASSERT_TRUE(store_->AcknowledgeMailboxItem("la-derby", "m2-la-derby", clock_.Now(), {}).ok());

  clock_.Advance(23h);
  EXPECT_EQ(Pass().expired, 0) << "still inside the horizon";
  clock_.Advance(2h);
  EXPECT_EQ(Pass().expired, 1);
  EXPECT_EQ(Row("m1-la-derby").state, "dead");
  EXPECT_EQ(Row("m1-la-derby").last_error, "mailbox_unacknowledged");
  EXPECT_EQ(Row("m2-la-derby").state, "acked");
  EXPECT_EQ(Row("m1-la-derby-ndn").state, "available") << "the police force pulls its notices";
  const auto notices = Audit("non_delivery_notice");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0]["sender"], "police-derbys");
  EXPECT_EQ(Pass().expired, 0) << "given up once only";
}

TEST_F(DeliveryWorkerTest, DefersARecipientThatHasNoPushEndpoint) {
  Accept("m1", {"la-unknown"});
  const auto summary = Pass();
  EXPECT_EQ(summary.deferred, 1);
  EXPECT_EQ(pusher_->pushes(), 0);
  EXPECT_EQ(Row("m1-la-unknown").last_error, "no_push_endpoint");
}

TEST_F(DeliveryWorkerTest, RunsOnItsOwnThreadAndStopsGracefully) {
  Worker().Start();
  Accept("m1", {"la-derby"});
  Accept("m2", {"la-staffordshire"});
  Worker().Wake();
  // Waits for the outcome, with a generous bound; asserts nothing about time.
  for (int i = 0; i < 600 && receiver_->requests().size() < 2; ++i) {
    std::this_thread::sleep_for(100ms);
  }
  Worker().Stop();
  EXPECT_EQ(receiver_->requests().size(), 2u);
  EXPECT_EQ(Row("m1-la-derby").state, "delivered");
  EXPECT_EQ(Row("m2-la-staffordshire").state, "delivered");
}

TEST_F(DeliveryWorkerTest, StopLetsTheAttemptUnderWayFinishAndRecordsIt) {
  receiver_->Script({ScriptedAnswer{200, "", false, 1500ms}});
  Accept("m1", {"la-derby"});
  Worker().Start();
  Worker().Wake();
  for (int i = 0; i < 600 && receiver_->requests().empty(); ++i) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(receiver_->requests().size(), 1u);
  Worker().Stop();  // the answer is (most likely) still on its way
  EXPECT_EQ(Row("m1-la-derby").state, "delivered");
  EXPECT_EQ(Audit("delivery_attempt").size(), 1u);
}

TEST_F(DeliveryWorkerTest, CountsOutcomesInItsMetrics) {
  metrics::MetricsRegistry metrics;
  options_.metrics = &metrics;
  receiver_->Script({ScriptedAnswer{503, "", false}});
  Accept("m1", {"la-derby"});
  ASSERT_EQ(Pass().retried, 1);
  clock_.Set(Row("m1-la-derby").next_attempt_at);
  ASSERT_EQ(Pass().delivered, 1);
  const std::string text = metrics.RenderPrometheus();
  EXPECT_NE(text.find("isagw_delivery_attempts_total{outcome=\"retry\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("isagw_delivery_attempts_total{outcome=\"delivered\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("isagw_delivery_attempts_total{outcome=\"dead\"} 0\n"), std::string::npos);
  worker_.reset();  // it holds a reference to `metrics`
}

}  // namespace
}  // namespace isagw::delivery
