// What only the PostgreSQL store has: replicas' names, migrations raced by
// replicas starting together, and leases released per replica. Everything
// the two stores share is in store_contract_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "gateway/store/pg_audit_log.h"
#include "gateway/store/pg_connection.h"
#include "gateway/store/pg_schema.h"
#include "gateway/store/pg_store.h"
#include "tests/support/postgres_test_cluster.h"

namespace isagw::store {
namespace {

using namespace std::chrono;

std::shared_ptr<const crypto::Sealer> InboundSealer() {
  auto ring = std::make_shared<crypto::KeyRing>();
  crypto::SecretKey key{};
  key.fill(7);
  ring->Add("inbound", "k1", key);
  return std::make_shared<crypto::Sealer>(ring);
}

const model::Timestamp kEvening = sys_days{2026y / November / 22} + 21h;

// A message with one push copy, for claims.
Acceptance WithPushCopy(const std::string& id) {
  Acceptance a;
  a.message.id = id;
  a.message.sender = "police-derbys";
  a.message.format = "compact";
  a.message.kind = "missing_reported";
  a.message.received_at = kEvening - 1min;
  a.message.canonical_json = "{}";
  a.message.answer_json = "{}";
  a.deliveries.push_back(Delivery{id + "-push", id, "la-derby", "la-derby|" + id,
                                  DeliveryMode::kPush, "council-xml", "application/xml", "inbound",
                                  "<Episode/>"});
  return a;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = isagw::testing::FindPostgresTestCluster();
    if (!cluster.ok()) GTEST_SKIP() << cluster.error();
    cluster_ = *cluster;
    schema_ = isagw::testing::TestSchemaName("pgstore");
    ASSERT_TRUE(Admin("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_));
  }
  void TearDown() override {
    if (!schema_.empty()) (void)Admin("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }

  bool Admin(const std::string& sql) {
    auto conn = PgConnection::Open(cluster_.dsn);
    return conn.ok() && conn->Execute(sql).ok();
  }
  // application_name tells this test's sessions from those of tests
  // running beside it on the same server.
  std::string Dsn() const {
    return cluster_.dsn + " application_name=" + schema_ + " options='-c search_path=" + schema_ +
           "'";
  }
  // Dsn() over TLS that libpq verifies in full: the server's certificate
  // from `ca`, for the name `host` (the address stays 127.0.0.1).
  std::string TlsDsn(const std::string& host, const std::filesystem::path& ca) const {
    std::string dsn = Dsn();
    const auto replace = [&](std::string_view from, const std::string& to) {
      const auto at = dsn.find(from);
      EXPECT_NE(at, std::string::npos) << from << " is not in the test cluster's DSN";
      if (at != std::string::npos) dsn.replace(at, from.size(), to);
    };
    replace("host=127.0.0.1", "host=" + host + " hostaddr=127.0.0.1");
    replace("sslmode=disable", "sslmode=verify-full sslrootcert=" + ca.string());
    return dsn;
  }
  Result<std::unique_ptr<PostgresStore>, StoreError> Open(const std::string& replica) {
    return PostgresStore::Open({.dsn = Dsn(), .pool = 4, .replica = replica}, InboundSealer());
  }

  isagw::testing::PostgresTestCluster cluster_;
  std::string schema_;
};

TEST_F(PostgresStoreTest, ASecondLiveReplicaUnderTheSameNameIsRefused) {
  auto first = Open("replica-a");
  ASSERT_TRUE(first.ok()) << first.error().detail;
  auto again = Open("replica-a");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().detail.find("replica name"), std::string::npos) << again.error().detail;
  auto other = Open("replica-b");
  EXPECT_TRUE(other.ok());
  first->reset();  // the name is free again once its holder is gone
  EXPECT_TRUE(Open("replica-a").ok());
}

TEST_F(PostgresStoreTest, ReplicasStartingTogetherApplyEachMigrationOnce) {
  constexpr int kReplicas = 6;
  std::atomic<int> opened{0};
  std::vector<std::thread> starting;
  std::vector<std::unique_ptr<PostgresStore>> stores(kReplicas);
  for (int i = 0; i < kReplicas; ++i) {
    starting.emplace_back([&, i] {
      auto store = Open("replica-" + std::to_string(i));
      if (store.ok()) {
        stores[static_cast<std::size_t>(i)] = std::move(*store);
        ++opened;
      }
    });
  }
  for (auto& t : starting) t.join();
  EXPECT_EQ(opened, kReplicas);
  auto conn = PgConnection::Open(Dsn());
  ASSERT_TRUE(conn.ok());
  auto versions = conn->Query("SELECT version FROM schema_version ORDER BY version");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->rows(), static_cast<int>(PostgresMigrations().size()));
  for (int r = 0; r < versions->rows(); ++r) EXPECT_EQ(versions->Int(r, 0), r + 1);
}

TEST_F(PostgresStoreTest, RefusesASchemaNewerThanItKnows) {
  ASSERT_TRUE(Open("replica-a").ok());
  ASSERT_TRUE(Admin("INSERT INTO " + schema_ +
                    ".schema_version (version, description) VALUES (999, 'from the future')"));
  auto opened = Open("replica-b");
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().detail.find("newer than this gateway knows"), std::string::npos);
}

// The audit tools never take an empty schema for an empty log (a DSN with
// the wrong database or search_path), nor read a schema from the future.
TEST_F(PostgresStoreTest, TheAuditLogOpensOnlyASchemaAGatewaySetUp) {
  auto empty = PostgresAuditLog::Open(Dsn());
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().detail.find("no gateway schema"), std::string::npos)
      << empty.error().detail;
  EXPECT_EQ(Admin("SELECT 1 FROM " + schema_ + ".schema_version"), false) << "nothing was created";

  ASSERT_TRUE(Open("replica-a").ok());
  EXPECT_TRUE(PostgresAuditLog::Open(Dsn()).ok());
  ASSERT_TRUE(Admin("INSERT INTO " + schema_ +
                    ".schema_version (version, description) VALUES (999, 'from the future')"));
  auto future = PostgresAuditLog::Open(Dsn());
  ASSERT_FALSE(future.ok());
  EXPECT_NE(future.error().detail.find("newer than this binary knows"), std::string::npos)
      << future.error().detail;
}

// TLS to PostgreSQL is libpq's, set in the DSN (docs/operations.md): the
// store checks the server's certificate and name as the gateway checks its
// clients'.
TEST_F(PostgresStoreTest, TheStoreTalksToTheServerOverVerifiedTls) {
  if (cluster_.ca_file.empty()) GTEST_SKIP() << "the test cluster made no CA (scripts/pg-cluster)";
  const std::string dsn = TlsDsn("localhost", cluster_.ca_file);
  auto store =
      PostgresStore::Open({.dsn = dsn, .pool = 2, .replica = "replica-tls"}, InboundSealer());
  ASSERT_TRUE(store.ok()) << store.error().detail;
  ASSERT_TRUE((*store)->Commit(WithPushCopy("m1")).ok());
  auto claimed = (*store)->ClaimDueDeliveries(kEvening, kEvening + 5min, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].delivery.payload, "<Episode/>");

  auto conn = PgConnection::Open(dsn);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  auto session = conn->Query("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
  ASSERT_TRUE(session.ok() && session->rows() == 1);
  EXPECT_TRUE(session->Bool(0, 0));
  EXPECT_EQ(session->Text(0, 1), "TLSv1.3");
}

TEST_F(PostgresStoreTest, AServerItsCaDidNotCertifyOrOfAnotherNameIsRefused) {
  if (cluster_.other_ca_file.empty()) {
    GTEST_SKIP() << "the test cluster made no CA (scripts/pg-cluster)";
  }
  auto stranger = PostgresStore::Open(
      {.dsn = TlsDsn("localhost", cluster_.other_ca_file), .pool = 2, .replica = "replica-tls"},
      InboundSealer());
  ASSERT_FALSE(stranger.ok());
  EXPECT_NE(stranger.error().detail.find("certificate verify failed"), std::string::npos)
      << stranger.error().detail;

  auto misnamed = PostgresStore::Open(
      {.dsn = TlsDsn("db.example", cluster_.ca_file), .pool = 2, .replica = "replica-tls"},
      InboundSealer());
  ASSERT_FALSE(misnamed.ok());
  EXPECT_NE(misnamed.error().detail.find("does not match host name"), std::string::npos)
      << misnamed.error().detail;
  EXPECT_FALSE(Admin("SELECT 1 FROM " + schema_ + ".schema_version")) << "nothing was created";
}

// A restarted replica takes back at once what its previous life claimed,
// and leaves what a live replica holds alone.
TEST_F(PostgresStoreTest, ReleasesOnlyItsOwnLeases) {
  auto a = Open("replica-a");
  auto b = Open("replica-b");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->Commit(WithPushCopy("m1")).ok());
  ASSERT_TRUE((*a)->Commit(WithPushCopy("m2")).ok());
  auto by_a = (*a)->ClaimDueDeliveries(kEvening, kEvening + 5min, 1);
  auto by_b = (*b)->ClaimDueDeliveries(kEvening, kEvening + 5min, 1);
  ASSERT_TRUE(by_a.ok() && by_b.ok());
  ASSERT_EQ(by_a->size(), 1u);
  ASSERT_EQ(by_b->size(), 1u);
  EXPECT_NE(by_a->front().delivery.id, by_b->front().delivery.id);

  a->reset();  // replica-a is killed and starts again
  auto restarted = Open("replica-a");
  ASSERT_TRUE(restarted.ok());
  auto released = (*restarted)->ReleaseLeases();
  ASSERT_TRUE(released.ok());
  EXPECT_EQ(released->deliveries, 1);
  auto again = (*restarted)->ClaimDueDeliveries(kEvening, kEvening + 5min, 10);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 1u) << "replica-b's lease still holds its copy";
  EXPECT_EQ(again->front().delivery.id, by_a->front().delivery.id);
}

// After the server drops every session (as a restart does), the store
// works on without a restart of its own: the pool connects afresh.
TEST_F(PostgresStoreTest, AfterTheServerDropsItsSessionsTheStoreConnectsAgain) {
  auto store = Open("replica-a");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Commit(WithPushCopy("m1")).ok());
  // Ends every server session of this store, as a server restart would.
  ASSERT_TRUE(
      Admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = '" +
            schema_ + "'"));
  // A read notices the lost connection and runs again on a new one.
  auto sender = (*store)->FindMessageSender("m1");
  ASSERT_TRUE(sender.ok()) << sender.error().detail;
  EXPECT_EQ(*sender, std::optional<std::string>("police-derbys"));
  EXPECT_TRUE((*store)->Commit(WithPushCopy("m2")).ok());
}

// A server restart ends the session that held the replica's name. The
// store takes it again at its next Ping, so a second process of the name
// is still refused; if one took the name first, Ping fails (and /readyz
// with it) until that process is gone.
TEST_F(PostgresStoreTest, TheNameIsRetakenAfterItsSessionDrops) {
  auto first = Open("replica-a");
  ASSERT_TRUE(first.ok()) << first.error().detail;
  // Ends this test's sessions and waits until they are gone, locks and all
  // (pg_terminate_backend only signals them).
  const auto drop_sessions = [&] {
    auto admin = PgConnection::Open(cluster_.dsn);
    ASSERT_TRUE(admin.ok());
    const std::string mine = " FROM pg_stat_activity WHERE application_name = '" + schema_ + "'";
    ASSERT_TRUE(admin->Query("SELECT pg_terminate_backend(pid)" + mine).ok());
    for (int wait = 0; wait < 500; ++wait) {
      auto left = admin->Query("SELECT COUNT(*)" + mine);
      ASSERT_TRUE(left.ok());
      if (left->Int(0, 0) == 0) return;
      std::this_thread::sleep_for(10ms);
    }
    FAIL() << "the sessions did not end";
  };
  drop_sessions();
  ASSERT_TRUE((*first)->Ping().ok());
  EXPECT_FALSE(Open("replica-a").ok()) << "the name was taken again";

  drop_sessions();
  auto usurper = Open("replica-a");  // before the first replica's next Ping
  ASSERT_TRUE(usurper.ok()) << usurper.error().detail;
  auto refused = (*first)->Ping();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().detail.find("another live gateway uses the replica name"),
            std::string::npos)
      << refused.error().detail;
  usurper->reset();
  EXPECT_TRUE((*first)->Ping().ok()) << "the name is free again";
}

}  // namespace
}  // namespace isagw::store
