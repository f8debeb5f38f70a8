#include "gateway/common/utf8.h"

#include <gtest/gtest.h>

namespace isagw {
namespace {

TEST(Utf8, AcceptsAsciiAndMultibyteText) {
  EXPECT_EQ(FindInvalidUtf8("plain"), std::nullopt);
  EXPECT_EQ(FindInvalidUtf8("Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x98\x80"), std::nullopt);
}

TEST(Utf8, RefusesOverlongEncodings) {
  EXPECT_EQ(FindInvalidUtf8("a\xC0\xAF"), 1u);
  EXPECT_EQ(FindInvalidUtf8("\xE0\x80\xAF"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\xF0\x80\x80\xAF"), 0u);
}

TEST(Utf8, RefusesSurrogatesAndCodePointsAboveTheMaximum) {
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);
}

TEST(Utf8, RefusesTruncatedAndStrayBytes) {
  EXPECT_EQ(FindInvalidUtf8("ab\xE2\x82"), 2u);
  EXPECT_EQ(FindInvalidUtf8("\x80"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\xFF"), 0u);
}

}  // namespace
}  // namespace isagw
