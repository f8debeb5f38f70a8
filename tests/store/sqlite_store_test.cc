#include "gateway/store/sqlite_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

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
  a.episode = EpisodeRecord{"DB/21/2026/004512", "missing", version, "child-key-1",
                            "la-staffordshire", "la-derby", R"({"risk":"high"})"};
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
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }
  int Count(const std::string& table) {
    auto db = SqliteDatabase::Open(path_);
    auto q = db->Prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(*q->Step());
    return static_cast<int>(q->ColumnInt(0));
  }

  std::filesystem::path path_;
  std::unique_ptr<SqliteStore> store_;
};

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
  auto db = SqliteDatabase::Open(path_);
  auto q = db->Prepare("SELECT seq, at, kind, body, prev_hash, hash FROM audit ORDER BY seq");
  audit::ChainHash previous = audit::kGenesisHash;
  int rows = 0;
  while (*q->Step()) {
    ++rows;
    EXPECT_EQ(q->ColumnInt(0), rows);
    const std::string prev = q->ColumnBlob(4);
    EXPECT_EQ(prev, std::string(previous.begin(), previous.end()));
    previous = audit::NextHash(previous, q->ColumnInt(0), q->ColumnInt(1), q->ColumnText(2),
                               q->ColumnText(3));
    const std::string hash = q->ColumnBlob(5);
    EXPECT_EQ(hash, std::string(previous.begin(), previous.end()));
  }
  EXPECT_EQ(rows, 4);
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

}  // namespace
}  // namespace isagw::store
