// The command-line tools on PostgreSQL (issue 14): `isagw audit`,
// `isagw policy timers` and `isagw report` open the store the
// configuration names, here a schema of the tests' throw-away cluster,
// while a gateway replica has it open under its own name.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <sstream>
#include <string>

#include "gateway/audit/key_file.h"
#include "gateway/cli/audit_command.h"
#include "gateway/cli/report_command.h"
#include "gateway/cli/timers_command.h"
#include "gateway/safeguarding/timer_plan.h"
#include "gateway/store/pg_connection.h"
#include "gateway/store/pg_store.h"
#include "tests/audit/audit_test_util.h"
#include "tests/cli/command_outcome.h"
#include "tests/common/temp_dir.h"
#include "tests/config/minimal_deployment.h"
#include "tests/support/postgres_test_cluster.h"

namespace isagw::cli {
namespace {

using testing::Capture;
using testing::Contains;
using testing::Outcome;

namespace fs = std::filesystem;
namespace util = audit::test_util;
using namespace std::chrono;

class PostgresCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = isagw::testing::FindPostgresTestCluster();
    if (!cluster.ok()) GTEST_SKIP() << cluster.error();
    cluster_ = *cluster;
    schema_ = isagw::testing::TestSchemaName("cli");
    ASSERT_TRUE(Admin("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_));

    // The minimal deployment with the example registry and ISAs (a report
    // reads through them), its store in this test's schema.
    config_ = isagw::testing::WriteMinimalDeployment(dir_);
    fs::copy_file(ISAGW_SOURCE_DIR "/certs-example/registry.yaml", dir_.path() / "registry.yaml",
                  fs::copy_options::overwrite_existing);
    fs::copy(ISAGW_SOURCE_DIR "/policies", dir_.path() / "policies",
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    std::string yaml = isagw::testing::Replace(
        std::string(isagw::testing::kMinimalGatewayYaml), "  path: var/isagw.db\n",
        "  kind: postgres\n  postgres:\n    dsn: \"" + Dsn() + "\"\n    replica: gateway-1\n");
    yaml +=
        "delivery:\n  client_cert_file: out/gateway-client.crt\n"
        "  client_key_file: out/gateway-client.key\n";
    dir_.Write("gateway.yaml", yaml);

    // The audit key the pseudonyms below were made with (TestAuditKey).
    const fs::path audit_key = dir_.path() / "var/keys/audit/audit.key";
    fs::create_directories(audit_key.parent_path());
    std::array<std::uint8_t, audit::AuditKey::kBytes> bytes{};
    bytes.fill(3);
    ASSERT_TRUE(audit::WriteNewKeyFile(audit_key, bytes.data(), bytes.size(), 0600).ok());

    // The running replica: it holds its name for as long as it is open.
    auto gateway = store::PostgresStore::Open({.dsn = Dsn(), .pool = 2, .replica = "gateway-1"},
                                              util::TestSealer());
    ASSERT_TRUE(gateway.ok()) << gateway.error().detail;
    gateway_ = std::move(*gateway);
  }
  void TearDown() override {
    gateway_.reset();
    if (!schema_.empty()) (void)Admin("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }

  std::string Dsn() const { return cluster_.dsn + " options='-c search_path=" + schema_ + "'"; }
  bool Admin(const std::string& sql) {
    auto conn = store::PgConnection::Open(cluster_.dsn);
    return conn.ok() && conn->Execute(sql).ok();
  }
  int Count(const std::string& from) {
    auto conn = store::PgConnection::Open(Dsn());
    if (!conn.ok()) return -1;
    auto counted = conn->Query("SELECT COUNT(*) FROM " + from);
    return counted.ok() ? static_cast<int>(counted->Int(0, 0)) : -1;
  }

  // Messages m-1001... through the replica, odd ones about ChildA.
  void Accept(int messages) {
    for (int i = 1; i <= messages; ++i) {
      const bool a = i % 2 == 1;
      auto committed = gateway_->Commit(util::AcceptedMessage(
          "m-" + std::to_string(1000 + i), a ? util::kPoliceRef : "ST/21/2026/000777",
          a ? util::ChildA() : util::ChildB(), util::Base() + minutes(i)));
      ASSERT_TRUE(committed.ok()) << committed.error().detail;
    }
  }

  Outcome Keygen() {
    return Capture(
        [&](auto& out, auto& err) { return RunAuditKeygenCommand({config_.string()}, out, err); });
  }
  Outcome Checkpoint() {
    return Capture([&](auto& out, auto& err) {
      return RunAuditCheckpointCommand({config_.string()}, util::Base() + 1h, out, err);
    });
  }
  Outcome Verify() {
    AuditVerifyCommandArgs args;
    args.config = config_.string();
    return Capture([&](auto& out, auto& err) { return RunAuditVerifyCommand(args, out, err); });
  }

  isagw::testing::PostgresTestCluster cluster_;
  std::string schema_;
  isagw::testing::ScratchDir dir_;
  fs::path config_;
  std::unique_ptr<store::PostgresStore> gateway_;
};

TEST_F(PostgresCommands, AuditCheckpointVerifySubjectAndExportHeadReadTheSharedDatabase) {
  Accept(3);
  ASSERT_EQ(Keygen().code, 0);
  const Outcome checkpoint = Checkpoint();
  ASSERT_EQ(checkpoint.code, 0) << checkpoint.err;
  EXPECT_EQ(checkpoint.out, "audit checkpoint 1 signs entry 6\n");
  EXPECT_EQ(Count("audit_checkpoints"), 1);

  Outcome verified = Verify();
  EXPECT_EQ(verified.code, 0) << verified.out << verified.err;
  EXPECT_TRUE(Contains(verified.out, "entries: 6")) << verified.out;

  AuditSubjectCommandArgs subject;
  subject.config = config_.string();
  subject.nhs_number = util::kNhsNumber;
  subject.format = "csv";
  const Outcome found =
      Capture([&](auto& out, auto& err) { return RunAuditSubjectCommand(subject, out, err); });
  ASSERT_EQ(found.code, 0) << found.err;
  EXPECT_TRUE(Contains(found.out, "m-1001,m-1001-la-derby")) << found.out;
  EXPECT_TRUE(Contains(found.out, "m-1003,m-1003-la-derby")) << found.out;
  EXPECT_FALSE(Contains(found.out, "m-1002")) << "another child's disclosure";
  // The search is appended to the shared audit, as entry 7.
  EXPECT_EQ(Count(schema_ + ".audit WHERE kind = 'subject_searched'"), 1);

  const Outcome head = Capture([&](auto& out, auto& err) {
    return RunAuditExportHeadCommand({config_.string()}, out, err);
  });
  ASSERT_EQ(head.code, 0) << head.err;
  // The head as the last checkpoint signed it: the search came after.
  EXPECT_TRUE(Contains(head.out, "\"seq\": 6") || Contains(head.out, "\"seq\":6")) << head.out;

  // Someone with write access to the database edits an entry.
  ASSERT_TRUE(Admin("UPDATE " + schema_ +
                    ".audit SET body = replace(body, 'm-1002', 'm-1009') WHERE seq = 3"));
  verified = Verify();
  EXPECT_EQ(verified.code, 1);
  EXPECT_TRUE(Contains(verified.out, "FAILED at entry 3: hash_mismatch")) << verified.out;
}

TEST_F(PostgresCommands, AuditRefusesASchemaNoGatewaySetUp) {
  gateway_.reset();
  ASSERT_TRUE(Admin("DROP SCHEMA " + schema_ + " CASCADE; CREATE SCHEMA " + schema_));
  const Outcome verified = Verify();
  EXPECT_EQ(verified.code, 2);
  EXPECT_TRUE(Contains(verified.err, "no gateway schema")) << verified.err;
  EXPECT_EQ(Checkpoint().code, 2);
  EXPECT_FALSE(Admin("SELECT 1 FROM " + schema_ + ".schema_version")) << "nothing was created";
}

TEST_F(PostgresCommands, TimersListsAnEpisodesClockFromTheSharedDatabase) {
  safeguarding::TimerSpec spec;
  spec.reason = model::EscalationReason::kMissing72Hours;
  spec.source = {"SG-DERBY-2026", "§2.2", 20};
  spec.notify = {policy::Role::kHostLa};
  spec.detail = "SG-DERBY-2026 §2.2: missing 72 hours or longer";
  store::Acceptance missing =
      util::AcceptedMessage("m-1", util::kPoliceRef, util::ChildA(), util::Base());
  missing.message.police_ref = util::kPoliceRef;
  missing.arm_timers.push_back({std::string(util::kPoliceRef) + "|long_missing", util::kPoliceRef,
                                std::string(safeguarding::kLongMissing), util::Base() + 72h,
                                safeguarding::SpecToJson(spec).dump(), "m-1"});
  ASSERT_TRUE(gateway_->Commit(missing).ok());

  PolicyTimersArgs args;
  args.config = config_.string();
  args.police_ref = util::kPoliceRef;
  const Outcome listed =
      Capture([&](auto& out, auto& err) { return RunPolicyTimersCommand(args, out, err); });
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_TRUE(Contains(listed.out, "1 timer,")) << listed.out;
  EXPECT_TRUE(Contains(listed.out, "long_missing  armed")) << listed.out;
  EXPECT_TRUE(Contains(listed.out, "SG-DERBY-2026 §2.2")) << listed.out;
  EXPECT_FALSE(Contains(listed.out, util::kForename));
}

TEST_F(PostgresCommands, AReportRunsOnTheSharedDatabaseAndIsAuditedThere) {
  // The replica is working: it has claimed copies under its lease. The
  // tool runs under a name of its own (it could not take gateway-1 while
  // the replica lives) and leaves those leases alone (threat CLI-D1).
  for (int i = 1; i <= 3; ++i) {
    store::Acceptance pushed = util::AcceptedMessage(
        "m-push-" + std::to_string(i), util::kPoliceRef, util::ChildA(), util::Base() + minutes(i));
    for (auto& delivery : pushed.deliveries) delivery.mode = store::DeliveryMode::kPush;
    ASSERT_TRUE(gateway_->Commit(pushed).ok());
  }
  auto claimed = gateway_->ClaimDueDeliveries(util::Base() + 1h, util::Base() + 2h, /*limit=*/100);
  ASSERT_TRUE(claimed.ok()) << claimed.error().detail;
  ASSERT_FALSE(claimed->empty());
  const std::string leased = "outbox WHERE lease_holder = 'gateway-1' AND lease_until IS NOT NULL";
  const int leases = Count(leased);
  ASSERT_EQ(leases, static_cast<int>(claimed->size()));

  ReportArgs args;
  args.config = config_.string();
  args.report = "hotspots";
  args.agency = "police-derbys";
  args.period = "2026-11";
  args.at = "2026-12-01T09:00:00Z";
  const Outcome report =
      Capture([&](auto& out, auto& err) { return RunReportCommand(args, out, err); });
  ASSERT_EQ(report.code, 0) << report.err;
  EXPECT_EQ(report.out, "rank,place,episodes,children,last_seen,found,stayed\r\n");
  EXPECT_EQ(Count("audit WHERE kind = 'report_run'"), 1);
  EXPECT_EQ(Count(leased), leases);
  EXPECT_EQ(Count("outbox WHERE lease_holder IS NOT NULL AND lease_holder <> 'gateway-1'"), 0);
}

}  // namespace
}  // namespace isagw::cli
