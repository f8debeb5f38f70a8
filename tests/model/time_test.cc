#include "gateway/model/time.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

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

// The digits are written by hand; printf's "%04d-%02u-%02uT..." is the
// reference, over instants spread across years 0 to 9999, around the
// four-digit edges, and on either side of midnight and 1 January.
std::string PrintfTimestamp(Timestamp t) {
  const auto day = floor<days>(t);
  const Date ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

TEST(ModelTime, FormatsEveryInstantAsPrintfDoes) {
  const Timestamp first = sys_days{year{-3} / January / 1};
  const Timestamp last = sys_days{year{10002} / December / 31} + 23h + 59min + 59s;
  std::mt19937_64 random(20261207);
  std::uniform_int_distribution<std::int64_t> pick(first.time_since_epoch().count(),
                                                   last.time_since_epoch().count());
  std::vector<Timestamp> instants = {first,
                                     last,
                                     sys_days{0000y / January / 1},
                                     sys_days{9999y / December / 31} + 23h + 59min + 59s,
                                     sys_days{10000y / January / 1},
                                     sys_days{1970y / January / 1} - 1s,
                                     sys_days{2026y / January / 1} - 1s};
  for (int i = 0; i < 20000; ++i) instants.push_back(Timestamp{seconds{pick(random)}});
  for (const Timestamp t : instants) {
    ASSERT_EQ(FormatTimestamp(t), PrintfTimestamp(t)) << t.time_since_epoch().count();
    const Date d{floor<days>(t)};
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    ASSERT_EQ(FormatDate(d), buf);
  }
}

}  // namespace
}  // namespace isagw::model
