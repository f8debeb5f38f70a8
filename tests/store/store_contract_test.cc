// The Store contract: what every Store implementation must do, run against
// each backend (store_backend.h) with the very same tests, so that SQLite
// and PostgreSQL cannot drift apart (issue 14). Tests reach the database
// only through the backend's hooks; what is true of one backend only
// belongs in that backend's own tests.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "gateway/audit/audit_chain.h"
#include "gateway/store/store.h"
#include "tests/store/all_backends.h"
#include "tests/store/store_backend.h"

namespace isagw::store {
namespace {

using namespace std::chrono;
using testing::BackendFactory;
using testing::StoreBackend;

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

class StoreContractTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    if (auto why = backend_->Unavailable()) GTEST_SKIP() << GetParam().name << ": " << *why;
    auto opened = backend_->OpenFresh(TestSealer());
    ASSERT_TRUE(opened.ok()) << opened.error();
    store_ = std::move(*opened);
  }
  void TearDown() override {
    other_.reset();
    store_.reset();
    backend_->RemoveDatabase();
  }

  // A second store on the same database, as another process (or replica)
  // would open it: other_.
  void OpenOther() {
    auto opened = backend_->OpenAnother(TestSealer());
    ASSERT_TRUE(opened.ok()) << opened.error();
    other_ = std::move(*opened);
  }

  int Count(const std::string& from) { return backend_->Count(from); }

  // Walks the audit chain from genesis; the number of entries, or -1 when
  // a link is broken.
  int VerifiedAuditEntries() {
    audit::ChainHash previous = audit::kGenesisHash;
    int rows = 0;
    for (const StoreBackend::AuditRow& row : backend_->AuditRows()) {
      ++rows;
      if (row.seq != rows) return -1;
      if (row.prev_hash != std::string(previous.begin(), previous.end())) return -1;
      previous = audit::NextHash(previous, row.seq, row.at, row.kind, row.body);
      if (row.hash != std::string(previous.begin(), previous.end())) return -1;
    }
    return rows;
  }

  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Store> other_;  // null unless OpenOther()
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

TEST_P(StoreContractTest, ReadsBackWhatItCommitted) {
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

TEST_P(StoreContractTest, ADuplicateChangesNothing) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  Acceptance again = MissingReport("m2", 1, 1);  // same police record version
  auto outcome = store_->Commit(again);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, StoreErrorKind::kDuplicate);
  EXPECT_EQ(Count("messages"), 1);
  EXPECT_EQ(Count("outbox"), 1);
  EXPECT_EQ(Count("audit"), 2);
}

TEST_P(StoreContractTest, RefusesACommitBasedOnAStaleEpisode) {
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

TEST_P(StoreContractTest, AMissingKeyRollsTheWholeCommitBack) {
  Acceptance a = MissingReport("m1", 1, 0);
  a.deliveries[0].scope = "isa-without-key";
  auto outcome = store_->Commit(a);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, StoreErrorKind::kSealing);
  EXPECT_EQ(Count("messages"), 0);
  EXPECT_EQ(Count("episodes"), 0);
  EXPECT_EQ(Count("audit"), 0);
}

TEST_P(StoreContractTest, KeepsPayloadsSealedAtRest) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  store_.reset();  // close, so that the database writes everything out
  const std::string bytes = backend_->BytesAtRest();
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find("Zephyrine"), std::string::npos);
  EXPECT_EQ(bytes.find("\"risk\""), std::string::npos);
}

TEST_P(StoreContractTest, ChainsAuditEntriesAcrossCommits) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  ASSERT_TRUE(store_->Commit(MissingReport("m2", 2, 1)).ok());
  EXPECT_EQ(VerifiedAuditEntries(), 4);
}

TEST_P(StoreContractTest, CommittedTogetherAConflictOrADuplicateIsUndoneAloneTheOthersStay) {
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

TEST_P(StoreContractTest, ADuplicateInAGroupFailsAloneWithItsKind) {
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

TEST_P(StoreContractTest, OneThatCannotBeSealedFailsAloneInAGroupTheOthersStay) {
  // Payloads are sealed before the group's transaction: a failure there
  // must still be that member's alone.
  const Acceptance first = MissingReportOf("m1", "DB/21/2026/000001");
  Acceptance keyless = MissingReportOf("m2", "DB/21/2026/000002");
  keyless.deliveries[0].scope = "isa-without-key";
  const Acceptance last = MissingReportOf("m3", "DB/21/2026/000003");
  const Acceptance* group[] = {&first, &keyless, &last};
  auto outcomes = store_->CommitAll(group);
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_TRUE(outcomes[0].ok());
  ASSERT_FALSE(outcomes[1].ok());
  EXPECT_EQ(outcomes[1].error().kind, StoreErrorKind::kSealing);
  EXPECT_TRUE(outcomes[2].ok());
  EXPECT_EQ(Count("messages"), 2);
  EXPECT_EQ(Count("episodes"), 2);
  EXPECT_EQ(Count("outbox"), 2);
  EXPECT_EQ(VerifiedAuditEntries(), 4);
  EXPECT_EQ(*store_->FindAnswerByIdempotencyKey("police-derbys", "key-m2"), std::nullopt);
  EXPECT_EQ(*store_->LoadMessageCanonical("m3"), last.message.canonical_json);
}

TEST_P(StoreContractTest, CommitsFromManyThreadsAllLandAndTheAuditChainHolds) {
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

TEST_P(StoreContractTest, LinksAChildToItsPlacingAuthority) {
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

TEST_P(StoreContractTest, ClaimsOnlyTheFirstPendingDeliveryOfAnOrderingKey) {
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

TEST_P(StoreContractTest, AnExpiredLeaseIsClaimedAgain) {
  ASSERT_TRUE(store_->Commit(PushRecord("m1", 1)).ok());
  ASSERT_EQ(store_->ClaimDueDeliveries(kNow, kNow + 30s, 10)->size(), 1u);
  // The worker died; after its lease runs out another takes the delivery.
  EXPECT_TRUE(store_->ClaimDueDeliveries(kNow + 29s, kNow + 60s, 10)->empty());
  EXPECT_EQ(store_->ClaimDueDeliveries(kNow + 30s, kNow + 60s, 10)->size(), 1u);
}

TEST_P(StoreContractTest, ARetryWaitsUntilItsTimeAndKeepsTheOrder) {
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

TEST_P(StoreContractTest, ADeadDeliveryReleasesTheLineAndCommitsItsNotice) {
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

TEST_P(StoreContractTest, RecordingAnAttemptTwiceIsRefused) {
  ASSERT_TRUE(store_->Commit(PushRecord("m1", 1)).ok());
  const AttemptOutcome delivered{
      AttemptOutcome::Kind::kDelivered, "m1-la-staffordshire", kNow, {}, "", {}, {}};
  ASSERT_TRUE(store_->RecordAttempt(delivered).ok());
  EXPECT_EQ(store_->RecordAttempt(delivered).error().kind, StoreErrorKind::kNotFound);
}

TEST_P(StoreContractTest, AttemptsRecordedTogetherFailAloneAndTheOthersStay) {
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

TEST_P(StoreContractTest, AMailboxShowsOnlyItsOwnersItems) {
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

TEST_P(StoreContractTest, AnAcknowledgedItemLeavesTheMailbox) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  ASSERT_TRUE(store_->AcknowledgeMailboxItem("la-derby", "m1-la-derby", kNow, {}).ok());
  EXPECT_TRUE(store_->AcknowledgeMailboxItem("la-derby", "m1-la-derby", kNow, {}).ok());
  EXPECT_TRUE(store_->ListMailbox("la-derby", {.limit = 10, .after = std::nullopt})->empty());
  EXPECT_EQ(store_->FetchMailboxItem("la-derby", "m1-la-derby", {}).error().kind,
            StoreErrorKind::kNotFound);
  EXPECT_EQ(store_->GetMessageStatus("police-derbys", "m1")->recipients[0].state,
            DeliveryState::kAcked);
}

TEST_P(StoreContractTest, MessageStatusIsOnlyForItsSender) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  EXPECT_TRUE(store_->GetMessageStatus("police-derbys", "m1").ok());
  EXPECT_EQ(store_->GetMessageStatus("la-derby", "m1").error().kind, StoreErrorKind::kNotFound);
}

TEST_P(StoreContractTest, NamesTheSenderOfAStoredMessageOnly) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  auto sender = store_->FindMessageSender("m1");
  ASSERT_TRUE(sender.ok());
  EXPECT_EQ(*sender, std::optional<std::string>("police-derbys"));
  auto none = store_->FindMessageSender("m-unknown");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_P(StoreContractTest, ListsOnlyUnacknowledgedMailboxItemsOlderThanTheCutOff) {
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

TEST_P(StoreContractTest, AppendsStandaloneAuditRecordsToTheChain) {
  ASSERT_TRUE(store_
                  ->RecordAudit({{"config_reloaded", R"({"component":"policies"})"},
                                 {"key_rotated", R"({"action":"added"})"}},
                                kNow)
                  .ok());
  std::vector<std::string> kinds;
  for (const StoreBackend::AuditRow& row : backend_->AuditRows()) kinds.push_back(row.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"config_reloaded", "key_rotated"}));
}

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
TEST_P(StoreContractTest, ArmsTimersWithTheirMessageOrNotAtAll) {
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

TEST_P(StoreContractTest, ReArmingMovesAnArmedTimerAndNeverRevivesACancelledOne) {
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

// The escalation message `id` that timer `timer_id` raises at `at`.
Acceptance Escalation(const std::string& id, const std::string& timer_id, model::Timestamp at) {
  Acceptance e;
  e.message = {id,           "la-derby",   "timer:t-" + id,
               "canonical",  "escalation", std::nullopt,
               std::nullopt, at,           R"({"kind":"escalation"})",
               R"({})",      std::nullopt};
  e.fires_timer = timer_id;
  e.deliveries.push_back(Delivery{id + "-d", id, "la-derby", "la-derby|x", DeliveryMode::kMailbox,
                                  "canonical", "application/json", "isa-derby", "{}"});
  e.audit.push_back({"timer_fired", "{}"});
  return e;
}

// Firing is the commit of the escalation that names the timer: the second
// one is refused whole, so a timer raises one message however often claimed.
TEST_P(StoreContractTest, ATimerFiresOnceAndItsSecondFiringChangesNothing) {
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

  ASSERT_TRUE(store_->Commit(Escalation("e1", "t", t0 + 73h)).ok());
  const int audit = Count("audit");
  auto twice = store_->Commit(Escalation("e2", "t", t0 + 73h));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().kind, StoreErrorKind::kDuplicate);
  EXPECT_EQ(Count("messages WHERE kind = 'escalation'"), 1);
  EXPECT_EQ(Count("outbox WHERE message_id = 'e2'"), 0);
  EXPECT_EQ(Count("audit"), audit);
  EXPECT_EQ(States(*store_)["t"], TimerState::kFired);
  EXPECT_TRUE(store_->ClaimDueTimers(t0 + 100h, t0 + 101h, 10)->empty());
}

TEST_P(StoreContractTest, AFailedTimerIsAuditedAndNotClaimedAgain) {
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

TEST_P(StoreContractTest, CountsAChildsEpisodesThatBeganInAWindow) {
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

TEST_P(StoreContractTest, LoadsAStoredMessagesCanonicalFormOnly) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  EXPECT_EQ(*store_->LoadMessageCanonical("m1"), R"({"child":{"forename":"Zephyrine"}})");
  auto missing = store_->LoadMessageCanonical("m9");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, StoreErrorKind::kNotFound);
}

// What a report reads: the episodes an agency hosts, placed or reported
// that went missing in the period, with their messages (and the placement
// notifications that linked the child) opened, and when the police's
// missing reports became each recipient's to read.
TEST_P(StoreContractTest, ReportRecordsAreAnAgencysEpisodesInThePeriodWithTheirMessages) {
  Acceptance placement;
  placement.message.id = "p1";
  placement.message.sender = "la-staffordshire";
  placement.message.idempotency_key = "key-p1";
  placement.message.format = "council-xml";
  placement.message.kind = "placement_notified";
  placement.message.received_at = sys_days{2026y / November / 1} + 9h;
  placement.message.canonical_json = R"({"placement":{}})";
  placement.message.answer_json = "{}";
  placement.child_link = ChildLink{"child-key-1", "la-staffordshire", "la-derby", "p1"};
  placement.audit.push_back(AuditRecord{"message_accepted", R"({"message_id":"p1"})"});
  ASSERT_TRUE(store_->Commit(placement).ok());

  Acceptance derby = MissingReportOf("m1", "DB/21/2026/004512");
  ASSERT_TRUE(store_->Commit(derby).ok());
  // Another force's episode hosted elsewhere, at the same time.
  Acceptance notts = MissingReportOf("m2", "NT/21/2026/000001");
  notts.message.sender = "police-notts";
  notts.episode->child_key = "child-key-2";
  notts.episode->host_la = "la-nottingham";
  notts.episode->placing_la = std::nullopt;
  notts.deliveries[0].id = "m2-la-nottingham";
  notts.deliveries[0].recipient = "la-nottingham";
  ASSERT_TRUE(store_->Commit(notts).ok());
  // A later Derby episode, a month on.
  Acceptance later = MissingReportOf("m3", "DB/21/2026/000003");
  later.message.received_at += days(30);
  later.episode->missing_since = later.message.received_at - 2h;
  ASSERT_TRUE(store_->Commit(later).ok());

  const model::Timestamp since = derby.message.received_at - 2h;
  auto records = store_->LoadReportRecords({"la-derby", since - 24h, since + 24h});
  ASSERT_TRUE(records.ok()) << records.error().detail;
  ASSERT_EQ(records->episodes.size(), 1u);
  const ReportRecords::Episode& e = records->episodes[0];
  EXPECT_EQ(e.police_ref, "DB/21/2026/004512");
  EXPECT_EQ(e.state, "missing");
  EXPECT_EQ(e.child_key, "child-key-1");
  EXPECT_EQ(e.host_la, "la-derby");
  EXPECT_EQ(e.placing_la, "la-staffordshire");
  EXPECT_EQ(e.missing_since, since);
  ASSERT_EQ(records->messages.size(), 2u);
  EXPECT_EQ(records->messages[0].id, "p1") << "oldest first";
  EXPECT_EQ(records->messages[0].episode_ref, std::nullopt);
  EXPECT_EQ(records->messages[0].canonical_json, R"({"placement":{}})");
  EXPECT_EQ(records->messages[1].id, "m1");
  EXPECT_EQ(records->messages[1].sender, "police-derbys");
  EXPECT_EQ(records->messages[1].kind, "missing_reported");
  EXPECT_EQ(records->messages[1].episode_ref, "DB/21/2026/004512");
  EXPECT_EQ(records->messages[1].received_at, derby.message.received_at);
  EXPECT_EQ(records->messages[1].canonical_json, R"({"child":{"forename":"Zephyrine"}})");
  ASSERT_EQ(records->copies.size(), 1u);
  EXPECT_EQ(records->copies[0].message_id, "m1");
  EXPECT_EQ(records->copies[0].recipient, "la-derby");
  EXPECT_EQ(records->copies[0].at, derby.message.received_at);

  // The placing LA and the reporting force see it too; others do not.
  const auto episodes_of = [&](const std::string& agency, model::Timestamp from,
                               model::Timestamp to) {
    std::vector<std::string> refs;
    auto loaded = store_->LoadReportRecords({agency, from, to});
    EXPECT_TRUE(loaded.ok());
    if (loaded.ok()) {
      for (const auto& episode : loaded->episodes) refs.push_back(episode.police_ref);
    }
    return refs;
  };
  using Refs = std::vector<std::string>;
  EXPECT_EQ(episodes_of("la-staffordshire", since - 24h, since + 24h), Refs{"DB/21/2026/004512"});
  EXPECT_EQ(episodes_of("police-derbys", since - 24h, since + 24h), Refs{"DB/21/2026/004512"});
  EXPECT_EQ(episodes_of("la-nottingham", since - 24h, since + 24h), Refs{"NT/21/2026/000001"});
  EXPECT_EQ(episodes_of("la-leicester", since - 24h, since + 24h), Refs{});
  EXPECT_EQ(episodes_of("la-derby", since + 24h, since + days(60)), Refs{"DB/21/2026/000003"});
}

// What a killed gateway had claimed is claimed again at once after
// ReleaseLeases; what was delivered is never claimed again.
TEST_P(StoreContractTest, ReleasedLeasesAreClaimedAgainAtOnceAndDeliveredCopiesNever) {
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

// The console's view of the outbox (operators): per-recipient queues, dead
// copies, and replaying one.

// A copy of message `id` (an episode of its own, `ref`) to `recipient`,
// accepted at `at`.
Acceptance CopyTo(const std::string& id, const std::string& ref, const std::string& recipient,
                  DeliveryMode mode, model::Timestamp at) {
  Acceptance a = MissingReportOf(id, ref);
  a.message.received_at = at;
  a.deliveries[0].id = id + "-" + recipient;
  a.deliveries[0].recipient = recipient;
  a.deliveries[0].ordering_key = recipient + "|" + ref;
  a.deliveries[0].mode = mode;
  return a;
}

AttemptOutcome Delivered(const std::string& delivery_id, model::Timestamp at) {
  return {AttemptOutcome::Kind::kDelivered, delivery_id, at, {}, "", {}, {}};
}

TEST_P(StoreContractTest, RecipientQueuesCountEachRecipientsCopiesByState) {
  const model::Timestamp t0 = sys_days{2026y / November / 22} + 9h;
  // la-derby: one copy waiting in its mailbox, one fetched and acknowledged.
  ASSERT_TRUE(store_->Commit(CopyTo("d1", "DB/1", "la-derby", DeliveryMode::kMailbox, t0)).ok());
  ASSERT_TRUE(store_->Commit(CopyTo("d2", "DB/2", "la-derby", DeliveryMode::kMailbox, t0)).ok());
  ASSERT_TRUE(store_->AcknowledgeMailboxItem("la-derby", "d2-la-derby", kNow + 5min, {}).ok());
  // la-staffordshire: two pushed, the later one recorded first; two still
  // to be pushed, one of them retried.
  const std::string staffs = "la-staffordshire";
  ASSERT_TRUE(store_->Commit(CopyTo("s1", "DB/3", staffs, DeliveryMode::kPush, t0)).ok());
  ASSERT_TRUE(store_->Commit(CopyTo("s2", "DB/4", staffs, DeliveryMode::kPush, t0)).ok());
  ASSERT_TRUE(store_->Commit(CopyTo("s3", "DB/5", staffs, DeliveryMode::kPush, t0 + 1h)).ok());
  ASSERT_TRUE(store_->Commit(CopyTo("s4", "DB/6", staffs, DeliveryMode::kPush, t0 + 2h)).ok());
  ASSERT_TRUE(store_->RecordAttempt(Delivered("s2-la-staffordshire", kNow + 1h)).ok());
  ASSERT_TRUE(store_->RecordAttempt(Delivered("s1-la-staffordshire", kNow + 10min)).ok());
  ASSERT_TRUE(store_
                  ->RecordAttempt({AttemptOutcome::Kind::kRetry,
                                   "s3-la-staffordshire",
                                   kNow,
                                   kNow + 60s,
                                   "http_503",
                                   {},
                                   {}})
                  .ok());

  auto queues = store_->ListRecipientQueues();
  ASSERT_TRUE(queues.ok()) << queues.error().detail;
  ASSERT_EQ(queues->size(), 2u);
  const RecipientQueue& derby = (*queues)[0];
  EXPECT_EQ(derby.recipient, "la-derby") << "by recipient id";
  EXPECT_EQ(derby.pending, 0);
  EXPECT_EQ(derby.oldest_pending, std::nullopt);
  EXPECT_EQ(derby.available, 1);
  EXPECT_EQ(derby.dead, 0);
  EXPECT_EQ(derby.last_delivered, kNow + 5min) << "acknowledged from the mailbox";
  const RecipientQueue& staffordshire = (*queues)[1];
  EXPECT_EQ(staffordshire.recipient, staffs);
  EXPECT_EQ(staffordshire.pending, 2);
  EXPECT_EQ(staffordshire.oldest_pending, t0 + 1h);
  EXPECT_EQ(staffordshire.available, 0);
  EXPECT_EQ(staffordshire.dead, 0);
  EXPECT_EQ(staffordshire.last_delivered, kNow + 1h) << "the newest, not the last recorded";
}

TEST_P(StoreContractTest, NoCopiesNoQueuesAndNoDeadLetters) {
  auto queues = store_->ListRecipientQueues();
  ASSERT_TRUE(queues.ok()) << queues.error().detail;
  EXPECT_TRUE(queues->empty());
  auto letters = store_->ListDeadLetters(10);
  ASSERT_TRUE(letters.ok()) << letters.error().detail;
  EXPECT_TRUE(letters->empty());
}

TEST_P(StoreContractTest, DeadLettersAreListedNewestFirstUpToTheLimit) {
  const model::Timestamp t0 = sys_days{2026y / November / 22} + 9h;
  ASSERT_TRUE(store_->Commit(CopyTo("s1", "DB/1", "la-stoke", DeliveryMode::kPush, t0)).ok());
  ASSERT_TRUE(store_->Commit(CopyTo("s2", "DB/2", "la-stoke", DeliveryMode::kPush, t0)).ok());
  ASSERT_TRUE(store_->Commit(CopyTo("s3", "DB/3", "la-stoke", DeliveryMode::kPush, t0)).ok());
  ASSERT_TRUE(store_->RecordAttempt(Delivered("s2-la-stoke", kNow)).ok());
  for (const char* id : {"s1-la-stoke", "s3-la-stoke"}) {
    ASSERT_TRUE(
        store_->RecordAttempt({AttemptOutcome::Kind::kDead, id, kNow, {}, "http_410", {}, {}})
            .ok());
  }
  const auto ids = [&](std::size_t limit) {
    std::vector<std::string> listed;
    auto letters = store_->ListDeadLetters(limit);
    EXPECT_TRUE(letters.ok());
    if (letters.ok()) {
      for (const DeadLetter& d : *letters) listed.push_back(d.delivery_id);
    }
    return listed;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids(10), (Ids{"s3-la-stoke", "s1-la-stoke"}));
  EXPECT_EQ(ids(1), Ids{"s3-la-stoke"});
  EXPECT_EQ(ids(0), Ids{});
  EXPECT_EQ(ids(std::numeric_limits<std::size_t>::max()), (Ids{"s3-la-stoke", "s1-la-stoke"}));
  EXPECT_EQ(store_->ListRecipientQueues()->front().dead, 2);
}

// A pushed copy given up on is listed with why, replayed once as a new copy
// of the same payload, and the replay is audited with it.
TEST_P(StoreContractTest, ADeadCopyIsReplayedOnceAsANewCopyOfTheSamePayload) {
  const Acceptance accepted = PushRecord("m1", 1);
  ASSERT_TRUE(store_->Commit(accepted).ok());
  const std::string dead_id = "m1-la-staffordshire";
  ASSERT_EQ(store_->ClaimDueDeliveries(kNow, kNow + 30s, 10)->size(), 1u);
  ASSERT_TRUE(store_
                  ->RecordAttempt({AttemptOutcome::Kind::kDead,
                                   dead_id,
                                   kNow,
                                   {},
                                   "gave up after 5 days",
                                   {},
                                   {{"delivery_dead", "{}"}}})
                  .ok());

  auto letters = store_->ListDeadLetters(10);
  ASSERT_TRUE(letters.ok()) << letters.error().detail;
  ASSERT_EQ(letters->size(), 1u);
  const DeadLetter& dead = letters->front();
  EXPECT_EQ(dead.delivery_id, dead_id);
  EXPECT_EQ(dead.message_id, "m1");
  EXPECT_EQ(dead.recipient, "la-staffordshire");
  EXPECT_EQ(dead.format, "council-xml");
  EXPECT_EQ(dead.attempts, 1);
  EXPECT_EQ(dead.last_error, "gave up after 5 days");
  EXPECT_EQ(dead.created_at, accepted.message.received_at);
  EXPECT_EQ(dead.finished_at, kNow);
  EXPECT_EQ(dead.replayed_as, std::nullopt);
  auto queues = store_->ListRecipientQueues();
  ASSERT_TRUE(queues.ok()) << queues.error().detail;
  ASSERT_EQ(queues->size(), 1u);
  EXPECT_EQ(queues->front().dead, 1);
  EXPECT_EQ(queues->front().pending, 0);

  const int audit_before = VerifiedAuditEntries();
  const model::Timestamp replayed_at = kNow + 1h;
  const std::string new_id = "m1-la-staffordshire-replay-1";
  auto replayed = store_->ReplayDeadLetter(dead_id, new_id, replayed_at,
                                           {{"dead_letter_replayed", R"({"operator":"ops-1"})"}});
  ASSERT_TRUE(replayed.ok()) << replayed.error().detail;
  EXPECT_EQ(*replayed, new_id);
  EXPECT_EQ(VerifiedAuditEntries(), audit_before + 1);
  const auto rows = backend_->AuditRows();
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().kind, "dead_letter_replayed");
  EXPECT_EQ(rows.back().body, R"({"operator":"ops-1"})");
  EXPECT_EQ(rows.back().at, replayed_at.time_since_epoch().count());

  // Due when replayed, not before; the same payload under the new id.
  EXPECT_TRUE(store_->ClaimDueDeliveries(replayed_at - 1s, replayed_at + 30s, 10)->empty());
  auto claimed = store_->ClaimDueDeliveries(replayed_at, replayed_at + 30s, 10);
  ASSERT_TRUE(claimed.ok()) << claimed.error().detail;
  ASSERT_EQ(claimed->size(), 1u);
  const ClaimedDelivery& copy = claimed->front();
  EXPECT_EQ(copy.delivery.id, new_id);
  EXPECT_EQ(copy.delivery.message_id, "m1");
  EXPECT_EQ(copy.delivery.recipient, "la-staffordshire");
  EXPECT_EQ(copy.delivery.ordering_key, "la-staffordshire|DB/21/2026/004512");
  EXPECT_EQ(copy.delivery.format, "council-xml");
  EXPECT_EQ(copy.delivery.content_type, "application/vnd.isagw.council+xml");
  EXPECT_EQ(copy.delivery.scope, "isa-derby");
  EXPECT_EQ(copy.delivery.payload, "<Forename>Zephyrine</Forename>");
  EXPECT_EQ(copy.attempts, 0);
  EXPECT_EQ(copy.created_at, replayed_at);

  // Once only: asked again (with another id), it answers the first replay's.
  const int outbox = Count("outbox");
  auto again = store_->ReplayDeadLetter(dead_id, "m1-la-staffordshire-replay-2", kNow + 2h,
                                        {{"dead_letter_replayed", "{}"}});
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(*again, new_id);
  EXPECT_EQ(Count("outbox"), outbox);
  EXPECT_EQ(VerifiedAuditEntries(), audit_before + 1);

  letters = store_->ListDeadLetters(10);
  ASSERT_TRUE(letters.ok()) << letters.error().detail;
  ASSERT_EQ(letters->size(), 1u);
  EXPECT_EQ(letters->front().replayed_as, new_id);
  queues = store_->ListRecipientQueues();
  ASSERT_TRUE(queues.ok()) << queues.error().detail;
  ASSERT_EQ(queues->size(), 1u);
  EXPECT_EQ(queues->front().dead, 0) << "replayed: no longer the operators' to act on";
  EXPECT_EQ(queues->front().pending, 1);
  EXPECT_EQ(queues->front().oldest_pending, replayed_at);

  // Only a dead copy is replayed.
  for (const std::string& id : {new_id, std::string("no-such-copy")}) {
    auto refused = store_->ReplayDeadLetter(id, "another", kNow + 3h, {{"x", "{}"}});
    ASSERT_FALSE(refused.ok()) << id;
    EXPECT_EQ(refused.error().kind, StoreErrorKind::kNotFound) << id;
  }
  EXPECT_EQ(Count("outbox"), outbox);
  EXPECT_EQ(VerifiedAuditEntries(), audit_before + 1);
}

// A mailbox copy left unacknowledged past its horizon goes back to the
// mailbox when replayed.
TEST_P(StoreContractTest, AReplayedExpiredMailboxCopyIsInTheMailboxAgain) {
  ASSERT_TRUE(store_->Commit(MissingReport("m1", 1, 0)).ok());
  AttemptOutcome expired;
  expired.kind = AttemptOutcome::Kind::kExpired;
  expired.delivery_id = "m1-la-derby";
  expired.at = kNow;
  expired.error = "mailbox_unacknowledged";
  ASSERT_TRUE(store_->RecordAttempt(expired).ok());
  ASSERT_EQ(store_->ListDeadLetters(10)->size(), 1u);
  EXPECT_EQ(store_->ListDeadLetters(10)->front().attempts, 0);
  EXPECT_EQ(store_->ListDeadLetters(10)->front().last_error, "mailbox_unacknowledged");

  auto replayed = store_->ReplayDeadLetter("m1-la-derby", "m1-la-derby-r", kNow + 1h, {});
  ASSERT_TRUE(replayed.ok()) << replayed.error().detail;
  auto mailbox = store_->ListMailbox("la-derby", {.limit = 10, .after = std::nullopt});
  ASSERT_TRUE(mailbox.ok());
  ASSERT_EQ(mailbox->size(), 1u);
  EXPECT_EQ(mailbox->front().delivery_id, "m1-la-derby-r");
  EXPECT_EQ(mailbox->front().created_at, kNow + 1h);
  auto item = store_->FetchMailboxItem("la-derby", "m1-la-derby-r", {});
  ASSERT_TRUE(item.ok()) << item.error().detail;
  EXPECT_EQ(item->payload, "<Forename>Zephyrine</Forename>");
  EXPECT_TRUE(store_->ClaimDueDeliveries(kNow + 2h, kNow + 3h, 10)->empty()) << "never pushed";
  auto queues = store_->ListRecipientQueues();
  ASSERT_TRUE(queues.ok());
  ASSERT_EQ(queues->size(), 1u);
  EXPECT_EQ(queues->front().available, 1);
  EXPECT_EQ(queues->front().dead, 0);
}

// A dead copy whose payload was shredded has nothing to replay: the replay
// fails as opening it does, and changes nothing.
TEST_P(StoreContractTest, AShreddedDeadCopyIsNotReplayed) {
  ASSERT_TRUE(store_->Commit(PushRecord("m1", 1)).ok());
  ASSERT_TRUE(
      store_
          ->RecordAttempt(
              {AttemptOutcome::Kind::kDead, "m1-la-staffordshire", kNow, {}, "http_410", {}, {}})
          .ok());
  ASSERT_EQ(backend_->Execute("UPDATE outbox SET payload = NULL, payload_key = NULL WHERE id = "
                              "'m1-la-staffordshire'"),
            1);
  const int audit_before = Count("audit");
  auto replayed =
      store_->ReplayDeadLetter("m1-la-staffordshire", "m1-r", kNow + 1h, {{"replayed", "{}"}});
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.error().kind, StoreErrorKind::kSealing);
  EXPECT_EQ(Count("outbox"), 1);
  EXPECT_EQ(Count("audit"), audit_before);
  EXPECT_EQ(store_->ListDeadLetters(10)->front().replayed_as, std::nullopt);
  EXPECT_EQ(store_->ListRecipientQueues()->front().dead, 1);
}

// Several processes (or replicas) on one database: a second store opened on
// it stands for another process. What one claims the other leaves alone
// until the lease runs out, and their commits share one audit chain.

// A pushed copy of an episode of its own (`ref`), so of an ordering key of its own.
Acceptance PushRecordOf(const std::string& id, const std::string& ref) {
  Acceptance a = MissingReportOf(id, ref);
  a.deliveries[0].mode = DeliveryMode::kPush;
  return a;
}

TEST_P(StoreContractTest,
       ADeliveryClaimedThroughOneStoreIsNotClaimedThroughAnotherUntilItsLeaseEnds) {
  ASSERT_NO_FATAL_FAILURE(OpenOther());
  ASSERT_TRUE(store_->Commit(PushRecord("m1", 1)).ok());
  ASSERT_EQ(store_->ClaimDueDeliveries(kNow, kNow + 30s, 10)->size(), 1u);
  EXPECT_TRUE(other_->ClaimDueDeliveries(kNow, kNow + 60s, 10)->empty());
  EXPECT_TRUE(other_->ClaimDueDeliveries(kNow + 29s, kNow + 60s, 10)->empty());
  // The first process died: once its lease runs out the other takes the copy...
  auto taken = other_->ClaimDueDeliveries(kNow + 30s, kNow + 60s, 10);
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ(taken->front().delivery.id, "m1-la-staffordshire");
  EXPECT_EQ(taken->front().delivery.payload, "<Forename>Zephyrine</Forename>");
  // ...and holds it in turn.
  EXPECT_TRUE(store_->ClaimDueDeliveries(kNow + 31s, kNow + 90s, 10)->empty());
  ASSERT_TRUE(
      other_
          ->RecordAttempt(
              {AttemptOutcome::Kind::kDelivered, "m1-la-staffordshire", kNow + 31s, {}, "", {}, {}})
          .ok());
  EXPECT_EQ(store_->GetMessageStatus("police-derbys", "m1")->recipients[0].state,
            DeliveryState::kDelivered);
  EXPECT_TRUE(store_->ClaimDueDeliveries(kNow + 90s, kNow + 120s, 10)->empty());
}

TEST_P(StoreContractTest, ATimerClaimedThroughOneStoreIsNotClaimedThroughAnotherWhileLeased) {
  ASSERT_NO_FATAL_FAILURE(OpenOther());
  Acceptance a = MissingReport("m1", 1, 0);
  const auto t0 = a.message.received_at;
  a.arm_timers.push_back(MakeTimer("t", "long_missing", t0 + 72h, "m1"));
  ASSERT_TRUE(store_->Commit(a).ok());

  ASSERT_EQ(store_->ClaimDueTimers(t0 + 72h, t0 + 73h, 10)->size(), 1u);
  EXPECT_TRUE(other_->ClaimDueTimers(t0 + 72h, t0 + 74h, 10)->empty());
  EXPECT_TRUE(other_->ClaimDueTimers(t0 + 72h + 59min, t0 + 74h, 10)->empty());
  // The first lease ran out: the other takes the timer, and holds it in turn.
  auto taken = other_->ClaimDueTimers(t0 + 73h, t0 + 74h, 10);
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ(taken->front().timer.id, "t");
  EXPECT_EQ(taken->front().attempts, 1);
  EXPECT_TRUE(store_->ClaimDueTimers(t0 + 73h + 1min, t0 + 75h, 10)->empty());
  // The first was only slow, not dead, and fires it too: one escalation stands.
  ASSERT_TRUE(other_->Commit(Escalation("e1", "t", t0 + 73h)).ok());
  auto late = store_->Commit(Escalation("e2", "t", t0 + 73h));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().kind, StoreErrorKind::kDuplicate);
  EXPECT_EQ(Count("messages WHERE kind = 'escalation'"), 1);
  EXPECT_EQ(States(*store_)["t"], TimerState::kFired);
}

TEST_P(StoreContractTest, CommitsFromThreadsThroughTwoStoresAllLandOnOneUnbrokenAuditChain) {
  ASSERT_NO_FATAL_FAILURE(OpenOther());
  constexpr int kThreads = 8;  // half through each store
  constexpr int kEach = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::mutex first_error_mutex;
  std::string first_error;
  // In rounds, every thread once a round, so that the stores' commits
  // interleave on the chain: left alone, one store makes nearly all its
  // commits before the other gets the database (SQLite's busy handler
  // backs off), and the chain would hardly change hands.
  std::barrier round(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    Store* store = t % 2 == 0 ? store_.get() : other_.get();
    threads.emplace_back([&, store, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string n = std::to_string(t * kEach + i);
        auto committed = store->Commit(MissingReportOf("m" + n, "DB/21/2026/" + n));
        if (!committed.ok()) {
          ++failures;
          std::lock_guard lock(first_error_mutex);
          if (first_error.empty()) first_error = committed.error().detail;
        }
        round.arrive_and_wait();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0) << first_error;
  EXPECT_EQ(Count("messages"), kThreads * kEach);
  EXPECT_EQ(Count("outbox"), kThreads * kEach);
  EXPECT_EQ(VerifiedAuditEntries(), 2 * kThreads * kEach);
}

TEST_P(StoreContractTest, WorkersClaimingThroughTwoStoresAtOnceNeverShareACopy) {
  ASSERT_NO_FATAL_FAILURE(OpenOther());
  constexpr int kCopies = 80;
  std::vector<Acceptance> acceptances;
  for (int n = 0; n < kCopies; ++n) {
    acceptances.push_back(PushRecordOf("m" + std::to_string(n), "DB/21/2026/" + std::to_string(n)));
  }
  std::vector<const Acceptance*> group;
  for (const Acceptance& a : acceptances) group.push_back(&a);
  for (const auto& committed : store_->CommitAll(group)) ASSERT_TRUE(committed.ok());

  constexpr int kWorkers = 4;  // half through each store
  std::vector<std::vector<std::string>> claimed(kWorkers);
  std::atomic<int> failures{0};
  // Claims in rounds, every worker once a round: left alone, the first
  // worker to get the database claims everything before the others' first
  // try (SQLite's busy handler backs off), and nothing races.
  std::barrier round(kWorkers);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    Store* store = w % 2 == 0 ? store_.get() : other_.get();
    workers.emplace_back([&, store, w] {
      for (;;) {
        auto batch = store->ClaimDueDeliveries(kNow, kNow + 5min, 2);
        if (!batch.ok()) ++failures;
        if (!batch.ok() || batch->empty()) {
          round.arrive_and_drop();
          return;
        }
        for (const ClaimedDelivery& c : *batch) claimed[w].push_back(c.delivery.id);
        round.arrive_and_wait();
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(failures, 0);
  std::size_t handed_out = 0;
  std::set<std::string> distinct;
  for (const auto& ids : claimed) {
    EXPECT_FALSE(ids.empty()) << "every worker took part, so the claims raced";
    handed_out += ids.size();
    distinct.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(distinct.size(), std::size_t{kCopies});
  EXPECT_EQ(handed_out, std::size_t{kCopies}) << "a copy was claimed by two workers";
  EXPECT_TRUE(store_->ClaimDueDeliveries(kNow + 1s, kNow + 5min, 10)->empty());
  EXPECT_TRUE(other_->ClaimDueDeliveries(kNow + 1s, kNow + 5min, 10)->empty());
}

// The console's alerts awaiting action (coordinators) and its list of
// non-delivery notices (operators).

// `a` with an urgent deadline of `kind` on its only copy, due at `due`.
Acceptance WithUrgentDeadline(Acceptance a, const std::string& kind, model::Timestamp due) {
  const std::string& copy = a.deliveries[0].id;
  a.arm_timers.push_back(Timer{copy + "|urgent|0", copy, kind, due,
                               R"({"reason":"alert_unacknowledged"})", a.message.id});
  return a;
}

TEST_P(StoreContractTest, UrgentCopiesAreTheRecipientsUnactionedOnesByDeadline) {
  const model::Timestamp t0 = sys_days{2026y / November / 22} + 9h;
  const std::string derby = "la-derby";
  // Listed: a mailbox copy and a push copy still to be pushed, each
  // watched by a deadline; the later deadline is committed first.
  ASSERT_TRUE(store_
                  ->Commit(WithUrgentDeadline(CopyTo("u2", "DB/2", derby, DeliveryMode::kPush, t0),
                                              "urgent_ack_transport", t0 + 31min))
                  .ok());
  ASSERT_TRUE(
      store_
          ->Commit(WithUrgentDeadline(CopyTo("u1", "DB/1", derby, DeliveryMode::kMailbox, t0),
                                      "urgent_ack_business", t0 + 30min))
          .ok());
  // Not listed: actioned; another recipient's; a deadline of another kind;
  // no deadline at all.
  ASSERT_TRUE(
      store_
          ->Commit(WithUrgentDeadline(CopyTo("u3", "DB/3", derby, DeliveryMode::kMailbox, t0),
                                      "urgent_ack_business", t0 + 30min))
          .ok());
  ASSERT_TRUE(
      store_->RecordAction(derby, "u3-la-derby", BusinessAction{"EDT", std::nullopt, t0 + 5min}, {})
          .ok());
  ASSERT_TRUE(
      store_
          ->Commit(WithUrgentDeadline(CopyTo("u4", "DB/4", "la-stoke", DeliveryMode::kMailbox, t0),
                                      "urgent_ack_business", t0 + 30min))
          .ok());
  ASSERT_TRUE(store_
                  ->Commit(WithUrgentDeadline(
                      CopyTo("u5", "DB/5", derby, DeliveryMode::kMailbox, t0), "rhi_due", t0 + 1h))
                  .ok());
  ASSERT_TRUE(store_->Commit(CopyTo("u6", "DB/6", derby, DeliveryMode::kMailbox, t0)).ok());

  const auto ids = [&](model::Timestamp fired_since, std::size_t limit) {
    std::vector<std::string> listed;
    auto copies = store_->ListUrgentCopies(derby, fired_since, limit);
    EXPECT_TRUE(copies.ok()) << (copies.ok() ? "" : copies.error().detail);
    if (copies.ok()) {
      for (const UrgentCopy& c : *copies) listed.push_back(c.delivery_id);
    }
    return listed;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids(t0, 10), (Ids{"u1-la-derby", "u2-la-derby"})) << "by due time";
  EXPECT_EQ(ids(t0, 1), Ids{"u1-la-derby"});
  EXPECT_EQ(ids(t0, 0), Ids{});

  auto copies = store_->ListUrgentCopies(derby, t0, 10);
  ASSERT_TRUE(copies.ok()) << copies.error().detail;
  ASSERT_EQ(copies->size(), 2u);
  const UrgentCopy& mailbox = (*copies)[0];
  EXPECT_EQ(mailbox.message_id, "u1");
  EXPECT_EQ(mailbox.recipient, derby);
  EXPECT_EQ(mailbox.state, DeliveryState::kAvailable);
  EXPECT_EQ(mailbox.created_at, t0);
  EXPECT_EQ(mailbox.message_kind, "missing_reported");
  EXPECT_EQ(mailbox.episode_ref, "DB/1");
  EXPECT_EQ(mailbox.deadline.timer.id, "u1-la-derby|urgent|0");
  EXPECT_EQ(mailbox.deadline.timer.subject, "u1-la-derby");
  EXPECT_EQ(mailbox.deadline.timer.kind, "urgent_ack_business");
  EXPECT_EQ(mailbox.deadline.timer.due_at, t0 + 30min);
  EXPECT_EQ(mailbox.deadline.timer.spec_json, R"({"reason":"alert_unacknowledged"})");
  EXPECT_EQ(mailbox.deadline.timer.source_message_id, "u1");
  EXPECT_EQ(mailbox.deadline.state, TimerState::kArmed);
  EXPECT_EQ(mailbox.deadline.finished_at, std::nullopt);
  const UrgentCopy& push = (*copies)[1];
  EXPECT_EQ(push.state, DeliveryState::kPending);
  EXPECT_EQ(push.deadline.timer.kind, "urgent_ack_transport");

  // A deadline that fired (escalated) is listed while it is recent enough
  // for the caller; acting on the copy takes it off the list.
  ASSERT_TRUE(store_->FireTimerWithDeliveries("u1-la-derby|urgent|0", t0 + 30min, {}, {}, {}).ok());
  copies = store_->ListUrgentCopies(derby, t0 + 30min, 10);
  ASSERT_TRUE(copies.ok()) << copies.error().detail;
  ASSERT_EQ(copies->size(), 2u);
  EXPECT_EQ(copies->front().deadline.state, TimerState::kFired);
  EXPECT_EQ(copies->front().deadline.finished_at, t0 + 30min);
  EXPECT_EQ(ids(t0 + 31min, 10), Ids{"u2-la-derby"});
  ASSERT_TRUE(
      store_
          ->RecordAction(derby, "u1-la-derby", BusinessAction{"EDT", std::nullopt, t0 + 40min}, {})
          .ok());
  EXPECT_EQ(ids(t0, 10), Ids{"u2-la-derby"});
  EXPECT_EQ(ids(t0, 10), ids(t0, std::numeric_limits<std::size_t>::max()));
}

TEST_P(StoreContractTest, CopiesOfAFormatAreListedNewestFirstWithTheirPayloadOpened) {
  const model::Timestamp t0 = sys_days{2026y / November / 22} + 9h;
  for (const char* id : {"n1", "n2", "n3"}) {
    Acceptance a = CopyTo(id, std::string("DB/") + id, "police-derbys", DeliveryMode::kMailbox, t0);
    a.deliveries[0].format = "problem";
    a.deliveries[0].content_type = "application/problem+json";
    a.deliveries[0].payload = std::string(R"({"delivery_id":")") + id + R"("})";
    ASSERT_TRUE(store_->Commit(a).ok());
  }
  ASSERT_TRUE(store_->Commit(CopyTo("x1", "DB/x1", "la-derby", DeliveryMode::kMailbox, t0)).ok());
  ASSERT_TRUE(
      store_->AcknowledgeMailboxItem("police-derbys", "n2-police-derbys", t0 + 1h, {}).ok());

  auto copies = store_->ListCopiesOfFormat("problem", 10);
  ASSERT_TRUE(copies.ok()) << copies.error().detail;
  ASSERT_EQ(copies->size(), 3u);
  EXPECT_EQ((*copies)[0].delivery.id, "n3-police-derbys") << "the newest first";
  EXPECT_EQ((*copies)[2].delivery.id, "n1-police-derbys");
  const CopyRecord& acked = (*copies)[1];
  EXPECT_TRUE(acked.opened);
  EXPECT_EQ(acked.delivery.message_id, "n2");
  EXPECT_EQ(acked.delivery.recipient, "police-derbys");
  EXPECT_EQ(acked.delivery.format, "problem");
  EXPECT_EQ(acked.delivery.content_type, "application/problem+json");
  EXPECT_EQ(acked.delivery.payload, R"({"delivery_id":"n2"})");
  EXPECT_EQ(acked.state, DeliveryState::kAcked);
  EXPECT_EQ(acked.created_at, t0);
  EXPECT_EQ(acked.finished_at, t0 + 1h);
  EXPECT_EQ((*copies)[0].state, DeliveryState::kAvailable);
  EXPECT_EQ((*copies)[0].finished_at, std::nullopt);

  auto one = store_->ListCopiesOfFormat("problem", 1);
  ASSERT_TRUE(one.ok()) << one.error().detail;
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->front().delivery.id, "n3-police-derbys");
  auto none = store_->ListCopiesOfFormat("no-such-format", 10);
  ASSERT_TRUE(none.ok()) << none.error().detail;
  EXPECT_TRUE(none->empty());
}

// Each backend runs every test above (all_backends.h).
INSTANTIATE_TEST_SUITE_P(Stores, StoreContractTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace isagw::store
