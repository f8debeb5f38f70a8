// The AuditLog contract (audit/audit_log.h): the `isagw audit` tools read
// and sign the same chain whichever store holds it. Each backend's store
// writes the entries, as the gateway does; its log reads them back.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "gateway/audit/audit_log.h"
#include "gateway/audit/audit_verifier.h"
#include "gateway/audit/subject_report.h"
#include "gateway/store/pg_audit_log.h"
#include "tests/audit/audit_test_util.h"
#include "tests/store/all_backends.h"
#include "tests/store/store_backend.h"

namespace isagw::store {
namespace {

using namespace std::chrono;
using audit::AuditLog;
using audit::AuditRow;
using testing::BackendFactory;
namespace util = audit::test_util;

class AuditLogContractTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    if (auto why = backend_->Unavailable()) GTEST_SKIP() << GetParam().name << ": " << *why;
    auto opened = backend_->OpenFresh(util::TestSealer());
    ASSERT_TRUE(opened.ok()) << opened.error();
    store_ = std::move(*opened);
    auto log = backend_->OpenAuditLog();
    ASSERT_TRUE(log.ok()) << log.error();
    log_ = std::move(*log);
  }
  void TearDown() override {
    log_.reset();
    other_.reset();
    store_.reset();
    backend_->RemoveDatabase();
  }

  // Messages m-1001, m-1002... (two entries each: accepted, disclosure);
  // odd ones about ChildA, even ones about ChildB.
  void Accept(int from, int to) {
    for (int i = from; i <= to; ++i) {
      const bool a = i % 2 == 1;
      auto committed = store_->Commit(util::AcceptedMessage(
          "m-" + std::to_string(1000 + i), a ? util::kPoliceRef : "ST/21/2026/000777",
          a ? util::ChildA() : util::ChildB(), util::Base() + minutes(i)));
      ASSERT_TRUE(committed.ok()) << committed.error().detail;
    }
  }

  audit::VerifyReport Verify() {
    audit::VerifyOptions options;
    options.trusted_keys = {util::TestSigner().public_key()};
    return audit::VerifyAuditLog(*log_, options);
  }

  std::unique_ptr<testing::StoreBackend> backend_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Store> other_;
  std::unique_ptr<AuditLog> log_;
};

TEST_P(AuditLogContractTest, CheckpointsChainAndTheLogVerifies) {
  Accept(1, 3);
  auto first = log_->AppendCheckpoint(util::TestSigner(), util::Base() + 1h);
  ASSERT_TRUE(first.ok()) << first.error().detail;
  EXPECT_EQ(first->id, 1);
  EXPECT_EQ(first->head.seq, 6);
  auto again = log_->AppendCheckpoint(util::TestSigner(), util::Base() + 2h);
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(again->id, 1) << "a head already signed is not signed twice";

  Accept(4, 4);
  auto second = log_->AppendCheckpoint(util::TestSigner(), util::Base() + 3h);
  ASSERT_TRUE(second.ok()) << second.error().detail;
  EXPECT_EQ(second->id, 2);
  EXPECT_EQ(second->head.seq, 8);
  EXPECT_EQ(second->head.prev_hash, audit::CheckpointHash(first->head));

  auto latest = log_->LatestCheckpoint();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->head.seq, 8);
  EXPECT_EQ(log_->CheckpointRows()->size(), 2u);

  const audit::VerifyReport report = Verify();
  ASSERT_TRUE(report.ok()) << report.failure->code << ": " << report.failure->reason;
  EXPECT_EQ(report.entries, 8);
  EXPECT_EQ(report.checkpoints, 2);
  EXPECT_EQ(report.last_signed_seq, 8);
  EXPECT_EQ(report.unsigned_entries, 0);
}

TEST_P(AuditLogContractTest, AnEmptyLogIsNotSigned) {
  EXPECT_FALSE(log_->AppendCheckpoint(util::TestSigner(), util::Base()).ok());
  EXPECT_EQ(backend_->Count("audit_checkpoints"), 0);
}

TEST_P(AuditLogContractTest, AnAlteredEntryIsFoundAndNeverSigned) {
  Accept(1, 3);
  ASSERT_TRUE(log_->AppendCheckpoint(util::TestSigner(), util::Base() + 1h).ok());
  // Entry 3 is message m-1002's "accepted" entry.
  ASSERT_EQ(
      backend_->Execute("UPDATE audit SET body = replace(body, 'm-1002', 'm-1009') WHERE seq = 3"),
      1);
  const audit::VerifyReport report = Verify();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->code, "hash_mismatch");
  EXPECT_EQ(report.failure->seq, 3);

  // Past the latest checkpoint the chain is checked before signing.
  Accept(4, 4);
  ASSERT_EQ(
      backend_->Execute("UPDATE audit SET body = replace(body, 'm-1004', 'm-1009') WHERE seq = 7"),
      1);
  EXPECT_FALSE(log_->AppendCheckpoint(util::TestSigner(), util::Base() + 2h).ok());
  EXPECT_EQ(backend_->Count("audit_checkpoints"), 1);
}

TEST_P(AuditLogContractTest, ATruncatedLogIsFoundAgainstItsCheckpoint) {
  Accept(1, 3);
  ASSERT_TRUE(log_->AppendCheckpoint(util::TestSigner(), util::Base() + 1h).ok());
  ASSERT_EQ(backend_->Execute("DELETE FROM audit WHERE seq > 4"), 2);
  const audit::VerifyReport report = Verify();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->code, "truncated");
  EXPECT_EQ(report.failure->seq, 5);
}

TEST_P(AuditLogContractTest, ASubjectReportFindsOnlyThatChildsDisclosures) {
  Accept(1, 4);
  const audit::ChildPseudonymizer pseudonyms(util::TestAuditKey());
  auto a = audit::SubjectDisclosures(*log_, pseudonyms.OfNhsNumber(util::kNhsNumber));
  ASSERT_TRUE(a.ok()) << a.error().detail;
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].message_id, "m-1001");
  EXPECT_EQ((*a)[1].message_id, "m-1003");
  EXPECT_EQ((*a)[0].recipient, "la-derby");
  EXPECT_EQ((*a)[0].flow.clause, "flows.police_to_host_la");

  auto b = audit::SubjectDisclosures(*log_, pseudonyms.OfCouncilPerson("860", "LCS-778812"));
  ASSERT_TRUE(b.ok()) << b.error().detail;
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[0].message_id, "m-1002");
  EXPECT_EQ((*b)[1].message_id, "m-1004");

  auto nobody = audit::SubjectDisclosures(*log_, pseudonyms.OfNhsNumber("9999999999"));
  ASSERT_TRUE(nobody.ok());
  EXPECT_TRUE(nobody->empty());
}

// More entries than a page of the PostgreSQL log (kPage), so that paging
// is crossed with and without filters, and a visit that stops early.
TEST_P(AuditLogContractTest, EntriesStreamInSeqOrderThroughFiltersAndCanStopEarly) {
  constexpr int kEntries = 2500;
  static_assert(kEntries > 2 * PostgresAuditLog::kPage);
  std::vector<AuditRecord> records;
  for (int n = 1; n <= kEntries; ++n) {
    records.push_back({n % 2 == 0 ? "even" : "odd", R"({"n":)" + std::to_string(n) + "}"});
  }
  ASSERT_TRUE(store_->RecordAudit(records, util::Base()).ok());

  std::int64_t expected = 1;
  bool in_order = true;
  ASSERT_TRUE(log_->ForEachEntry([&](const AuditRow& row) {
                    in_order = in_order && row.seq == expected++;
                    return true;
                  })
                  .ok());
  EXPECT_TRUE(in_order);
  EXPECT_EQ(expected - 1, kEntries);

  // From 1200, even, and "n":12 somewhere: 1200, 1202 ... 1298.
  audit::AuditFilter filter;
  filter.from_seq = 1200;
  filter.kind = "even";
  filter.contains = R"("n":12)";
  std::vector<std::int64_t> seqs;
  ASSERT_TRUE(log_->ForEachEntry(
                      [&](const AuditRow& row) {
                        seqs.push_back(row.seq);
                        return true;
                      },
                      filter)
                  .ok());
  ASSERT_EQ(seqs.size(), 50u);
  EXPECT_EQ(seqs.front(), 1200);
  EXPECT_EQ(seqs.back(), 1298);

  int visited = 0;
  ASSERT_TRUE(log_->ForEachEntry([&](const AuditRow&) { return ++visited < 1500; }).ok());
  EXPECT_EQ(visited, 1500);
}

// Checkpoints signed while two stores (two processes, or two replicas)
// append from threads: each signs a head that was the head, so the whole
// log verifies against all of them.
TEST_P(AuditLogContractTest, CheckpointsSignedWhileTwoStoresAppendAllVerify) {
  auto another = backend_->OpenAnother(util::TestSealer());
  ASSERT_TRUE(another.ok()) << another.error();
  other_ = std::move(*another);
  ASSERT_TRUE(store_->RecordAudit({{"zero", "{}"}}, util::Base()).ok());  // never empty
  std::atomic<bool> failed{false};
  auto append = [&](Store* store, const std::string& kind) {
    for (int i = 0; i < 40 && !failed; ++i) {
      failed =
          failed ||
          !store->RecordAudit({{kind, R"({"i":)" + std::to_string(i) + "}"}}, util::Base()).ok();
    }
  };
  std::thread one(append, store_.get(), "one");
  std::thread two(append, other_.get(), "two");
  int signed_heads = 0;
  for (int i = 0; i < 20; ++i) {
    auto checkpoint = log_->AppendCheckpoint(util::TestSigner(), util::Base() + seconds(i));
    if (checkpoint.ok()) {
      ++signed_heads;
    } else {
      ADD_FAILURE() << checkpoint.error().detail;
    }
  }
  one.join();
  two.join();
  EXPECT_FALSE(failed);
  EXPECT_EQ(signed_heads, 20);
  ASSERT_TRUE(log_->AppendCheckpoint(util::TestSigner(), util::Base() + 1h).ok());

  const audit::VerifyReport report = Verify();
  ASSERT_TRUE(report.ok()) << report.failure->code << ": " << report.failure->reason;
  EXPECT_EQ(report.entries, 81);
  EXPECT_EQ(report.last_signed_seq, 81);
}

INSTANTIATE_TEST_SUITE_P(Stores, AuditLogContractTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace isagw::store
