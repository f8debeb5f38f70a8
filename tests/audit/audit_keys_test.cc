#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "audit_test_util.h"
#include "gateway/audit/audit_key.h"
#include "gateway/audit/signing_key.h"

namespace isagw::audit {
namespace {

using namespace test_util;

unsigned ModeOf(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0);
  return info.st_mode & 0777;
}

std::string Contents(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

TEST(AuditKeyFile, IsGeneratedOwnerOnlyAndLoadsBack) {
  ScratchDir dir;
  ASSERT_TRUE(GenerateAuditKeyFile(dir / "audit.key").ok());
  EXPECT_EQ(ModeOf(dir / "audit.key"), 0600u);
  auto key = AuditKey::Load(dir / "audit.key");
  ASSERT_TRUE(key.ok()) << key.error().reason;
  auto again = AuditKey::Load(dir / "audit.key");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(RecordHash(*key, "x"), RecordHash(*again, "x"));
  EXPECT_NE(RecordHash(*key, "x"), RecordHash(TestAuditKey(), "x"));
}

TEST(AuditKeyFile, IsNeverOverwritten) {
  ScratchDir dir;
  ASSERT_TRUE(GenerateAuditKeyFile(dir / "audit.key").ok());
  const std::string before = Contents(dir / "audit.key");
  EXPECT_FALSE(GenerateAuditKeyFile(dir / "audit.key").ok());
  EXPECT_EQ(Contents(dir / "audit.key"), before);
}

TEST(AuditKeyFile, RefusesAFileOthersCanRead) {
  ScratchDir dir;
  ASSERT_TRUE(GenerateAuditKeyFile(dir / "audit.key").ok());
  std::filesystem::permissions(dir / "audit.key", std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  auto key = AuditKey::Load(dir / "audit.key");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().reason.find("chmod 600"), std::string::npos);
}

TEST(AuditKeyFile, RefusesTheWrongLengthWithoutQuotingIt) {
  ScratchDir dir;
  {
    std::ofstream out(dir / "audit.key");
    out << "c2hvcnQ=\n";  // "short"
  }
  std::filesystem::permissions(
      dir / "audit.key", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto key = AuditKey::Load(dir / "audit.key");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().reason.find("c2hvcnQ"), std::string::npos);
}

TEST(SigningKeyFiles, AreGeneratedAsASecretAndAPublicFile) {
  ScratchDir dir;
  ASSERT_TRUE(GenerateSigningKeyFiles(dir / "signing.key", dir / "signing.pub").ok());
  EXPECT_EQ(ModeOf(dir / "signing.key"), 0600u);
  auto signer = CheckpointSigner::Load(dir / "signing.key");
  ASSERT_TRUE(signer.ok()) << signer.error().reason;
  auto public_key = LoadPublicKeyFile(dir / "signing.pub");
  ASSERT_TRUE(public_key.ok()) << public_key.error().reason;
  EXPECT_EQ(*public_key, signer->public_key());
  const Signature signature = signer->Sign("checkpoint");
  EXPECT_TRUE(SignatureValid(*public_key, "checkpoint", signature));
  EXPECT_FALSE(SignatureValid(*public_key, "checkpoinT", signature));
  EXPECT_FALSE(GenerateSigningKeyFiles(dir / "signing.key", dir / "other.pub").ok());
}

TEST(SigningKeyFiles, ADamagedSecretKeyIsRefused) {
  ScratchDir dir;
  ASSERT_TRUE(GenerateSigningKeyFiles(dir / "signing.key", dir / "signing.pub").ok());
  std::string text = Contents(dir / "signing.key");
  std::array<unsigned char, 64> bytes{};
  ASSERT_TRUE(FromBase64(text, bytes.data(), bytes.size()));
  bytes[40] ^= 0x01;  // in the public half: no longer matches the seed
  std::filesystem::remove(dir / "signing.key");
  ASSERT_TRUE(WriteNewKeyFile(dir / "signing.key", bytes.data(), bytes.size(), 0600).ok());
  EXPECT_FALSE(CheckpointSigner::Load(dir / "signing.key").ok());
}

TEST(SigningKeyFiles, PublicKeysTravelAsBase64) {
  const CheckpointSigner signer = TestSigner();
  const std::string text = PublicKeyText(signer.public_key());
  EXPECT_EQ(ParsePublicKey(text), std::optional<PublicKey>(signer.public_key()));
  EXPECT_FALSE(ParsePublicKey(text.substr(1)).has_value());
  EXPECT_FALSE(ParsePublicKey("").has_value());
}

}  // namespace
}  // namespace isagw::audit
