#include "gateway/server/rate_limiter.h"

#include <gtest/gtest.h>

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
  limiter.SetLimit("police-derbys", {1.0, 5.0});
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.TryAcquire("police-derbys").allowed) << i;
  EXPECT_FALSE(limiter.TryAcquire("police-derbys").allowed);
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
