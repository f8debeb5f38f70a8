#include "gateway/server/rate_limiter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>

namespace isagw::server {
namespace {

// A clock the test moves by hand: no sleeps, no timing flakiness.
struct ManualClock {
  std::chrono::steady_clock::time_point now{};
  TokenBucketRateLimiter::Clock AsClock() {
    return [this] { return now; };
  }
};

TEST(TokenBucketRateLimiter, AllowsTheBurstThenRefuses) {
  ManualClock clock;
  TokenBucketRateLimiter limiter({1.0, 3.0}, clock.AsClock());
  EXPECT_TRUE(limiter.TryAcquire("police-staffs").allowed);
  EXPECT_TRUE(limiter.TryAcquire("police-staffs").allowed);
  EXPECT_TRUE(limiter.TryAcquire("police-staffs").allowed);
  EXPECT_FALSE(limiter.TryAcquire("police-staffs").allowed);
}

TEST(TokenBucketRateLimiter, RefillsAtTheSustainedRate) {
  ManualClock clock;
  TokenBucketRateLimiter limiter({2.0, 1.0}, clock.AsClock());
  EXPECT_TRUE(limiter.TryAcquire("a").allowed);
  EXPECT_FALSE(limiter.TryAcquire("a").allowed);
  clock.now += std::chrono::milliseconds(500);
  EXPECT_TRUE(limiter.TryAcquire("a").allowed);
  EXPECT_FALSE(limiter.TryAcquire("a").allowed);
  // Refill never exceeds the burst.
  clock.now += std::chrono::hours(1);
  EXPECT_TRUE(limiter.TryAcquire("a").allowed);
  EXPECT_FALSE(limiter.TryAcquire("a").allowed);
}

TEST(TokenBucketRateLimiter, RetryAfterIsTheWaitForOneTokenRoundedUpToWholeSeconds) {
  ManualClock clock;
  TokenBucketRateLimiter limiter({0.25, 1.0}, clock.AsClock());
  ASSERT_TRUE(limiter.TryAcquire("a").allowed);
  EXPECT_EQ(limiter.TryAcquire("a").retry_after, std::chrono::seconds(4));
  clock.now += std::chrono::milliseconds(3500);
  EXPECT_EQ(limiter.TryAcquire("a").retry_after, std::chrono::seconds(1));

  TokenBucketRateLimiter fast({100.0, 1.0}, clock.AsClock());
  ASSERT_TRUE(fast.TryAcquire("a").allowed);
  EXPECT_EQ(fast.TryAcquire("a").retry_after, std::chrono::seconds(1));
}

TEST(TokenBucketRateLimiter, KeepsOneBucketPerAgency) {
  ManualClock clock;
  TokenBucketRateLimiter limiter({1.0, 1.0}, clock.AsClock());
  EXPECT_TRUE(limiter.TryAcquire("police-staffs").allowed);
  EXPECT_FALSE(limiter.TryAcquire("police-staffs").allowed);
  EXPECT_TRUE(limiter.TryAcquire("la-stoke").allowed);
}

TEST(TokenBucketRateLimiter, AppliesAnAgencysOwnLimit) {
  ManualClock clock;
  TokenBucketRateLimiter limiter({1.0, 1.0}, clock.AsClock());
  limiter.SetAgencyLimits({{"police-derbys", {1.0, 5.0}}});
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.TryAcquire("police-derbys").allowed) << i;
  EXPECT_FALSE(limiter.TryAcquire("police-derbys").allowed);
  EXPECT_TRUE(limiter.TryAcquire("la-stoke").allowed);
  EXPECT_FALSE(limiter.TryAcquire("la-stoke").allowed);
}

TEST(TokenBucketRateLimiter, ANewTableWithTheSameLimitDoesNotRefillTheBucket) {
  ManualClock clock;
  TokenBucketRateLimiter limiter({1.0, 1.0}, clock.AsClock());
  const std::map<std::string, RateLimit> limits = {{"police-derbys", {1.0, 3.0}}};
  limiter.SetAgencyLimits(limits);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.TryAcquire("police-derbys").allowed) << i;
  limiter.SetAgencyLimits(limits);
  EXPECT_FALSE(limiter.TryAcquire("police-derbys").allowed);
}

TEST(TokenBucketRateLimiter, ALoweredLimitCutsTheBucketToItsNewBurstAtOnce) {
  ManualClock clock;
  TokenBucketRateLimiter limiter({1.0, 10.0}, clock.AsClock());
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(limiter.TryAcquire("police-staffs").allowed) << i;
  ASSERT_TRUE(limiter.TryAcquire("police-derbys").allowed);
  limiter.SetAgencyLimits({{"police-staffs", {1.0, 3.0}}});
  // Eight tokens left, cut to three.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.TryAcquire("police-staffs").allowed) << i;
  EXPECT_FALSE(limiter.TryAcquire("police-staffs").allowed);
  // Another agency's bucket is as it was: nine tokens.
  for (int i = 0; i < 9; ++i) EXPECT_TRUE(limiter.TryAcquire("police-derbys").allowed) << i;
  EXPECT_FALSE(limiter.TryAcquire("police-derbys").allowed);
}

TEST(TokenBucketRateLimiter, AChangedRateAppliesFromTheChangeOn) {
  ManualClock clock;
  TokenBucketRateLimiter limiter({1.0, 1.0}, clock.AsClock());
  ASSERT_TRUE(limiter.TryAcquire("a").allowed);
  ASSERT_FALSE(limiter.TryAcquire("a").allowed);
  clock.now += std::chrono::milliseconds(500);  // half a token at the old rate
  limiter.SetAgencyLimits({{"a", {10.0, 5.0}}});
  EXPECT_FALSE(limiter.TryAcquire("a").allowed);
  clock.now += std::chrono::milliseconds(50);  // and half at the new one
  EXPECT_TRUE(limiter.TryAcquire("a").allowed);
  EXPECT_FALSE(limiter.TryAcquire("a").allowed);
}

TEST(TokenBucketRateLimiter, AnAgencyLeftOutOfANewTableFallsBackToTheDefault) {
  ManualClock clock;
  TokenBucketRateLimiter limiter({1.0, 1.0}, clock.AsClock());
  limiter.SetAgencyLimits({{"a", {1.0, 5.0}}});
  ASSERT_TRUE(limiter.TryAcquire("a").allowed);  // four left
  limiter.SetAgencyLimits({});
  EXPECT_TRUE(limiter.TryAcquire("a").allowed);  // cut to the default burst of one
  EXPECT_FALSE(limiter.TryAcquire("a").allowed);
  clock.now += std::chrono::seconds(10);
  EXPECT_TRUE(limiter.TryAcquire("a").allowed);
  EXPECT_FALSE(limiter.TryAcquire("a").allowed);
}

TEST(RateLimit, IsUsableOnlyWhenFiniteAndNotNegative) {
  EXPECT_TRUE(IsUsable({0.0, 0.0}));
  EXPECT_TRUE(IsUsable({0.5, 100.0}));
  EXPECT_FALSE(IsUsable({-1.0, 10.0}));
  EXPECT_FALSE(IsUsable({1.0, -1.0}));
  EXPECT_FALSE(IsUsable({std::nan(""), 10.0}));
  EXPECT_FALSE(IsUsable({1.0, std::numeric_limits<double>::infinity()}));
}

TEST(TokenBucketRateLimiter, ZeroRateRefusesWithAMinuteRetry) {
  ManualClock clock;
  TokenBucketRateLimiter limiter({0.0, 0.0}, clock.AsClock());
  const auto decision = limiter.TryAcquire("a");
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.retry_after, std::chrono::seconds(60));
}

}  // namespace
}  // namespace isagw::server
