// AuditQueue carries the entries written off the request path (a refused
// handshake has no transaction of its own): nothing is lost silently, a
// flood is counted, and a store that refuses is reported (threat API-R5).
#include "gateway/app/audit_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway/common/clock.h"
#include "gateway/crypto/key_ring.h"
#include "gateway/crypto/sealer.h"
#include "gateway/store/sqlite_store.h"
#include "tests/support/forwarding_store.h"

namespace isagw::app {
namespace {

using namespace std::chrono_literals;

// Keeps what reaches RecordAudit; refuses it when told to.
class RecordingStore final : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<Ok, store::StoreError> RecordAudit(const std::vector<store::AuditRecord>& records,
                                            model::Timestamp at) override {
    std::lock_guard lock(mutex_);
    if (refuse_) return Fail(store::StoreError{store::StoreErrorKind::kBackend, "disk full"});
    for (const auto& r : records) kinds_.push_back(r.kind), bodies_.push_back(r.body_json);
    return ForwardingStore::RecordAudit(records, at);
  }
  void Refuse(bool refuse) {
    std::lock_guard lock(mutex_);
    refuse_ = refuse;
  }
  std::vector<std::string> kinds() {
    std::lock_guard lock(mutex_);
    return kinds_;
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }

 private:
  std::mutex mutex_;
  bool refuse_ = false;
  std::vector<std::string> kinds_;
  std::vector<std::string> bodies_;
};

class AuditQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ring = std::make_shared<crypto::KeyRing>();
    ring->Add("inbound", "k1", crypto::SecretKey{});
    auto opened = store::SqliteStore::OpenInMemory(std::make_shared<crypto::Sealer>(ring));
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    inner_ = std::move(*opened);
    store_ = std::make_unique<RecordingStore>(*inner_);
  }
  static store::AuditRecord Refused(int n) {
    return {"handshake_refused", nlohmann::json{{"n", n}}.dump()};
  }

  ManualClock clock_{model::Timestamp{std::chrono::sys_days{std::chrono::year{2026} / 12 / 6}}};
  std::unique_ptr<store::SqliteStore> inner_;
  std::unique_ptr<RecordingStore> store_;
};

TEST_F(AuditQueueTest, WritesWhatWasQueuedInOrder) {
  AuditQueue queue(*store_, clock_, 10, nullptr);
  for (int n = 0; n < 3; ++n) queue.Push(Refused(n));
  queue.Flush();
  ASSERT_EQ(store_->kinds().size(), 3u);
  for (int n = 0; n < 3; ++n) {
    EXPECT_EQ(nlohmann::json::parse(store_->bodies()[static_cast<std::size_t>(n)])["n"], n);
  }
}

TEST_F(AuditQueueTest, AFloodBeyondItsCapacityIsCountedNotLostSilently) {
  AuditQueue queue(*store_, clock_, 5, nullptr);
  for (int n = 0; n < 12; ++n) queue.Push(Refused(n));
  queue.Flush();
  const auto kinds = store_->kinds();
  ASSERT_EQ(kinds.size(), 6u);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "handshake_refused"), 5);
  EXPECT_EQ(kinds.back(), "audit_records_dropped");
  const auto dropped = nlohmann::json::parse(store_->bodies().back());
  EXPECT_EQ(dropped["kind"], "handshake_refused");
  EXPECT_EQ(dropped["count"], 7);
  // The count starts again once written.
  queue.Push(Refused(99));
  queue.Flush();
  EXPECT_EQ(store_->kinds().size(), 7u);
  EXPECT_EQ(store_->kinds().back(), "handshake_refused");
}

TEST_F(AuditQueueTest, AStoreThatRefusesIsReported) {
  std::vector<std::string> failures;
  AuditQueue queue(*store_, clock_, 5, [&](const std::string& why) { failures.push_back(why); });
  store_->Refuse(true);
  queue.Push(Refused(1));
  queue.Flush();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0], "disk full");
}

TEST_F(AuditQueueTest, StopWritesWhatTheThreadHadNotYetTaken) {
  {
    AuditQueue queue(*store_, clock_, 100, nullptr);
    queue.Start();
    for (int n = 0; n < 50; ++n) queue.Push(Refused(n));
  }  // the destructor stops, and stopping flushes
  EXPECT_EQ(store_->kinds().size(), 50u);
}

}  // namespace
}  // namespace isagw::app
