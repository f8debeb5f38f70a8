#include "gateway/crypto/key_ring.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace isagw::crypto {
namespace {

class KeyRingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("isagw-keyring-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(KeyRingTest, LoadsGeneratedKeysAndPicksTheNewestAsCurrent) {
  ASSERT_TRUE(GenerateKeyFile(dir_, "inbound", "2026-01").ok());
  ASSERT_TRUE(GenerateKeyFile(dir_, "inbound", "2026-11").ok());
  ASSERT_TRUE(GenerateKeyFile(dir_, "isa-derby", "2026-01").ok());
  auto ring = KeyRing::Load(dir_);
  ASSERT_TRUE(ring.ok()) << ring.error().reason;
  ASSERT_TRUE(ring->Current("inbound").has_value());
  EXPECT_EQ(ring->Current("inbound")->id, "2026-11");
  EXPECT_NE(ring->Find("inbound", "2026-01"), nullptr);
  EXPECT_EQ(ring->Scopes(), (std::vector<std::string>{"inbound", "isa-derby"}));
  EXPECT_FALSE(ring->Current("isa-unknown").has_value());
}

TEST_F(KeyRingTest, GeneratedKeyFilesAreOwnerOnly) {
  ASSERT_TRUE(GenerateKeyFile(dir_, "inbound", "k1").ok());
  struct stat info {};
  ASSERT_EQ(::stat((dir_ / "inbound" / "k1.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(KeyRingTest, NeverOverwritesAnExistingKey) {
  ASSERT_TRUE(GenerateKeyFile(dir_, "inbound", "k1").ok());
  EXPECT_FALSE(GenerateKeyFile(dir_, "inbound", "k1").ok());
}

TEST_F(KeyRingTest, RefusesKeyFilesOthersCanRead) {
  ASSERT_TRUE(GenerateKeyFile(dir_, "inbound", "k1").ok());
  std::filesystem::permissions(dir_ / "inbound" / "k1.key", std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  auto ring = KeyRing::Load(dir_);
  ASSERT_FALSE(ring.ok());
  EXPECT_NE(ring.error().reason.find("chmod 600"), std::string::npos);
}

TEST_F(KeyRingTest, RefusesKeysOfTheWrongLength) {
  std::filesystem::create_directories(dir_ / "inbound");
  const auto path = dir_ / "inbound" / "short.key";
  std::ofstream(path) << "c2hvcnQ=\n";  // "short"
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write);
  auto ring = KeyRing::Load(dir_);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error().reason, "must hold exactly 32 bytes in base64");
}

TEST_F(KeyRingTest, RefusesAMissingDirectory) {
  EXPECT_FALSE(KeyRing::Load(dir_ / "absent").ok());
}

}  // namespace
}  // namespace isagw::crypto
