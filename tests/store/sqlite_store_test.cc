#include "gateway/store/sqlite_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

#include "gateway/audit/audit_chain.h"

namespace isagw::store {
namespace {

using namespace std::chrono;

std::shared_ptr<const crypto::Sealer> TestSealer() {
  auto ring = std::make_shared<crypto::KeyRing>();
  crypto::SecretKey key{};
  key.fill(7);
  ring->Add("inbound", "k1", key);
  key.fill(9);
  ring->Add("isa-derby", "k1", key);
  return std::make_shared<crypto::Sealer>(ring);
}

Acceptance MissingReport(const std::string& id, int version, int version_read) {
  Acceptance a;
  a.message.id = id;
  a.message.sender = "police-derbys";
  a.message.idempotency_key = "key-" + id;
  a.message.format = "compact";
  a.message.kind = "missing_reported";
  a.message.police_ref = "DB/21/2026/004512";
  a.message.record_version = version;
  a.message.received_at = sys_days{2026y / November / 22} + 21h + 41min;
  a.message.canonical_json = R"({"child":{"forename":"Zephyrine"}})";
  a.message.answer_json = R"({"message_id":")" + id + R"("})";
  a.episode = EpisodeRecord{"DB/21/2026/004512",
                            "missing",
                            version,
                            "child-key-1",
                            "la-staffordshire",
                            "la-derby",
                            R"({"risk":"high"})",
                            a.message.received_at - 2h};
  a.episode_version_read = version_read;
  a.deliveries.push_back(Delivery{id + "-la-derby", id, "la-derby", "la-derby|DB/21/2026/004512",
                                  DeliveryMode::kMailbox, "council-xml",
                                  "application/vnd.isagw.council+xml", "isa-derby",
                                  "<Forename>Zephyrine</Forename>"});
  a.audit.push_back(AuditRecord{"message_accepted", R"({"message_id":")" + id + R"("})"});
  a.audit.push_back(AuditRecord{"disclosure", R"({"recipient":"la-derby"})"});
  return a;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("isagw-store-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto opened = SqliteStore::Open(path_, TestSealer());
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    store_ = std::move(*opened);
  }
  void TearDown() override {
    store_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }
  int Count(const std::string& table) {
    auto db = SqliteDatabase::Open(path_);
    auto q = db->Prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(*q->Step());
    return static_cast<int>(q->ColumnInt(0));
  }

  // Walks the audit chain from genesis; the number of entries, or -1 when
  // a link is broken.
  int VerifiedAuditEntries() {
    auto db = SqliteDatabase::Open(path_);
    auto q = db->Prepare("SELECT seq, at, kind, body, prev_hash, hash FROM audit ORDER BY seq");
    audit::ChainHash previous = audit::kGenesisHash;
    int rows = 0;
    while (*q->Step()) {
      ++rows;
      if (q->ColumnInt(0) != rows) return -1;
      if (q->ColumnBlob(4) != std::string(previous.begin(), previous.end())) return -1;
      previous = audit::NextHash(previous, q->ColumnInt(0), q->ColumnInt(1), q->ColumnText(2),
                                 q->ColumnText(3));
      if (q->ColumnBlob(5) != std::string(previous.begin(), previous.end())) return -1;
    }
    return rows;
  }

  std::filesystem::path path_;
  std::unique_ptr<SqliteStore> store_;
};

// A missing report of an episode of its own (`ref` distinct per episode).
Acceptance MissingReportOf(const std::string& id, const std::string& ref) {
  Acceptance a = MissingReport(id, 1, 0);
  a.message.police_ref = ref;
  a.message.episode_ref = ref;
  a.episode->police_ref = ref;
  a.deliveries[0].ordering_key = "la-derby|" + ref;
  return a;
}

TEST_F(SqliteStoreTest, ReadsBackWhatItCommitted) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  EXPECT_EQ(*store_->FindAnswerByIdempotencyKey("police-derbys", "key-m1"),
            R"({"message_id":"m1"})");
  EXPECT_EQ(*store_->FindAnswerByPoliceRecord("DB/21/2026/004512", 1), R"({"message_id":"m1"})");
  EXPECT_EQ(*store_->FindAnswerByIdempotencyKey("police-notts", "key-m1"), std::nullopt);
  auto episode = store_->LoadEpisode("DB/21/2026/004512");
  ASSERT_TRUE(episode.ok() && episode->has_value());
  EXPECT_EQ((*episode)->state, "missing");
  EXPECT_EQ((*episode)->placing_la, "la-staffordshire");
  EXPECT_EQ((*episode)->snapshot_json, R"({"risk":"high"})");
  EXPECT_EQ(Count("outbox"), 1);
  EXPECT_EQ(Count("audit"), 2);
}

TEST_F(SqliteStoreTest, ADuplicateChangesNothing) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  Acceptance again = MissingReport("m2", 1, 1);  // same police record version
  auto outcome = store_->Commit(again);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, StoreErrorKind::kDuplicate);
  EXPECT_EQ(Count("messages"), 1);
  EXPECT_EQ(Count("outbox"), 1);
  EXPECT_EQ(Count("audit"), 2);
}

TEST_F(SqliteStoreTest, RefusesACommitBasedOnAStaleEpisode) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  // A second writer read the episode before m1 committed (version 0).
  auto outcome = store_->Commit(MissingReport("m2", 2, 0));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, StoreErrorKind::kConflict);
  EXPECT_EQ(Count("messages"), 1);
  // Having re-read version 1, it commits.
  EXPECT_TRUE(store_->Commit(MissingReport("m2", 2, 1)).ok());
  EXPECT_EQ((*store_->LoadEpisode("DB/21/2026/004512"))->latest_record_version, 2);
}

TEST_F(SqliteStoreTest, AMissingKeyRollsTheWholeCommitBack) {
  Acceptance a = MissingReport("m1", 1, 0);
  a.deliveries[0].scope = "isa-without-key";
  auto outcome = store_->Commit(a);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, StoreErrorKind::kSealing);
  EXPECT_EQ(Count("messages"), 0);
  EXPECT_EQ(Count("episodes"), 0);
  EXPECT_EQ(Count("audit"), 0);
}

TEST_F(SqliteStoreTest, KeepsPayloadsSealedAtRest) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  store_.reset();  // close, so the WAL is checkpointed into the file
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(path_.string() + suffix, std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find("Zephyrine"), std::string::npos);
  EXPECT_EQ(bytes.find("\"risk\""), std::string::npos);
}

TEST_F(SqliteStoreTest, ChainsAuditEntriesAcrossCommits) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  ASSERT_TRUE(store_->Commit(MissingReport("m2", 2, 1)).ok());
  EXPECT_EQ(VerifiedAuditEntries(), 4);
}

TEST_F(SqliteStoreTest, CommittedTogetherAConflictOrADuplicateIsUndoneAloneTheOthersStay) {
  const Acceptance first = MissingReport("m1", 1, 0);
  const Acceptance stale = MissingReport("m2", 2, 0);  // read before m1: conflict
  const Acceptance again = MissingReport("m3", 1, 0);  // m1's record again
  const Acceptance other = MissingReportOf("m4", "DB/21/2026/000001");
  const Acceptance* group[] = {&first, &stale, &again, &other};
  auto outcomes = store_->CommitAll(group);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_TRUE(outcomes[0].ok());
  ASSERT_FALSE(outcomes[1].ok());
  EXPECT_EQ(outcomes[1].error().kind, StoreErrorKind::kConflict);
  ASSERT_FALSE(outcomes[2].ok());
  // m3 meets m1 (committed a moment before in the same transaction) as a
  // conflict on the episode's version, before its record is looked at.
  EXPECT_EQ(outcomes[2].error().kind, StoreErrorKind::kConflict);
  EXPECT_TRUE(outcomes[3].ok());
  EXPECT_EQ(Count("messages"), 2);
  EXPECT_EQ(Count("episodes"), 2);
  EXPECT_EQ(Count("outbox"), 2);
  EXPECT_EQ(VerifiedAuditEntries(), 4);  // m1's two and m4's two, chained
  EXPECT_EQ(*store_->FindAnswerByIdempotencyKey("police-derbys", "key-m4"),
            R"({"message_id":"m4"})");
  EXPECT_EQ(*store_->FindAnswerByIdempotencyKey("police-derbys", "key-m2"), std::nullopt);
}

TEST_F(SqliteStoreTest, ADuplicateInAGroupFailsAloneWithItsKind) {
  const Acceptance first = MissingReportOf("m1", "DB/21/2026/000001");
  Acceptance same_key = MissingReportOf("m2", "DB/21/2026/000002");
  same_key.message.idempotency_key = "key-m1";  // the sender's key used twice
  const Acceptance* group[] = {&first, &same_key};
  auto outcomes = store_->CommitAll(group);
  EXPECT_TRUE(outcomes[0].ok());
  ASSERT_FALSE(outcomes[1].ok());
  EXPECT_EQ(outcomes[1].error().kind, StoreErrorKind::kDuplicate);
  EXPECT_EQ(Count("messages"), 1);
  EXPECT_EQ(Count("episodes"), 1);  // m2's episode went with it
  EXPECT_EQ(VerifiedAuditEntries(), 2);
}

TEST_F(SqliteStoreTest, CommitsFromManyThreadsAllLandAndTheAuditChainHolds) {
  constexpr int kThreads = 8;
  constexpr int kEach = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string n = std::to_string(t * kEach + i);
        if (!store_->Commit(MissingReportOf("m" + n, "DB/21/2026/" + n)).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(Count("messages"), kThreads * kEach);
  EXPECT_EQ(Count("outbox"), kThreads * kEach);
  EXPECT_EQ(VerifiedAuditEntries(), 2 * kThreads * kEach);
}

TEST_F(SqliteStoreTest, LinksAChildToItsPlacingAuthority) {
  Acceptance a = MissingReport("m1", 1, 0);
  a.child_link = ChildLink{"child-key-1", "la-staffordshire", "la-derby", "m1"};
  ASSERT_TRUE(store_->Commit(a).ok());
  auto link = store_->FindChildLink("child-key-1");
  ASSERT_TRUE(link.ok() && link->has_value());
  EXPECT_EQ((*link)->placing_la, "la-staffordshire");
  EXPECT_EQ(*store_->FindChildLink("child-key-2"), std::nullopt);
}

// Two police records about one episode, pushed to one recipient.
Acceptance PushRecord(const std::string& id, int version) {
  Acceptance a = MissingReport(id, version, version - 1);
  a.deliveries[0].mode = DeliveryMode::kPush;
  a.deliveries[0].recipient = "la-staffordshire";
  a.deliveries[0].id = id + "-la-staffordshire";
  a.deliveries[0].ordering_key = "la-staffordshire|DB/21/2026/004512";
  return a;
}

const model::Timestamp kNow = sys_days{2026y / November / 23};

TEST_F(SqliteStoreTest, ClaimsOnlyTheFirstPendingDeliveryOfAnOrderingKey) {
  ASSERT_TRUE(store_->Commit(PushRecord("m1", 1)).ok());
  ASSERT_TRUE(store_->Commit(PushRecord("m2", 2)).ok());
  auto claimed = store_->ClaimDueDeliveries(kNow, kNow + 30s, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].delivery.id, "m1-la-staffordshire");
  EXPECT_EQ((*claimed)[0].delivery.payload, "<Forename>Zephyrine</Forename>");
  // Leased: not claimed again, and m2 still waits behind it.
  EXPECT_TRUE(store_->ClaimDueDeliveries(kNow, kNow + 30s, 10)->empty());
  ASSERT_TRUE(
      store_
          ->RecordAttempt(
              {AttemptOutcome::Kind::kDelivered, "m1-la-staffordshire", kNow, {}, "", {}, {}})
          .ok());
  auto next = store_->ClaimDueDeliveries(kNow, kNow + 30s, 10);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].delivery.id, "m2-la-staffordshire");
}

TEST_F(SqliteStoreTest, AnExpiredLeaseIsClaimedAgain) {
  ASSERT_TRUE(store_->Commit(PushRecord("m1", 1)).ok());
  ASSERT_EQ(store_->ClaimDueDeliveries(kNow, kNow + 30s, 10)->size(), 1u);
  // The worker died; after its lease runs out another takes the delivery.
  EXPECT_TRUE(store_->ClaimDueDeliveries(kNow + 29s, kNow + 60s, 10)->empty());
  EXPECT_EQ(store_->ClaimDueDeliveries(kNow + 30s, kNow + 60s, 10)->size(), 1u);
}

TEST_F(SqliteStoreTest, ARetryWaitsUntilItsTimeAndKeepsTheOrder) {
  ASSERT_TRUE(store_->Commit(PushRecord("m1", 1)).ok());
  ASSERT_TRUE(store_->Commit(PushRecord("m2", 2)).ok());
  ASSERT_EQ(store_->ClaimDueDeliveries(kNow, kNow + 30s, 10)->size(), 1u);
  ASSERT_TRUE(store_
                  ->RecordAttempt({AttemptOutcome::Kind::kRetry,
                                   "m1-la-staffordshire",
                                   kNow,
                                   kNow + 60s,
                                   "connection refused",
                                   {},
                                   {}})
                  .ok());
  EXPECT_TRUE(store_->ClaimDueDeliveries(kNow + 59s, kNow + 90s, 10)->empty());
  auto retried = store_->ClaimDueDeliveries(kNow + 60s, kNow + 90s, 10);
  ASSERT_EQ(retried->size(), 1u);
  EXPECT_EQ((*retried)[0].delivery.id, "m1-la-staffordshire");
  EXPECT_EQ((*retried)[0].attempts, 1);
}

TEST_F(SqliteStoreTest, ADeadDeliveryReleasesTheLineAndCommitsItsNotice) {
  ASSERT_TRUE(store_->Commit(PushRecord("m1", 1)).ok());
  ASSERT_TRUE(store_->Commit(PushRecord("m2", 2)).ok());
  ASSERT_EQ(store_->ClaimDueDeliveries(kNow, kNow + 30s, 10)->size(), 1u);
  Delivery notice{"m1-ndn",
                  "m1",
                  "police-derbys",
                  "police-derbys|DB/21/2026/004512",
                  DeliveryMode::kMailbox,
                  "problem",
                  "application/problem+json",
                  "inbound",
                  R"({"type":"urn:isagw:problem:non-delivery"})"};
  ASSERT_TRUE(store_
                  ->RecordAttempt({AttemptOutcome::Kind::kDead,
                                   "m1-la-staffordshire",
                                   kNow,
                                   {},
                                   "gave up after 5 days",
                                   {notice},
                                   {{"delivery_dead", "{}"}}})
                  .ok());
  auto next = store_->ClaimDueDeliveries(kNow, kNow + 30s, 10);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].delivery.id, "m2-la-staffordshire");
  auto mailbox = store_->ListMailbox("police-derbys", {.limit = 10, .after = std::nullopt});
  ASSERT_EQ(mailbox->size(), 1u);
  EXPECT_EQ((*mailbox)[0].delivery_id, "m1-ndn");
  auto status = store_->GetMessageStatus("police-derbys", "m1");
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->recipients.size(), 2u);
  EXPECT_EQ(status->recipients[0].state, DeliveryState::kDead);
  EXPECT_EQ(status->recipients[0].last_error, "gave up after 5 days");
}

TEST_F(SqliteStoreTest, RecordingAnAttemptTwiceIsRefused) {
  ASSERT_TRUE(store_->Commit(PushRecord("m1", 1)).ok());
  const AttemptOutcome delivered{
      AttemptOutcome::Kind::kDelivered, "m1-la-staffordshire", kNow, {}, "", {}, {}};
  ASSERT_TRUE(store_->RecordAttempt(delivered).ok());
  EXPECT_EQ(store_->RecordAttempt(delivered).error().kind, StoreErrorKind::kNotFound);
}

TEST_F(SqliteStoreTest, AttemptsRecordedTogetherFailAloneAndTheOthersStay) {
  ASSERT_TRUE(store_->Commit(PushRecord("m1", 1)).ok());
  ASSERT_TRUE(store_->Commit(MissingReportOf("m3", "DB/21/2026/000003")).ok());
  Acceptance pushed = MissingReportOf("m4", "DB/21/2026/000004");
  pushed.deliveries[0].mode = DeliveryMode::kPush;
  ASSERT_TRUE(store_->Commit(pushed).ok());
  ASSERT_EQ(store_->ClaimDueDeliveries(kNow, kNow + 30s, 10)->size(), 2u);
  const std::vector<AttemptOutcome> outcomes = {
      {AttemptOutcome::Kind::kDelivered,
       "m1-la-staffordshire",
       kNow,
       {},
       "",
       {},
       {{"delivery_attempt", "{}"}}},
      {AttemptOutcome::Kind::kDelivered,
       "no-such-delivery",
       kNow,
       {},
       "",
       {},
       {{"delivery_attempt", "{}"}}},
      {AttemptOutcome::Kind::kRetry,
       pushed.deliveries[0].id,
       kNow,
       kNow + 60s,
       "http_503",
       {},
       {{"delivery_attempt", "{}"}}},
  };
  const int audit_before = VerifiedAuditEntries();
  auto recorded = store_->RecordAttempts(outcomes);
  ASSERT_EQ(recorded.size(), 3u);
  EXPECT_TRUE(recorded[0].ok());
  ASSERT_FALSE(recorded[1].ok());
  EXPECT_EQ(recorded[1].error().kind, StoreErrorKind::kNotFound);
  EXPECT_TRUE(recorded[2].ok());
  // The failed one left no audit entry; the other two are chained.
  EXPECT_EQ(VerifiedAuditEntries(), audit_before + 2);
  auto status = store_->GetMessageStatus("police-derbys", "m1");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->recipients[0].state, DeliveryState::kDelivered);
  // The retry waits until its time.
  EXPECT_TRUE(store_->ClaimDueDeliveries(kNow + 59s, kNow + 90s, 10)->empty());
  EXPECT_EQ(store_->ClaimDueDeliveries(kNow + 60s, kNow + 90s, 10)->size(), 1u);
  EXPECT_TRUE(store_->RecordAttempts({}).empty());
}

TEST_F(SqliteStoreTest, AMailboxShowsOnlyItsOwnersItems) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  EXPECT_EQ(store_->ListMailbox("la-derby", {.limit = 10, .after = std::nullopt})->size(), 1u);
  EXPECT_TRUE(store_->ListMailbox("la-stoke", {.limit = 10, .after = std::nullopt})->empty());
  EXPECT_EQ(store_->FetchMailboxItem("la-stoke", "m1-la-derby", {}).error().kind,
            StoreErrorKind::kNotFound);
  EXPECT_EQ(store_->AcknowledgeMailboxItem("la-stoke", "m1-la-derby", kNow, {}).error().kind,
            StoreErrorKind::kNotFound);
  auto item = store_->FetchMailboxItem("la-derby", "m1-la-derby", {{"mailbox_read", "{}"}});
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->payload, "<Forename>Zephyrine</Forename>");
}

TEST_F(SqliteStoreTest, AnAcknowledgedItemLeavesTheMailbox) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  ASSERT_TRUE(store_->AcknowledgeMailboxItem("la-derby", "m1-la-derby", kNow, {}).ok());
  EXPECT_TRUE(store_->AcknowledgeMailboxItem("la-derby", "m1-la-derby", kNow, {}).ok());
  EXPECT_TRUE(store_->ListMailbox("la-derby", {.limit = 10, .after = std::nullopt})->empty());
  EXPECT_EQ(store_->FetchMailboxItem("la-derby", "m1-la-derby", {}).error().kind,
            StoreErrorKind::kNotFound);
  EXPECT_EQ(store_->GetMessageStatus("police-derbys", "m1")->recipients[0].state,
            DeliveryState::kAcked);
}

TEST_F(SqliteStoreTest, MessageStatusIsOnlyForItsSender) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  EXPECT_TRUE(store_->GetMessageStatus("police-derbys", "m1").ok());
  EXPECT_EQ(store_->GetMessageStatus("la-derby", "m1").error().kind, StoreErrorKind::kNotFound);
}

TEST_F(SqliteStoreTest, NamesTheSenderOfAStoredMessageOnly) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  auto sender = store_->FindMessageSender("m1");
  ASSERT_TRUE(sender.ok());
  EXPECT_EQ(*sender, std::optional<std::string>("police-derbys"));
  auto none = store_->FindMessageSender("m-unknown");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(SqliteStoreTest, ListsOnlyUnacknowledgedMailboxItemsOlderThanTheCutOff) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  const model::Timestamp put_there = sys_days{2026y / November / 22} + 21h + 41min;
  EXPECT_TRUE(store_->ListExpiredMailboxItems(put_there, 10)->empty()) << "not older than that";
  auto expired = store_->ListExpiredMailboxItems(put_there + std::chrono::seconds(1), 10);
  ASSERT_TRUE(expired.ok());
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ((*expired)[0].delivery.id, "m1-la-derby");
  EXPECT_TRUE((*expired)[0].delivery.payload.empty()) << "listings never open payloads";

  AttemptOutcome outcome;
  outcome.kind = AttemptOutcome::Kind::kExpired;
  outcome.delivery_id = "m1-la-derby";
  outcome.at = kNow;
  outcome.error = "mailbox_unacknowledged";
  ASSERT_TRUE(store_->RecordAttempt(outcome).ok());
  EXPECT_TRUE(store_->ListMailbox("la-derby", {.limit = 10, .after = std::nullopt})->empty());
  EXPECT_TRUE(store_->ListExpiredMailboxItems(kNow, 10)->empty());
  EXPECT_EQ(store_->RecordAttempt(outcome).error().kind, StoreErrorKind::kNotFound)
      << "expired once only";
}

TEST_F(SqliteStoreTest, AppendsStandaloneAuditRecordsToTheChain) {
  ASSERT_TRUE(store_
                  ->RecordAudit({{"config_reloaded", R"({"component":"policies"})"},
                                 {"key_rotated", R"({"action":"added"})"}},
                                kNow)
                  .ok());
  auto db = SqliteDatabase::Open(path_);
  ASSERT_TRUE(db.ok());
  auto q = db->Prepare("SELECT kind FROM audit ORDER BY seq");
  std::vector<std::string> kinds;
  while (*q->Step()) kinds.push_back(q->ColumnText(0));
  EXPECT_EQ(kinds, (std::vector<std::string>{"config_reloaded", "key_rotated"}));
}

}  // namespace
}  // namespace isagw::store

namespace isagw::store {
namespace {

using namespace std::chrono;

Timer MakeTimer(const std::string& id, const std::string& kind, model::Timestamp due,
                const std::string& source) {
  return Timer{id, "DB/21/2026/004512", kind, due, R"({"reason":"other"})", source};
}

std::map<std::string, TimerState> States(Store& store) {
  std::map<std::string, TimerState> states;
  auto listed = store.ListTimers("DB/21/2026/004512");
  EXPECT_TRUE(listed.ok());
  if (!listed.ok()) return states;
  for (const TimerRecord& r : *listed) states[r.timer.id] = r.state;
  return states;
}

// A timer is armed with the message that causes it: the same transaction.
TEST_F(SqliteStoreTest, ArmsTimersWithTheirMessageOrNotAtAll) {
  Acceptance a = MissingReport("m1", 1, 0);
  const auto due = a.message.received_at + 72h;
  a.arm_timers.push_back(MakeTimer("t-72h", "long_missing", due, "m1"));
  ASSERT_TRUE(store_->Commit(a).ok());
  ASSERT_EQ(store_->ListTimers("DB/21/2026/004512")->size(), 1u);
  EXPECT_EQ(store_->ListTimers("DB/21/2026/004512")->front().timer.due_at, due);

  // A commit that fails (a duplicate record) arms nothing.
  Acceptance again = MissingReport("m2", 1, 1);
  again.arm_timers.push_back(MakeTimer("t-other", "long_missing", due, "m2"));
  EXPECT_FALSE(store_->Commit(again).ok());
  EXPECT_EQ(Count("timers"), 1);
}

TEST_F(SqliteStoreTest, ReArmingMovesAnArmedTimerAndNeverRevivesACancelledOne) {
  Acceptance a = MissingReport("m1", 1, 0);
  const auto t0 = a.message.received_at;
  a.arm_timers.push_back(MakeTimer("t", "rhi_due", t0 + 72h, "m1"));
  ASSERT_TRUE(store_->Commit(a).ok());
  Acceptance b = MissingReport("m2", 2, 1);
  b.arm_timers.push_back(MakeTimer("t", "rhi_due", t0 + 80h, "m2"));
  ASSERT_TRUE(store_->Commit(b).ok());
  auto listed = store_->ListTimers("DB/21/2026/004512");
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().timer.due_at, t0 + 80h);
  EXPECT_EQ(listed->front().timer.source_message_id, "m2");

  Acceptance c = MissingReport("m3", 3, 2);
  c.cancel_timers.push_back({"DB/21/2026/004512", "rhi_due"});
  ASSERT_TRUE(store_->Commit(c).ok());
  Acceptance d = MissingReport("m4", 4, 3);
  d.arm_timers.push_back(MakeTimer("t", "rhi_due", t0 + 90h, "m4"));
  ASSERT_TRUE(store_->Commit(d).ok());
  EXPECT_EQ(States(*store_)["t"], TimerState::kCancelled);
  EXPECT_EQ(store_->ListTimers("DB/21/2026/004512")->front().message_id, "m3");
}

// Firing is the commit of the escalation that names the timer: the second
// one is refused whole, so a timer raises one message however often claimed.
TEST_F(SqliteStoreTest, ATimerFiresOnceAndItsSecondFiringChangesNothing) {
  Acceptance a = MissingReport("m1", 1, 0);
  const auto t0 = a.message.received_at;
  a.arm_timers.push_back(MakeTimer("t", "long_missing", t0 + 72h, "m1"));
  ASSERT_TRUE(store_->Commit(a).ok());

  EXPECT_TRUE(store_->ClaimDueTimers(t0 + 71h, t0 + 72h, 10)->empty());
  auto first = store_->ClaimDueTimers(t0 + 72h, t0 + 73h, 10);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ(first->front().timer.source_message_id, "m1");
  // Leased: not claimed again until the lease runs out.
  EXPECT_TRUE(store_->ClaimDueTimers(t0 + 72h + 30min, t0 + 74h, 10)->empty());
  auto second = store_->ClaimDueTimers(t0 + 73h, t0 + 74h, 10);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->front().attempts, 1);

  const auto escalation = [&](const std::string& id) {
    Acceptance e;
    e.message = {id,           "la-derby",   "timer:t-" + id,
                 "canonical",  "escalation", std::nullopt,
                 std::nullopt, t0 + 73h,     R"({"kind":"escalation"})",
                 R"({})",      std::nullopt};
    e.fires_timer = "t";
    e.deliveries.push_back(Delivery{id + "-d", id, "la-derby", "la-derby|x", DeliveryMode::kMailbox,
                                    "canonical", "application/json", "isa-derby", "{}"});
    e.audit.push_back({"timer_fired", "{}"});
    return e;
  };
  ASSERT_TRUE(store_->Commit(escalation("e1")).ok());
  const int audit = Count("audit");
  auto twice = store_->Commit(escalation("e2"));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().kind, StoreErrorKind::kDuplicate);
  EXPECT_EQ(Count("messages WHERE kind = 'escalation'"), 1);
  EXPECT_EQ(Count("outbox WHERE message_id = 'e2'"), 0);
  EXPECT_EQ(Count("audit"), audit);
  EXPECT_EQ(States(*store_)["t"], TimerState::kFired);
  EXPECT_TRUE(store_->ClaimDueTimers(t0 + 100h, t0 + 101h, 10)->empty());
}

TEST_F(SqliteStoreTest, AFailedTimerIsAuditedAndNotClaimedAgain) {
  Acceptance a = MissingReport("m1", 1, 0);
  const auto t0 = a.message.received_at;
  a.arm_timers.push_back(MakeTimer("t", "long_missing", t0, "m1"));
  ASSERT_TRUE(store_->Commit(a).ok());
  const int audit = Count("audit");
  ASSERT_TRUE(
      store_->FinishTimer("t", TimerState::kFailed, "unreadable", t0, {{"timer_failed", "{}"}})
          .ok());
  EXPECT_EQ(Count("audit"), audit + 1);
  EXPECT_EQ(States(*store_)["t"], TimerState::kFailed);
  EXPECT_TRUE(store_->ClaimDueTimers(t0 + 1h, t0 + 2h, 10)->empty());
  auto again = store_->FinishTimer("t", TimerState::kFailed, "again", t0, {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, StoreErrorKind::kNotFound);
}

TEST_F(SqliteStoreTest, CountsAChildsEpisodesThatBeganInAWindow) {
  Acceptance a = MissingReport("m1", 1, 0);  // began 2 hours before it was received
  ASSERT_TRUE(store_->Commit(a).ok());
  const auto began = a.message.received_at - 2h;
  EXPECT_EQ(*store_->CountChildEpisodes("child-key-1", began - 24h, began, "DB/other", 9), 1);
  EXPECT_EQ(*store_->CountChildEpisodes("child-key-1", began + 1s, began + 24h, "DB/other", 9), 0);
  EXPECT_EQ(*store_->CountChildEpisodes("child-key-1", began - 24h, began, "DB/21/2026/004512", 9),
            0);
  EXPECT_EQ(*store_->CountChildEpisodes("child-key-2", began - 24h, began, "DB/other", 9), 0);
  // Counted up to at_most only: four more episodes, counted up to 3.
  for (int n = 1; n <= 4; ++n) {
    Acceptance more =
        MissingReportOf("m" + std::to_string(n + 1), "DB/21/2026/00000" + std::to_string(n));
    ASSERT_TRUE(store_->Commit(more).ok());
  }
  EXPECT_EQ(*store_->CountChildEpisodes("child-key-1", began - 24h, began, "DB/other", 9), 5);
  EXPECT_EQ(*store_->CountChildEpisodes("child-key-1", began - 24h, began, "DB/other", 3), 3);
}

TEST_F(SqliteStoreTest, LoadsAStoredMessagesCanonicalFormOnly) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  EXPECT_EQ(*store_->LoadMessageCanonical("m1"), R"({"child":{"forename":"Zephyrine"}})");
  auto missing = store_->LoadMessageCanonical("m9");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, StoreErrorKind::kNotFound);
}

// What a killed gateway had claimed is claimed again at once after
// ReleaseLeases; what was delivered is never claimed again.
TEST_F(SqliteStoreTest, ReleasedLeasesAreClaimedAgainAtOnceAndDeliveredCopiesNever) {
  Acceptance first = PushRecord("m1", 1);
  first.message.police_ref = first.episode->police_ref = "DB/21/2026/000001";
  first.deliveries[0].ordering_key = "la-staffordshire|DB/21/2026/000001";
  ASSERT_TRUE(store_->Commit(first).ok());
  Acceptance second = PushRecord("m2", 1);
  second.message.police_ref = second.episode->police_ref = "DB/21/2026/000002";
  second.deliveries[0].ordering_key = "la-staffordshire|DB/21/2026/000002";
  const auto t0 = second.message.received_at;
  second.arm_timers.push_back(MakeTimer("t", "long_missing", t0 - 1h, "m2"));
  ASSERT_TRUE(store_->Commit(second).ok());

  ASSERT_EQ(store_->ClaimDueDeliveries(kNow, kNow + 5min, 10)->size(), 2u);
  ASSERT_EQ(store_->ClaimDueTimers(t0, t0 + 5min, 10)->size(), 1u);
  // m1's copy was pushed and acknowledged; then the process was killed.
  ASSERT_TRUE(
      store_
          ->RecordAttempt(
              {AttemptOutcome::Kind::kDelivered, "m1-la-staffordshire", kNow, {}, "", {}, {}})
          .ok());
  EXPECT_TRUE(store_->ClaimDueDeliveries(kNow + 1s, kNow + 5min, 10)->empty());

  auto released = store_->ReleaseLeases();
  ASSERT_TRUE(released.ok());
  EXPECT_EQ(released->deliveries, 1);  // m2's copy: m1's was delivered
  EXPECT_EQ(released->timers, 1);
  auto again = store_->ClaimDueDeliveries(kNow + 1s, kNow + 5min, 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front().delivery.id, "m2-la-staffordshire");
  EXPECT_EQ(store_->ClaimDueTimers(t0 + 1s, t0 + 5min, 10)->size(), 1u);
  EXPECT_EQ(store_->ReleaseLeases()->deliveries, 1);  // claimed again, so leased again
}

}  // namespace
}  // namespace isagw::store
