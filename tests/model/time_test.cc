#include "gateway/model/time.h"

#include <gtest/gtest.h>

namespace isagw::model {
namespace {

using namespace std::chrono;

TEST(ModelTime, FormatsTimestampsAsUtcWithZ) {
  const Timestamp t = sys_days{2026y / November / 22} + 19h + 5min;
  EXPECT_EQ(FormatTimestamp(t), "2026-11-22T19:05:00Z");
}

TEST(ModelTime, ParsesRfc3339WithOffsets) {
  auto z = ParseRfc3339("2026-06-01T10:00:00Z");
  auto plus = ParseRfc3339("2026-06-01T11:00:00+01:00");
  ASSERT_TRUE(z && plus);
  EXPECT_EQ(*z, *plus);
  EXPECT_EQ(FormatTimestamp(*ParseRfc3339("2026-06-01T00:30:00-02:00")), "2026-06-01T02:30:00Z");
}

TEST(ModelTime, RefusesMalformedTimestamps) {
  EXPECT_FALSE(ParseRfc3339("2026-06-01 10:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-06-01T10:00:00"));
  EXPECT_FALSE(ParseRfc3339("2026-06-01T24:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-02-30T10:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-06-01T10:00:00.5Z"));
}

TEST(ModelTime, ParsesOnlyRealDates) {
  EXPECT_TRUE(ParseIsoDate("2024-02-29"));
  EXPECT_FALSE(ParseIsoDate("2026-02-29"));
  EXPECT_FALSE(ParseIsoDate("2026-13-01"));
  EXPECT_FALSE(ParseIsoDate("26-01-01"));
  EXPECT_EQ(FormatDate(*ParseIsoDate("2010-05-04")), "2010-05-04");
}

}  // namespace
}  // namespace isagw::model
