#include <gtest/gtest.h>

#include "audit_test_util.h"
#include "gateway/audit/audit_verifier.h"

namespace isagw::audit {
namespace {

using namespace test_util;

class VerifierTest : public ::testing::Test {
 protected:
  void Build(int messages, const std::vector<int>& checkpoints) {
    BuildStore(path_, messages, checkpoints, signer_);
  }
  VerifyOptions Trusting() const {
    VerifyOptions options;
    options.trusted_keys = {signer_.public_key()};
    return options;
  }
  void Execute(const std::string& sql) {
    auto db = store::SqliteDatabase::Open(path_);
    ASSERT_TRUE(db.ok());
    auto ran = db->Execute(sql);
    ASSERT_TRUE(ran.ok()) << ran.error().message;
  }

  ScratchDir dir_;
  std::filesystem::path path_ = dir_ / "gateway.db";
  CheckpointSigner signer_ = TestSigner();
};

TEST_F(VerifierTest, AnIntactLogVerifiesWithItsCheckpoints) {
  Build(10, {4, 10});
  const VerifyReport report = VerifyAuditLog(path_, Trusting());
  ASSERT_TRUE(report.ok()) << report.failure->reason;
  EXPECT_EQ(report.entries, 20);
  EXPECT_EQ(report.last_seq, 20);
  EXPECT_EQ(report.checkpoints, 2);
  EXPECT_EQ(report.last_signed_seq, std::optional<std::int64_t>(20));
  EXPECT_EQ(report.unsigned_entries, 0);
}

TEST_F(VerifierTest, CountsEntriesNoCheckpointCoversYet) {
  Build(10, {4});
  const VerifyReport report = VerifyAuditLog(path_, Trusting());
  ASSERT_TRUE(report.ok()) << report.failure->reason;
  EXPECT_EQ(report.last_signed_seq, std::optional<std::int64_t>(8));
  EXPECT_EQ(report.unsigned_entries, 12);
}

TEST_F(VerifierTest, ALogNoCheckpointCoversFailsUnlessAllowed) {
  Build(3, {});
  VerifyOptions options = Trusting();
  VerifyReport report = VerifyAuditLog(path_, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->code, "no_checkpoint");
  options.require_checkpoint = false;
  report = VerifyAuditLog(path_, options);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.unsigned_entries, 6);
}

TEST_F(VerifierTest, AMissingStoreIsUnreadableNotCreated) {
  const VerifyReport report = VerifyAuditLog(dir_ / "nothing.db", Trusting());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->code, "unreadable");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "nothing.db"));
}

TEST_F(VerifierTest, NamesTheFirstChangedEntry) {
  Build(10, {10});
  Execute("UPDATE audit SET body = replace(body, 'la-derby', 'la-notts') WHERE seq IN (7, 12)");
  const VerifyReport report = VerifyAuditLog(path_, Trusting());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->seq, std::optional<std::int64_t>(7));
  EXPECT_EQ(report.failure->code, "hash_mismatch");
  EXPECT_EQ(report.entries, 6);
}

TEST_F(VerifierTest, ARebuiltChainIsCaughtByTheCheckpoint) {
  Build(10, {5, 10});
  // An attacker who edits entry 12 and recomputes every hash after it.
  {
    auto log = SqliteAuditLog::Open(path_);
    ASSERT_TRUE(log.ok());
    std::vector<AuditRow> rows;
    ASSERT_TRUE(log->ForEachEntry([&](const AuditRow& row) {
                     rows.push_back(row);
                     return true;
                   })
                    .ok());
    ChainHash previous = *ChainHashFromBytes(rows[10].hash);
    for (std::size_t i = 11; i < rows.size(); ++i) {
      if (i == 11) rows[i].body += " ";
      const ChainHash hash =
          NextHash(previous, rows[i].seq, rows[i].at, rows[i].kind, rows[i].body);
      auto update = log->database().Prepare(
          "UPDATE audit SET body = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4");
      ASSERT_TRUE(update.ok());
      update->Bind(1, std::string_view(rows[i].body))
          .BindBlob(2, BytesOf(previous))
          .BindBlob(3, BytesOf(hash))
          .Bind(4, rows[i].seq);
      ASSERT_TRUE(update->Run().ok());
      previous = hash;
    }
  }
  const VerifyReport report = VerifyAuditLog(path_, Trusting());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->code, "checkpoint_mismatch");
  EXPECT_EQ(report.failure->seq, std::optional<std::int64_t>(20));
  EXPECT_EQ(report.failure->checkpoint, std::optional<std::int64_t>(2));
}

TEST_F(VerifierTest, TruncationIsCaughtAgainstTheLatestCheckpoint) {
  Build(10, {10});
  Execute("DELETE FROM audit WHERE seq > 15");
  const VerifyReport report = VerifyAuditLog(path_, Trusting());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->code, "truncated");
  EXPECT_EQ(report.failure->seq, std::optional<std::int64_t>(16));
}

TEST_F(VerifierTest, AHeadHeldOutsideCatchesTruncationWithItsCheckpointGone) {
  Build(10, {4, 10});
  auto log = SqliteAuditLog::Open(path_);
  ASSERT_TRUE(log.ok());
  auto latest = log->LatestCheckpoint();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  const SignedHead held = ParseSignedHead(ExportSignedHead((*latest)->head)).value();

  Execute("DELETE FROM audit_checkpoints WHERE id = 2; DELETE FROM audit WHERE seq > 12");
  VerifyOptions options = Trusting();
  EXPECT_TRUE(VerifyAuditLog(path_, options).ok()) << "without the held head this is invisible";
  options.external_head = held;
  const VerifyReport report = VerifyAuditLog(path_, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->code, "truncated");
  EXPECT_EQ(report.failure->seq, std::optional<std::int64_t>(13));
}

TEST_F(VerifierTest, AHeadHeldOutsideMustMatchTheLog) {
  Build(6, {6});
  auto log = SqliteAuditLog::Open(path_);
  ASSERT_TRUE(log.ok());
  const SignedHead held = (*log->LatestCheckpoint())->head;
  VerifyOptions options = Trusting();
  options.external_head = held;
  EXPECT_TRUE(VerifyAuditLog(path_, options).ok());

  SignedHead forged = SignHead(TestSigner(9), held.seq, held.head_hash, held.at, held.prev_hash);
  options.external_head = forged;
  VerifyReport report = VerifyAuditLog(path_, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->code, "external_head_untrusted");

  SignedHead other = held;
  other.head_hash[0] ^= 1;
  other = SignHead(signer_, other.seq, other.head_hash, other.at, other.prev_hash);
  options.external_head = other;
  report = VerifyAuditLog(path_, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->code, "external_head_mismatch");
  EXPECT_EQ(report.failure->seq, std::optional<std::int64_t>(12));
}

TEST_F(VerifierTest, CheckpointsFromAnUntrustedKeyDoNotCount) {
  Build(4, {4});
  VerifyOptions options;
  options.trusted_keys = {TestSigner(9).public_key()};
  const VerifyReport report = VerifyAuditLog(path_, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->code, "checkpoint_untrusted");
  EXPECT_EQ(report.failure->checkpoint, std::optional<std::int64_t>(1));
}

TEST_F(VerifierTest, ADeletedMiddleCheckpointBreaksTheCheckpointChain) {
  Build(9, {3, 6, 9});
  Execute("DELETE FROM audit_checkpoints WHERE id = 2");
  const VerifyReport report = VerifyAuditLog(path_, Trusting());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->code, "checkpoint_sequence");
  EXPECT_EQ(report.failure->checkpoint, std::optional<std::int64_t>(2));
}

TEST_F(VerifierTest, ACheckpointIsNotRepeatedWhileTheHeadStandsStill) {
  Build(4, {4});
  auto log = SqliteAuditLog::Open(path_);
  ASSERT_TRUE(log.ok());
  auto again = log->AppendCheckpoint(signer_, Base() + std::chrono::hours(1));
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(again->id, 1);
  auto rows = log->CheckpointRows();
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 1u);
}

TEST_F(VerifierTest, RefusesToSignAnEmptyOrAlteredLog) {
  {
    auto opened = store::SqliteStore::Open(path_, TestSealer());
    ASSERT_TRUE(opened.ok());
  }
  auto log = SqliteAuditLog::Open(path_);
  ASSERT_TRUE(log.ok());
  EXPECT_FALSE(log->AppendCheckpoint(signer_, Base()).ok());

  Build(6, {2});
  Execute("UPDATE audit SET at = at + 1 WHERE seq = 9");
  auto refused = log->AppendCheckpoint(signer_, Base());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().detail.find("audit entry 9"), std::string::npos);
  auto rows = log->CheckpointRows();
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 1u);
}

TEST_F(VerifierTest, ReadsAStoreFromBeforeCheckpointsAsHavingNone) {
  Build(2, {});
  Execute("DROP TABLE audit_checkpoints");
  VerifyOptions options = Trusting();
  options.require_checkpoint = false;
  const VerifyReport report = VerifyAuditLog(path_, options);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.checkpoints, 0);
  EXPECT_EQ(report.entries, 4);
}

}  // namespace
}  // namespace isagw::audit
