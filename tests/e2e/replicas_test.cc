// Two gateways on one PostgreSQL database, as replicas behind a load
// balancer run (issue 14): whichever replica a request reaches answers it
// as the other would, pushes are made once between them, a timer fires
// once, and their audit entries form one chain.
//
// The gateways are whole app::GatewayApps (what `isagw serve` runs) in one
// process, on the `postgres` fixture's throw-away cluster, each schema the
// test's own. The crash test with killed processes and HAProxy is
// tests/crash (replicas mode).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway/audit/chain_follower.h"
#include "gateway/store/pg_connection.h"
#include "tests/e2e/e2e_deployment.h"
#include "tests/e2e/story.h"
#include "tests/e2e/test_client.h"
#include "tests/support/postgres_test_cluster.h"

namespace isagw::e2e {
namespace {

using nlohmann::json;

json Object(const json& value) { return value.is_object() ? value : json::object(); }

std::string DeliveryOf(const json& answer, const std::string& agency) {
  for (const auto& r : Object(answer).value("recipients", json::array())) {
    if (r.value("agency", "") == agency) return r.value("delivery_id", "");
  }
  return "";
}

class Replicas : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = isagw::testing::FindPostgresTestCluster();
    if (!cluster.ok()) GTEST_SKIP() << cluster.error();
    cluster_ = *cluster;
    // A schema, and a role owning it that the gateways log in as (not a
    // superuser, as in a real deployment; and a test can lock it out).
    static int made = 0;
    schema_ = "e2e_" + std::to_string(::getpid()) + "_" + std::to_string(++made);
    ASSERT_TRUE(Admin("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; DROP ROLE IF EXISTS " +
                      schema_ + "; CREATE ROLE " + schema_ + " LOGIN; CREATE SCHEMA " + schema_ +
                      " AUTHORIZATION " + schema_));
    gateway_.UsePostgres(cluster_.dsn + " user=" + schema_ + " options='-c search_path=" + schema_ +
                         "'");
    ASSERT_EQ(gateway_.Start(), "");
    auto second = gateway_.StartReplica("gateway-2");
    ASSERT_TRUE(second.ok()) << second.error();
    second_port_ = second->api;
    second_admin_port_ = second->admin;
  }
  void TearDown() override {
    gateway_.Stop();
    if (!schema_.empty()) {
      (void)Admin("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; DROP ROLE IF EXISTS " + schema_);
    }
  }

  bool Admin(const std::string& sql) {
    auto conn = store::PgConnection::Open(cluster_.dsn);
    return conn.ok() && conn->Execute(sql).ok();
  }
  // COUNT(*) of `from` on the test's schema; -1 when the query fails.
  int Count(const std::string& from) {
    auto conn =
        store::PgConnection::Open(cluster_.dsn + " options='-c search_path=" + schema_ + "'");
    if (!conn.ok()) return -1;
    auto counted = conn->Query("SELECT COUNT(*) FROM " + from);
    return counted.ok() ? static_cast<int>(counted->Int(0, 0)) : -1;
  }

  TestClient First(const std::string& agency) const { return gateway_.Client(agency); }
  TestClient Second(const std::string& agency) const {
    return gateway_.Client(agency, second_port_);
  }

  isagw::testing::PostgresTestCluster cluster_;
  std::string schema_;
  E2eDeployment gateway_;
  std::uint16_t second_port_ = 0;
  std::uint16_t second_admin_port_ = 0;
};

TEST_F(Replicas, EitherReplicaAnswersForWhatTheOtherTookIn) {
  // The report goes in through the first replica...
  const HttpReply missing =
      First("police-derbys").Post("/v1/messages", kCompact, DerbyMissing().dump());
  ASSERT_EQ(missing.status, 202) << missing.body;
  const std::string derby = DeliveryOf(missing.Json(), "la-derby");
  ASSERT_FALSE(derby.empty()) << missing.body;

  // ...and Derby reads, fetches and acknowledges it through the second.
  const json inbox = Object(Second("la-derby").Get("/v1/inbox").Json());
  bool listed = false;
  for (const auto& item : inbox.value("items", json::array())) {
    listed = listed || item.value("delivery_id", "") == derby;
  }
  EXPECT_TRUE(listed) << inbox.dump();
  const HttpReply fetched = Second("la-derby").Get("/v1/inbox/" + derby);
  EXPECT_EQ(fetched.status, 200);
  EXPECT_NE(fetched.body.find(kForename), std::string::npos);
  EXPECT_EQ(Second("la-derby").Request("POST", "/v1/inbox/" + derby + "/ack").status / 100, 2);

  // The police see it acknowledged through the first.
  const std::string message_id = Object(missing.Json()).value("message_id", "");
  const json status = Object(First("police-derbys").Get("/v1/messages/" + message_id).Json());
  std::string derby_state;
  for (const auto& r : status.value("recipients", json::array())) {
    if (r.value("agency", "") == "la-derby") derby_state = r.value("state", "");
  }
  EXPECT_EQ(derby_state, "acked") << status.dump();

  // The next record of the episode goes in through the second replica,
  // which reads the episode the first stored.
  const HttpReply found =
      Second("police-derbys").Post("/v1/messages", kCompact, DerbyFound(2).dump());
  ASSERT_EQ(found.status, 202) << found.body;

  // Staffordshire's two pushes arrive once each, in order, whichever
  // replica's worker made them.
  const std::string first_push = DeliveryOf(missing.Json(), kPushRecipient);
  const std::string second_push = DeliveryOf(found.Json(), kPushRecipient);
  ASSERT_FALSE(first_push.empty());
  ASSERT_FALSE(second_push.empty());
  std::vector<std::string> accepted;
  ASSERT_TRUE(WaitUntil([&] {
    accepted.clear();
    for (const auto& r : gateway_.receiver().requests()) {
      if (r.answer_status / 100 == 2) accepted.push_back(r.delivery_id);
    }
    return accepted.size() >= 2;
  }));
  EXPECT_EQ(accepted, (std::vector<std::string>{first_push, second_push}));
}

TEST_F(Replicas, ATimerDueWhileBothReplicasWatchFiresOnce) {
  using namespace std::chrono;
  ASSERT_EQ(First("police-derbys").Post("/v1/messages", kCompact, DerbyMissing(1).dump()).status,
            202);
  ASSERT_EQ(Second("police-derbys").Post("/v1/messages", kCompact, DerbyFound(2).dump()).status,
            202);
  ASSERT_EQ(Count("timers WHERE kind = 'rhi_due' AND state = 'armed'"), 1);
  // Both replicas' timer workers see it due at once (they share the clock):
  // an hour past 72 hours after the child was found (06:30 GMT).
  const model::Timestamp found = sys_days{2026y / November / 23} + 6h + 30min;
  gateway_.clock().Advance(duration_cast<seconds>(found + 73h - gateway_.clock().Now()));
  const bool fired_once =
      WaitUntil([&] { return Count("timers WHERE kind = 'rhi_due' AND state = 'fired'") == 1; });
  if (!fired_once) {
    for (const auto& line : gateway_.LogLines()) std::cerr << line << "\n";
  }
  ASSERT_TRUE(fired_once);
  // Every timer due by now has ended, so no firing is still to come.
  const std::string now = std::to_string(gateway_.clock().Now().time_since_epoch().count());
  ASSERT_TRUE(
      WaitUntil([&] { return Count("timers WHERE state = 'armed' AND due_at <= " + now) == 0; }));
  // Each fired timer raised one escalation, and no escalation was raised
  // twice: a second firing would have stored a second message.
  const int fired = Count("timers WHERE state = 'fired' AND message_id IS NOT NULL");
  EXPECT_GE(fired, 1);
  EXPECT_EQ(Count("messages WHERE kind = 'escalation'"), fired);
  EXPECT_EQ(Count("messages WHERE kind = 'escalation' AND id IN"
                  " (SELECT message_id FROM timers WHERE kind = 'rhi_due')"),
            1);
}

TEST_F(Replicas, BothReplicasAppendToOneAuditChainThatVerifies) {
  // Requests alternate between the replicas, so both append: six
  // episodes' missing reports.
  for (int n = 1; n <= 6; ++n) {
    json record = DerbyMissing();
    record["OccurrenceRef"] = "DB/21/2026/00460" + std::to_string(n);
    TestClient client = n % 2 ? First("police-derbys") : Second("police-derbys");
    const HttpReply reply = client.Post("/v1/messages", kCompact, record.dump());
    ASSERT_EQ(reply.status, 202) << reply.body;
  }
  gateway_.Stop();  // each replica signs a last checkpoint as it stops

  auto conn = store::PgConnection::Open(cluster_.dsn + " options='-c search_path=" + schema_ + "'");
  ASSERT_TRUE(conn.ok());
  auto rows = conn->Query("SELECT seq, at, kind, body, prev_hash, hash FROM audit ORDER BY seq");
  ASSERT_TRUE(rows.ok());
  ASSERT_GT(rows->rows(), 6);
  audit::ChainFollower chain(std::nullopt);
  for (int r = 0; r < rows->rows(); ++r) {
    auto followed =
        chain.Add(audit::AuditRow{rows->Int(r, 0), rows->Int(r, 1), rows->Text(r, 2),
                                  rows->Text(r, 3), rows->Bytes(r, 4), rows->Bytes(r, 5)});
    ASSERT_TRUE(followed.ok()) << followed.error();
  }
  auto head = chain.Head();
  ASSERT_TRUE(head.ok());
  auto stored_head = conn->Query("SELECT seq, hash FROM audit_head");
  ASSERT_TRUE(stored_head.ok());
  EXPECT_EQ(stored_head->Int(0, 0), head->seq);
  EXPECT_EQ(stored_head->Bytes(0, 1), std::string(head->hash.begin(), head->hash.end()));
  // Both replicas' last checkpoints sign heads of this one chain.
  auto checkpoints = conn->Query("SELECT seq FROM audit_checkpoints ORDER BY id");
  ASSERT_TRUE(checkpoints.ok());
  ASSERT_GE(checkpoints->rows(), 1);
  EXPECT_EQ(checkpoints->Int(checkpoints->rows() - 1, 0), head->seq);
}

// The policy set each replica serves, from its /readyz ("" when it is
// not ready).
std::string PolicySetOf(std::uint16_t admin_port) {
  const HttpReply ready = AdminGet(admin_port, "/readyz");
  const std::string prefix = "policy_set ";
  const std::size_t at = ready.body.find(prefix);
  if (ready.status != 200 || at == std::string::npos) return "";
  return ready.body.substr(at + prefix.size(), ready.body.find('\n', at) - at - prefix.size());
}

// SIGHUP reaches one replica and not the other (an operator's slip, or a
// deployment half done): both keep serving, and the disagreement shows in
// /readyz and /metrics rather than in what children's data goes where.
TEST_F(Replicas, APolicySetReloadedOnOneReplicaOnlyShowsAsSkew) {
  const std::string before = PolicySetOf(gateway_.admin_port());
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(PolicySetOf(second_admin_port_), before) << "both start on the same policies";

  {
    std::ofstream edit(gateway_.ReplicaPolicies("gateway-2") / "isa-derby-2026.yaml",
                       std::ios::app);
    edit << "# reviewed again: no change of substance\n";
  }
  gateway_.ReloadReplica(0);
  std::string after;
  ASSERT_TRUE(WaitUntil([&] {
    after = PolicySetOf(second_admin_port_);
    return !after.empty() && after != before;
  }));
  EXPECT_EQ(PolicySetOf(gateway_.admin_port()), before) << "the other replica was not reloaded";

  // The metrics say the same: each replica's set in force is 1.
  const std::string info = "isagw_policy_set_info{hash=\"";
  EXPECT_NE(AdminGet(gateway_.admin_port(), "/metrics").body.find(info + before + "\"} 1"),
            std::string::npos);
  const std::string second_metrics = AdminGet(second_admin_port_, "/metrics").body;
  EXPECT_NE(second_metrics.find(info + after + "\"} 1"), std::string::npos) << second_metrics;
  EXPECT_NE(second_metrics.find(info + before + "\"} 0"), std::string::npos) << second_metrics;

  // Each reload, applied or refused, is in the shared audit (threat CONF-R1).
  const std::string reloads = "audit WHERE kind = 'config_reloaded' AND body::jsonb->>'outcome' = ";
  // The entry commits before the new set is in force: no wait.
  EXPECT_EQ(Count(reloads + "'applied' AND body::jsonb->>'hash' = '" + after + "'"), 1);
  {
    std::ofstream broken(gateway_.ReplicaPolicies("gateway-2") / "isa-derby-2026.yaml",
                         std::ios::app);
    broken << "flows: [unclosed\n";
  }
  gateway_.ReloadReplica(0);
  EXPECT_TRUE(WaitUntil([&] { return Count(reloads + "'refused'") == 1; }));
  EXPECT_EQ(PolicySetOf(second_admin_port_), after) << "a refused reload keeps the set in force";
}

// PostgreSQL out of reach (here: the gateways' role locked out and its
// sessions ended, as a database restart or a network cut would): nothing
// is acknowledged that is not stored, the API says when to come back, the
// load balancer's health check sees it, and all of it heals by itself.
TEST_F(Replicas, WithTheDatabaseOutOfReachNothingIsAcknowledgedAndItHealsByItself) {
  ASSERT_EQ(First("police-derbys").Post("/v1/messages", kCompact, DerbyMissing().dump()).status,
            202);
  ASSERT_TRUE(Admin("ALTER ROLE " + schema_ +
                    " NOLOGIN; SELECT pg_terminate_backend(pid)"
                    " FROM pg_stat_activity WHERE usename = '" +
                    schema_ + "'"));

  const HttpReply refused =
      Second("police-derbys").Post("/v1/messages", kCompact, DerbyFound(2).dump());
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_FALSE(refused.Header("retry-after").empty());
  EXPECT_TRUE(WaitUntil([&] { return AdminGet(gateway_.admin_port(), "/readyz").status == 503; }));
  EXPECT_TRUE(WaitUntil([&] { return AdminGet(second_admin_port_, "/readyz").status == 503; }));
  EXPECT_NE(AdminGet(second_admin_port_, "/metrics").body.find("isagw_store_up 0"),
            std::string::npos);
  EXPECT_EQ(Count("messages"), 1) << "the refused record was not stored";

  ASSERT_TRUE(Admin("ALTER ROLE " + schema_ + " LOGIN"));
  EXPECT_TRUE(WaitUntil([&] { return AdminGet(gateway_.admin_port(), "/readyz").status == 200; }));
  EXPECT_TRUE(WaitUntil([&] { return AdminGet(second_admin_port_, "/readyz").status == 200; }));
  // The agency's retry, as Retry-After asked, is taken.
  const HttpReply retried =
      Second("police-derbys").Post("/v1/messages", kCompact, DerbyFound(2).dump());
  EXPECT_EQ(retried.status, 202) << retried.body;
  EXPECT_EQ(Count("messages"), 2);
}

}  // namespace
}  // namespace isagw::e2e
