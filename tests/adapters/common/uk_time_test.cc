#include "adapters/common/uk_time.h"

#include <gtest/gtest.h>

namespace isagw::adapters {
namespace {

using namespace std::chrono;

LocalTime Local(year_month_day d, hours h, minutes m) { return local_days{d} + h + m; }

std::string Utc(year_month_day d, hours h, minutes m) {
  auto utc = UkLocalToUtc(Local(d, h, m));
  return utc.ok() ? model::FormatTimestamp(*utc) : "nonexistent";
}

TEST(UkTime, WinterTimeIsUtc) {
  EXPECT_EQ(Utc(2026y / November / 22, 19h, 5min), "2026-11-22T19:05:00Z");
}

TEST(UkTime, SummerTimeIsOneHourAhead) {
  EXPECT_EQ(Utc(2026y / July / 1, 12h, 0min), "2026-07-01T11:00:00Z");
}

TEST(UkTime, TheSkippedSpringHourDoesNotExist) {
  // 29 March 2026: clocks go from 01:00 GMT to 02:00 BST.
  EXPECT_EQ(Utc(2026y / March / 29, 0h, 59min), "2026-03-29T00:59:00Z");
  EXPECT_EQ(Utc(2026y / March / 29, 1h, 0min), "nonexistent");
  EXPECT_EQ(Utc(2026y / March / 29, 1h, 59min), "nonexistent");
  EXPECT_EQ(Utc(2026y / March / 29, 2h, 0min), "2026-03-29T01:00:00Z");
}

TEST(UkTime, TheRepeatedAutumnHourTakesTheEarlierInstant) {
  // 25 October 2026: 01:00-01:59 happens first in BST, then in GMT.
  EXPECT_EQ(Utc(2026y / October / 25, 0h, 59min), "2026-10-24T23:59:00Z");
  EXPECT_EQ(Utc(2026y / October / 25, 1h, 30min), "2026-10-25T00:30:00Z");
  EXPECT_EQ(Utc(2026y / October / 25, 2h, 0min), "2026-10-25T02:00:00Z");
}

TEST(UkTime, UtcToLocalFollowsTheOffsetInForce) {
  const model::Timestamp summer = sys_days{2026y / July / 1} + 11h;
  EXPECT_EQ(UtcToUkLocal(summer), Local(2026y / July / 1, 12h, 0min));
  const model::Timestamp winter = sys_days{2026y / December / 1} + 11h;
  EXPECT_EQ(UtcToUkLocal(winter), Local(2026y / December / 1, 11h, 0min));
}

TEST(UkTime, TheSecondPassOfTheRepeatedHourReadsBackAsTheFirst) {
  // 01:30 GMT (the second 01:30 local) encodes as 01:30 local, which
  // decodes to the first 01:30 (BST): the documented one-hour loss.
  const model::Timestamp second = sys_days{2026y / October / 25} + 1h + 30min;
  const LocalTime local = UtcToUkLocal(second);
  EXPECT_EQ(local, Local(2026y / October / 25, 1h, 30min));
  EXPECT_EQ(model::FormatTimestamp(*UkLocalToUtc(local)), "2026-10-25T00:30:00Z");
}

}  // namespace
}  // namespace isagw::adapters
