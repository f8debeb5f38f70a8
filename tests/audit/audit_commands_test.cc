#include "gateway/audit/audit_commands.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "audit_test_util.h"

namespace isagw::audit {
namespace {

using namespace test_util;

class AuditCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ostringstream out, err;
    ASSERT_EQ(RunAuditSigningKeygen(secret_, public_, out, err), 0) << err.str();
    ASSERT_EQ(RunAuditKeyKeygen(audit_key_, out, err), 0) << err.str();
  }

  // The store's audit log, opened afresh (as each command is a process).
  SqliteAuditLog Log() {
    auto log = SqliteAuditLog::Open(store_, /*migrate=*/true);
    EXPECT_TRUE(log.ok()) << log.error().detail;
    return std::move(*log);
  }

  int Verify(std::string& out, std::optional<std::filesystem::path> head = std::nullopt) {
    std::ostringstream o, e;
    auto log = Log();
    const int code = RunAuditVerify(log, {{public_}, std::move(head), false}, o, e);
    out = o.str() + e.str();
    return code;
  }

  ScratchDir dir_;
  std::filesystem::path store_ = dir_ / "gateway.db";
  std::filesystem::path secret_ = dir_ / "signing.key";
  std::filesystem::path public_ = dir_ / "signing.pub";
  std::filesystem::path audit_key_ = dir_ / "audit.key";
};

TEST_F(AuditCommandsTest, CheckpointThenVerifyThenExportTheHead) {
  BuildStore(store_, 3, {}, TestSigner());
  std::ostringstream out, err;
  auto log = Log();
  ASSERT_EQ(RunAuditCheckpoint(log, secret_, Base(), out, err), 0) << err.str();
  EXPECT_EQ(out.str(), "audit checkpoint 1 signs entry 6\n");

  std::string text;
  EXPECT_EQ(Verify(text), 0) << text;
  EXPECT_NE(text.find("audit verify: OK"), std::string::npos);
  EXPECT_NE(text.find("entries: 6"), std::string::npos);

  std::ostringstream head;
  ASSERT_EQ(RunAuditExportHead(log, head, err), 0) << err.str();
  {
    std::ofstream file(dir_ / "head.json");
    file << head.str();
  }
  EXPECT_EQ(Verify(text, dir_ / "head.json"), 0) << text;
  EXPECT_NE(text.find("signed head held outside matches"), std::string::npos);
}

TEST_F(AuditCommandsTest, VerifyExitsNonZeroNamingTheFirstBadEntry) {
  BuildStore(store_, 3, {}, TestSigner());
  std::ostringstream out, err;
  auto log = Log();
  ASSERT_EQ(RunAuditCheckpoint(log, secret_, Base(), out, err), 0) << err.str();
  {
    auto db = store::SqliteDatabase::Open(store_);
    ASSERT_TRUE(db->Execute("DELETE FROM audit WHERE seq = 4").ok());
  }
  std::string text;
  EXPECT_EQ(Verify(text), 1);
  EXPECT_NE(text.find("FAILED at entry 4: sequence_gap"), std::string::npos) << text;
}

TEST_F(AuditCommandsTest, VerifyRefusesAMissingPublicKeyFile) {
  BuildStore(store_, 1, {}, TestSigner());
  std::ostringstream out, err;
  auto log = Log();
  EXPECT_EQ(RunAuditVerify(log, {{dir_ / "none.pub"}, std::nullopt, false}, out, err), 2);
  EXPECT_NE(err.str().find("cannot be read"), std::string::npos);
}

TEST_F(AuditCommandsTest, SubjectFindsDisclosuresWithTheAuditKeyFile) {
  // A store whose pseudonyms come from the audit key file.
  auto key = AuditKey::Load(audit_key_);
  ASSERT_TRUE(key.ok());
  {
    auto opened = store::SqliteStore::Open(store_, TestSealer());
    ASSERT_TRUE(opened.ok());
    store::Acceptance a = AcceptedMessage("m-1", kPoliceRef, ChildA(), Base());
    a.audit.back() = ToAuditRecord(SampleDisclosure("m-1", ChildPseudonymizer(*key).All(ChildA()),
                                                    CanonicalRecord(kPoliceRef), "x"));
    ASSERT_TRUE((*opened)->Commit(a).ok());
  }
  auto log = Log();
  AuditSubjectArgs args;
  args.audit_key = audit_key_;
  args.nhs_number = "943 476 5919";
  args.format = "csv";
  args.searched_by = "auditor (uid 1001)";
  std::vector<store::AuditRecord> recorded;
  args.record = [&](const store::AuditRecord& record) {
    recorded.push_back(record);
    return true;
  };
  std::ostringstream out, err;
  ASSERT_EQ(RunAuditSubject(log, args, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("m-1,m-1-la-derby"), std::string::npos) << out.str();

  args.nhs_number.reset();
  args.person_id = "860:LCS-1";
  args.format = "json";
  std::ostringstream none;
  ASSERT_EQ(RunAuditSubject(log, args, none, err), 0) << err.str();
  EXPECT_EQ(none.str(), "[]\n");

  // Each search is audited: who looked, for whom (by pseudonym), what they saw.
  ASSERT_EQ(recorded.size(), 2u);
  const auto first = nlohmann::json::parse(recorded[0].body_json);
  EXPECT_EQ(recorded[0].kind, "subject_searched");
  EXPECT_EQ(first["subject"], ChildPseudonymizer(*key).OfNhsNumber("9434765919").str());
  EXPECT_EQ(first["identifier"], "nhs_number");
  EXPECT_EQ(first["searched_by"], "auditor (uid 1001)");
  EXPECT_EQ(first["format"], "csv");
  EXPECT_EQ(first["disclosures"], 1);
  EXPECT_EQ(recorded[0].body_json.find("9434765919"), std::string::npos);
  EXPECT_EQ(recorded[0].body_json.find("943 476 5919"), std::string::npos);
  const auto second = nlohmann::json::parse(recorded[1].body_json);
  EXPECT_EQ(second["identifier"], "person_id");
  EXPECT_EQ(second["disclosures"], 0);
  EXPECT_EQ(recorded[1].body_json.find("LCS-1"), std::string::npos);
}

TEST_F(AuditCommandsTest, SubjectShowsNothingOfASearchItCannotRecord) {
  BuildStore(store_, 1, {}, TestSigner());
  auto log = Log();
  AuditSubjectArgs args;
  args.audit_key = audit_key_;
  args.police_ref = kPoliceRef;
  std::ostringstream out, err;
  EXPECT_EQ(RunAuditSubject(log, args, out, err), 2);  // nothing to record it in
  args.record = [](const store::AuditRecord&) { return false; };
  EXPECT_EQ(RunAuditSubject(log, args, out, err), 2);  // the append failed
  EXPECT_EQ(out.str(), "");
  EXPECT_NE(err.str().find("could not be recorded"), std::string::npos) << err.str();
}

TEST_F(AuditCommandsTest, SubjectRefusesBadArgumentsWithoutEchoingThem) {
  BuildStore(store_, 1, {}, TestSigner());
  auto log = Log();
  AuditSubjectArgs args;
  args.audit_key = audit_key_;
  int recorded = 0;
  args.record = [&recorded](const store::AuditRecord&) { return ++recorded > 0; };
  std::ostringstream out, err;
  EXPECT_EQ(RunAuditSubject(log, args, out, err), 2);  // no identifier
  args.nhs_number = "94347659";
  EXPECT_EQ(RunAuditSubject(log, args, out, err), 2);
  EXPECT_EQ(err.str().find("94347659"), std::string::npos);
  args.nhs_number.reset();
  args.person_id = "Derby:LCS-1";
  EXPECT_EQ(RunAuditSubject(log, args, out, err), 2);
  args.person_id = "860:LCS-1";
  args.format = "xml";
  EXPECT_EQ(RunAuditSubject(log, args, out, err), 2);
  EXPECT_EQ(err.str().find("LCS-1"), std::string::npos);
  EXPECT_EQ(recorded, 0);  // a refused search searched nothing
}

TEST_F(AuditCommandsTest, ExportHeadNeedsACheckpoint) {
  BuildStore(store_, 1, {}, TestSigner());
  std::ostringstream out, err;
  auto log = Log();
  EXPECT_EQ(RunAuditExportHead(log, out, err), 2);
  EXPECT_TRUE(out.str().empty());
}

}  // namespace
}  // namespace isagw::audit
