#include "gateway/crypto/sealer.h"

#include <gtest/gtest.h>

namespace isagw::crypto {
namespace {

std::shared_ptr<KeyRing> RingWith(std::initializer_list<std::pair<std::string, std::uint8_t>> keys) {
  auto ring = std::make_shared<KeyRing>();
  for (const auto& [id, fill] : keys) {
    SecretKey key{};
    key.fill(fill);
    ring->Add("inbound", id, key);
  }
  return ring;
}

TEST(Sealer, OpensWhatItSealed) {
  Sealer sealer(RingWith({{"k1", 1}}));
  auto sealed = sealer.Seal("inbound", "a child's record", "message:42");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->find("child"), std::string::npos);
  auto opened = sealer.Open("inbound", *sealed, "message:42");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "a child's record");
}

TEST(Sealer, SealsTheSameTextDifferentlyEachTime) {
  Sealer sealer(RingWith({{"k1", 1}}));
  EXPECT_NE(*sealer.Seal("inbound", "x", "c"), *sealer.Seal("inbound", "x", "c"));
}

TEST(Sealer, RefusesAPayloadMovedToAnotherContext) {
  Sealer sealer(RingWith({{"k1", 1}}));
  auto sealed = sealer.Seal("inbound", "record", "message:42");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealer.Open("inbound", *sealed, "message:43").error(), SealError::kForged);
}

TEST(Sealer, RefusesAnyAlteredByte) {
  Sealer sealer(RingWith({{"k1", 1}}));
  const std::string sealed = *sealer.Seal("inbound", "record", "c");
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    std::string altered = sealed;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    EXPECT_FALSE(sealer.Open("inbound", altered, "c").ok()) << "byte " << i;
  }
}

TEST(Sealer, OldKeysStillOpenAfterRotation) {
  auto ring = RingWith({{"k1", 1}});
  Sealer before(ring);
  const std::string old_payload = *before.Seal("inbound", "old", "c");
  ring->Add("inbound", "k2", SecretKey{});
  Sealer after(ring);
  EXPECT_EQ(*Sealer::KeyIdOf(*after.Seal("inbound", "new", "c")), "k2");
  EXPECT_EQ(*after.Open("inbound", old_payload, "c"), "old");
  EXPECT_EQ(*Sealer::KeyIdOf(old_payload), "k1");
}

TEST(Sealer, AShreddedKeyLeavesItsPayloadsUnreadable) {
  Sealer original(RingWith({{"k1", 1}}));
  const std::string sealed = *original.Seal("inbound", "record", "c");
  Sealer shredded(RingWith({{"k2", 2}}));  // k1 deleted
  EXPECT_EQ(shredded.Open("inbound", sealed, "c").error(), SealError::kNoKey);
}

TEST(Sealer, RefusesToSealWithoutAKey) {
  Sealer sealer(std::make_shared<KeyRing>());
  EXPECT_EQ(sealer.Seal("inbound", "x", "c").error(), SealError::kNoKey);
}

TEST(Sealer, RefusesGarbage) {
  Sealer sealer(RingWith({{"k1", 1}}));
  EXPECT_EQ(sealer.Open("inbound", "", "c").error(), SealError::kMalformed);
  EXPECT_EQ(sealer.Open("inbound", "S1\x05k", "c").error(), SealError::kMalformed);
}

}  // namespace
}  // namespace isagw::crypto
