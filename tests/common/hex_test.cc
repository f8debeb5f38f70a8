#include "gateway/common/hex.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace isagw {
namespace {

TEST(Hex, WritesTwoLowerCaseDigitsAByteHighNibbleFirst) {
  const std::array<unsigned char, 6> bytes = {0x00, 0x0f, 0xf0, 0xff, 0xab, 0x19};
  EXPECT_EQ(HexOf(bytes), "000ff0ffab19");
  EXPECT_EQ(HexOf(std::span<const unsigned char>()), "");
}

TEST(Hex, EveryByteValueHasItsOwnPair) {
  std::vector<unsigned char> all(256);
  for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<unsigned char>(i);
  const std::string hex = HexOf(all);
  ASSERT_EQ(hex.size(), 512u);
  for (int i = 0; i < 256; ++i) {
    const std::string pair = hex.substr(static_cast<std::size_t>(2 * i), 2);
    EXPECT_EQ(std::stoi(pair, nullptr, 16), i) << pair;
    EXPECT_EQ(pair.find_first_not_of("0123456789abcdef"), std::string::npos) << pair;
  }
}

TEST(Hex, AppendsAfterWhatIsThere) {
  std::string id = "dlv_";
  const std::array<unsigned char, 2> bytes = {0x01, 0xfe};
  AppendHex(id, bytes);
  EXPECT_EQ(id, "dlv_01fe");
}

}  // namespace
}  // namespace isagw
