#include "gateway/policy/key_provider.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace isagw::policy {
namespace {

namespace fs = std::filesystem;

class KeyDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("isagw-policy-keys-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text,
             fs::perms perms = fs::perms::owner_read | fs::perms::owner_write) {
    std::ofstream(dir_ / name) << text;
    fs::permissions(dir_ / name, perms);
  }
  fs::path dir_;
};

const std::string kHexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

TEST_F(KeyDirectory, ReadsOneKeyPerIsa) {
  Write("ISA-STAFFS-2026.key", kHexKey + "\n");
  Write("ISA-DERBY-2026.key", std::string(64, 'f'));
  Write("README", "ignored");
  auto ring = LoadKeyDirectory(dir_);
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->size(), 2u);
  auto key = ring->KeyFor("ISA-STAFFS-2026");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->data()[0], 0x00);
  EXPECT_EQ(key->data()[31], 0x1f);
  EXPECT_FALSE(ring->KeyFor("ISA-OOA-2026").has_value());
}

TEST_F(KeyDirectory, RefusesKeysOthersCanRead) {
  Write("ISA-STAFFS-2026.key", kHexKey,
        fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  auto ring = LoadKeyDirectory(dir_);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error()[0].code, "key_permissions");
  EXPECT_EQ(ring.error()[0].file, "ISA-STAFFS-2026.key");
}

TEST_F(KeyDirectory, RefusesMalformedKeysWithoutQuotingThem) {
  Write("ISA-STAFFS-2026.key", "not-a-key-but-a-secret");
  auto ring = LoadKeyDirectory(dir_);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error()[0].code, "key_format");
  EXPECT_EQ(Describe(ring.error()[0]).find("secret"), std::string::npos);
}

TEST_F(KeyDirectory, RefusesAKeyOfTheRightLengthWithANonHexDigit) {
  std::string key(kHexKey.substr(0, 64));
  key[40] = 'g';
  Write("ISA-STAFFS-2026.key", key);
  auto ring = LoadKeyDirectory(dir_);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error()[0].code, "key_format");
}

TEST_F(KeyDirectory, RefusesAShortKey) {
  Write("ISA-STAFFS-2026.key", kHexKey.substr(0, 32));
  EXPECT_FALSE(LoadKeyDirectory(dir_).ok());
}

TEST(KeyRing, HandsOutCopiesOfItsKeys) {
  unsigned char bytes[PseudonymKey::kBytes] = {9};
  KeyRing ring;
  ring.Add("ISA-A", PseudonymKey(bytes));
  EXPECT_EQ(ring.KeyFor("ISA-A")->data()[0], 9);
  EXPECT_FALSE(ring.KeyFor("ISA-B").has_value());
}

}  // namespace
}  // namespace isagw::policy
