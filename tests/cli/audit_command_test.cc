// The `isagw audit ...` commands end to end through a configuration file:
// a minimal deployment in a scratch directory, a real store built through
// SqliteStore::Commit, and the command functions called as main() would.
#include "gateway/cli/audit_command.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/audit/key_file.h"
#include "gateway/audit/signing_key.h"
#include "tests/audit/audit_test_util.h"
#include "tests/cli/command_outcome.h"
#include "tests/common/temp_dir.h"
#include "tests/config/minimal_deployment.h"

namespace isagw::cli {
namespace {

using testing::Capture;
using testing::Contains;
using testing::Outcome;

namespace fs = std::filesystem;
namespace util = audit::test_util;
using isagw::testing::ReadText;
using isagw::testing::ScratchDir;

// The minimal registry and a local authority, for --person-id by agency id.
// ChildB in audit_test_util.h is known to LA 860 as LCS-778812.
constexpr std::string_view kLocalAuthority = R"(  - id: la-staffs
    kind: local_authority
    name: Staffordshire County Council
    codes: {la_number: "860", gss_code: E10000028}
    identity: {san_uri: "urn:isagw:agency:la:staffs"}
    formats: {sends: [council-xml], receives: [council-xml]}
    delivery: {mode: mailbox}
    routing: {postcode_districts: [ST16]}
)";

class AuditCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = isagw::testing::WriteMinimalDeployment(dir_);
    dir_.Write("registry.yaml",
               std::string(isagw::testing::kMinimalRegistryYaml) + std::string(kLocalAuthority));
    fs::create_directories(dir_.path() / "var");
  }

  // The store as the gateway would have written it, its pseudonyms made
  // with the audit key in audit.audit_key (messages m-1001, m-1002...,
  // two entries each, odd ones about ChildA, even ones about ChildB).
  void BuildStore(int messages) {
    fs::create_directories(audit_key_.parent_path());
    std::array<std::uint8_t, audit::AuditKey::kBytes> bytes{};
    bytes.fill(3);  // TestAuditKey's bytes
    ASSERT_TRUE(audit::WriteNewKeyFile(audit_key_, bytes.data(), bytes.size(), 0600).ok());
    util::BuildStore(store_, messages, {}, util::TestSigner());
  }

  // Runs `sql` on the database file directly, as someone with raw access
  // to it could; returns the rows it changed.
  int Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(store_.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << (message != nullptr ? message : "");
    sqlite3_free(message);
    const int changed = sqlite3_changes(db);
    sqlite3_close(db);
    return changed;
  }

  // The bodies of the audit's entries of `kind`, in order.
  std::vector<std::string> Bodies(const std::string& kind) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(store_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* query = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT body FROM audit WHERE kind = ?1 ORDER BY seq", -1,
                                 &query, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(query, 1, kind.c_str(), -1, SQLITE_TRANSIENT);
    std::vector<std::string> bodies;
    while (sqlite3_step(query) == SQLITE_ROW) {
      bodies.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(query, 0)));
    }
    sqlite3_finalize(query);
    sqlite3_close(db);
    return bodies;
  }

  AuditConfigArgs Config() const { return {config_.string()}; }

  Outcome Keygen() {
    return Capture([&](auto& out, auto& err) { return RunAuditKeygenCommand(Config(), out, err); });
  }

  Outcome Checkpoint() {
    return Capture([&](auto& out, auto& err) {
      return RunAuditCheckpointCommand(Config(), util::Base() + std::chrono::hours(1), out, err);
    });
  }

  Outcome ExportHead() {
    return Capture(
        [&](auto& out, auto& err) { return RunAuditExportHeadCommand(Config(), out, err); });
  }

  Outcome Verify(AuditVerifyCommandArgs args = {}) {
    args.config = config_.string();
    return Capture([&](auto& out, auto& err) { return RunAuditVerifyCommand(args, out, err); });
  }

  Outcome Subject(AuditSubjectCommandArgs args) {
    args.config = config_.string();
    return Capture([&](auto& out, auto& err) { return RunAuditSubjectCommand(args, out, err); });
  }

  ScratchDir dir_;
  fs::path config_;
  // Where kMinimalGatewayYaml puts them: store.path, and the audit's keys
  // by default under store.key_dir/audit/.
  fs::path store_ = dir_.path() / "var/isagw.db";
  fs::path audit_key_ = dir_.path() / "var/keys/audit/audit.key";
  fs::path signing_key_ = dir_.path() / "var/keys/audit/signing.key";
  fs::path public_key_ = dir_.path() / "var/keys/audit/signing.pub";
};

TEST_F(AuditCommand, KeygenMakesTheThreeKeysWhereTheConfigurationSays) {
  const Outcome run = Keygen();
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(fs::is_regular_file(signing_key_));
  EXPECT_TRUE(fs::is_regular_file(public_key_));
  EXPECT_TRUE(fs::is_regular_file(audit_key_));
  EXPECT_TRUE(Contains(run.out, "wrote " + signing_key_.string())) << run.out;
  EXPECT_TRUE(Contains(run.out, "wrote " + audit_key_.string())) << run.out;
  // The directories it made are the owner's only, like the keys.
  EXPECT_EQ(fs::status(audit_key_.parent_path()).permissions() & fs::perms::all,
            fs::perms::owner_all);
  EXPECT_EQ(fs::status(signing_key_).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto signer = audit::CheckpointSigner::Load(signing_key_);
  auto public_key = audit::LoadPublicKeyFile(public_key_);
  ASSERT_TRUE(signer.ok());
  ASSERT_TRUE(public_key.ok());
  EXPECT_EQ(signer->public_key(), *public_key);
}

TEST_F(AuditCommand, KeygenNeverReplacesAKeyAndSaysItKeptIt) {
  ASSERT_EQ(Keygen().code, 0);
  const std::string signing = ReadText(signing_key_);
  const std::string audit_key = ReadText(audit_key_);

  const Outcome again = Keygen();
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_TRUE(Contains(again.out, "kept " + signing_key_.string())) << again.out;
  EXPECT_TRUE(Contains(again.out, "kept " + audit_key_.string())) << again.out;
  EXPECT_FALSE(Contains(again.out, "wrote")) << again.out;
  EXPECT_EQ(ReadText(signing_key_), signing);
  EXPECT_EQ(ReadText(audit_key_), audit_key);
}

TEST_F(AuditCommand, KeygenWritesAMissingPublicHalfFromTheSigningKey) {
  ASSERT_EQ(Keygen().code, 0);
  const std::string public_key = ReadText(public_key_);
  fs::remove(public_key_);
  const Outcome run = Keygen();
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "wrote " + public_key_.string())) << run.out;
  EXPECT_EQ(ReadText(public_key_), public_key);
}

TEST_F(AuditCommand, KeygenRefusesAPublicKeyWithoutItsSigningKey) {
  ASSERT_EQ(Keygen().code, 0);
  fs::remove(signing_key_);
  const Outcome run = Keygen();
  EXPECT_EQ(run.code, 2);
  EXPECT_TRUE(Contains(run.err, "exists without")) << run.err;
  EXPECT_FALSE(fs::exists(signing_key_));
}

TEST_F(AuditCommand, KeygenRefusesAPublicKeyOfAnotherSigningKey) {
  ASSERT_EQ(Keygen().code, 0);
  const std::string other = audit::PublicKeyText(util::TestSigner().public_key()) + "\n";
  fs::remove(public_key_);
  dir_.Write("var/keys/audit/signing.pub", other);
  const Outcome run = Keygen();
  EXPECT_EQ(run.code, 2);
  EXPECT_TRUE(Contains(run.err, "is not the public half")) << run.err;
  EXPECT_EQ(ReadText(public_key_), other);
}

TEST_F(AuditCommand, VerifyPassesAnIntactLogSignedWithTheConfiguredKey) {
  BuildStore(3);
  ASSERT_EQ(Keygen().code, 0);
  const Outcome checkpoint = Checkpoint();
  ASSERT_EQ(checkpoint.code, 0) << checkpoint.err;
  EXPECT_EQ(checkpoint.out, "audit checkpoint 1 signs entry 6\n");

  const Outcome run = Verify();
  EXPECT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "audit verify: OK")) << run.out;
  EXPECT_TRUE(Contains(run.out, "entries: 6")) << run.out;
}

TEST_F(AuditCommand, VerifyFailsAfterAByteChangeNamingTheEntry) {
  BuildStore(3);
  ASSERT_EQ(Keygen().code, 0);
  ASSERT_EQ(Checkpoint().code, 0);
  // One byte of entry 3's body (message m-1002's "accepted" entry).
  ASSERT_EQ(Tamper("UPDATE audit SET body = replace(body, 'm-1002', 'm-1009') WHERE seq = 3"), 1);
  const Outcome run = Verify();
  EXPECT_EQ(run.code, 1);
  EXPECT_TRUE(Contains(run.out, "FAILED at entry 3: hash_mismatch")) << run.out << run.err;
}

TEST_F(AuditCommand, VerifyNeedsACheckpointUnlessUnsignedIsAllowed) {
  BuildStore(2);
  ASSERT_EQ(Keygen().code, 0);
  EXPECT_EQ(Verify().code, 1);
  AuditVerifyCommandArgs args;
  args.allow_unsigned = true;
  const Outcome run = Verify(args);
  EXPECT_EQ(run.code, 0) << run.out << run.err;
}

TEST_F(AuditCommand, VerifyTrustsTheConfiguredEarlierSigners) {
  // Checkpoints signed by an earlier key, now only in trusted_public_keys;
  // the configured public_key does not exist.
  BuildStore(2);
  auto log = audit::SqliteAuditLog::Open(store_);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(log->AppendCheckpoint(util::TestSigner(), util::Base() + std::chrono::hours(1)).ok());
  dir_.Write("keys/2025.pub", audit::PublicKeyText(util::TestSigner().public_key()) + "\n");

  Outcome run = Verify();
  EXPECT_EQ(run.code, 1) << "an untrusted signer must not pass";
  EXPECT_TRUE(Contains(run.out, "checkpoint_untrusted")) << run.out;
  EXPECT_TRUE(Contains(run.err, "(audit.public_key) does not exist")) << run.err;

  dir_.Write("gateway.yaml", std::string(isagw::testing::kMinimalGatewayYaml) +
                                 "audit:\n  trusted_public_keys: [keys/2025.pub]\n");
  run = Verify();
  EXPECT_EQ(run.code, 0) << run.out << run.err;

  // Or given on the command line.
  dir_.Write("gateway.yaml", isagw::testing::kMinimalGatewayYaml);
  AuditVerifyCommandArgs args;
  args.public_keys = {(dir_.path() / "keys/2025.pub").string()};
  run = Verify(args);
  EXPECT_EQ(run.code, 0) << run.out << run.err;
}

TEST_F(AuditCommand, CheckpointThenExportHeadGivesAHeadVerifyAccepts) {
  BuildStore(2);
  ASSERT_EQ(Keygen().code, 0);
  ASSERT_EQ(Checkpoint().code, 0);
  const Outcome head = ExportHead();
  ASSERT_EQ(head.code, 0) << head.err;
  EXPECT_TRUE(Contains(head.out, "\"isagw.audit.signed_head/1\"")) << head.out;
  EXPECT_TRUE(Contains(head.out, "\"seq\": 4")) << head.out;
  const fs::path file = dir_.Write("held/head.json", head.out);

  AuditVerifyCommandArgs args;
  args.signed_head = file.string();
  const Outcome run = Verify(args);
  EXPECT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "the signed head held outside matches")) << run.out;

  // The held head catches a log cut back behind it, checkpoints and all,
  // which the log alone cannot show.
  Tamper("DELETE FROM audit_checkpoints; DELETE FROM audit WHERE seq > 2");
  AuditVerifyCommandArgs unsigned_only;
  unsigned_only.allow_unsigned = true;
  EXPECT_EQ(Verify(unsigned_only).code, 0);
  args.allow_unsigned = true;
  const Outcome cut = Verify(args);
  EXPECT_EQ(cut.code, 1);
  EXPECT_TRUE(Contains(cut.out, "truncated")) << cut.out;
}

TEST_F(AuditCommand, ExportHeadNeedsACheckpoint) {
  BuildStore(1);
  const Outcome run = ExportHead();
  EXPECT_EQ(run.code, 2);
  EXPECT_TRUE(run.out.empty());
  EXPECT_TRUE(Contains(run.err, "no checkpoint")) << run.err;
}

TEST_F(AuditCommand, SubjectFindsTheEntriesByPoliceRef) {
  BuildStore(3);
  AuditSubjectCommandArgs args;
  args.police_ref = util::kPoliceRef;
  args.format = "csv";
  const Outcome run = Subject(args);
  ASSERT_EQ(run.code, 0) << run.err;
  // ChildA's messages are the odd ones.
  EXPECT_TRUE(Contains(run.out, "m-1001,")) << run.out;
  EXPECT_TRUE(Contains(run.out, "m-1003,")) << run.out;
  EXPECT_FALSE(Contains(run.out, "m-1002")) << run.out;
  EXPECT_FALSE(Contains(run.out + run.err, util::kPoliceRef));

  // The search itself is in the audit (CLI-R1): by pseudonym, with who ran it.
  const std::vector<std::string> searched = Bodies("subject_searched");
  ASSERT_EQ(searched.size(), 1u);
  EXPECT_TRUE(Contains(searched[0], "\"identifier\":\"police_ref\"")) << searched[0];
  EXPECT_TRUE(Contains(searched[0], "\"disclosures\":2")) << searched[0];
  EXPECT_TRUE(Contains(searched[0], "(uid ")) << searched[0];
  EXPECT_TRUE(Contains(searched[0], "\"subject\":\"cp:")) << searched[0];
  EXPECT_FALSE(Contains(searched[0], util::kPoliceRef)) << searched[0];
}

// CLI-I2: "-" keeps the identifier out of shell history and the process list.
TEST_F(AuditCommand, SubjectReadsAnIdentifierGivenAsADashFromStandardInput) {
  BuildStore(3);
  AuditSubjectCommandArgs args;
  args.police_ref = "-";
  args.format = "csv";
  std::istringstream input(std::string(util::kPoliceRef) + "\r\n");
  args.identifier_input = &input;
  const Outcome run = Subject(args);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "m-1001,")) << run.out;
  EXPECT_FALSE(Contains(run.out, "m-1002")) << run.out;

  std::istringstream empty;
  args.identifier_input = &empty;
  const Outcome nothing = Subject(args);
  EXPECT_EQ(nothing.code, 2);
  EXPECT_TRUE(Contains(nothing.err, "standard input")) << nothing.err;
}

TEST_F(AuditCommand, SubjectTakesALocalAuthoritysAgencyIdForItsLaNumber) {
  BuildStore(2);
  AuditSubjectCommandArgs args;
  args.person_id = "860:LCS-778812";
  args.format = "csv";
  const Outcome by_number = Subject(args);
  ASSERT_EQ(by_number.code, 0) << by_number.err;
  EXPECT_TRUE(Contains(by_number.out, "m-1002,")) << by_number.out;

  args.person_id = "la-staffs:LCS-778812";
  const Outcome by_agency = Subject(args);
  ASSERT_EQ(by_agency.code, 0) << by_agency.err;
  EXPECT_EQ(by_agency.out, by_number.out);
}

TEST_F(AuditCommand, SubjectRefusesAnAgencyThatIsNotALocalAuthorityWithoutEchoingTheId) {
  BuildStore(1);
  AuditSubjectCommandArgs args;
  args.person_id = "police-derbys:LCS-778812";
  const Outcome run = Subject(args);
  EXPECT_EQ(run.code, 2);
  EXPECT_TRUE(run.out.empty());
  EXPECT_FALSE(Contains(run.err, "LCS-778812")) << run.err;
  EXPECT_TRUE(Contains(run.err, "--person-id")) << run.err;
}

TEST_F(AuditCommand, AConfigurationThatDoesNotLoadPrintsItsErrorsAndExitsTwo) {
  BuildStore(1);
  dir_.Write("gateway.yaml",
             std::string(isagw::testing::kMinimalGatewayYaml) + "log_level: loud\n");
  const std::string where = config_.string() + ":16: log_level:";
  std::ostringstream out, err;
  EXPECT_EQ(RunAuditVerifyCommand({config_.string(), {}, "", false}, out, err), 2);
  EXPECT_EQ(RunAuditSubjectCommand({config_.string(), std::nullopt, "x", std::nullopt, "table"},
                                   out, err),
            2);
  EXPECT_EQ(RunAuditCheckpointCommand(Config(), util::Base(), out, err), 2);
  EXPECT_EQ(RunAuditExportHeadCommand(Config(), out, err), 2);
  EXPECT_EQ(RunAuditKeygenCommand(Config(), out, err), 2);
  EXPECT_TRUE(out.str().empty()) << out.str();
  std::size_t reported = 0;
  for (std::size_t at = 0; (at = err.str().find(where, at)) != std::string::npos; ++at) ++reported;
  EXPECT_EQ(reported, 5u) << err.str();
  EXPECT_FALSE(fs::exists(signing_key_));
}

TEST_F(AuditCommand, ReadingCommandsDoNotCreateAMissingStore) {
  ASSERT_EQ(Keygen().code, 0);
  const Outcome verify = Verify();
  EXPECT_EQ(verify.code, 2);
  EXPECT_TRUE(Contains(verify.err, "(store.path) does not exist")) << verify.err;
  EXPECT_EQ(ExportHead().code, 2);
  EXPECT_EQ(Checkpoint().code, 2);
  EXPECT_FALSE(fs::exists(store_));
}

}  // namespace
}  // namespace isagw::cli
