#include "gateway/delivery/retry_policy.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace isagw::delivery {
namespace {

using namespace std::chrono;

const model::Timestamp kCreated = sys_days{2026y / November / 22} + 21h + 41min;

RetryOptions Options(milliseconds base, milliseconds cap, seconds horizon) {
  RetryOptions options;
  options.base = base;
  options.cap = cap;
  options.horizon = horizon;
  return options;
}

TEST(RetryPolicy, DoublesItsCeilingUpToTheCap) {
  RetryPolicy policy(Options(1s, 60s, hours(24)), 1);
  EXPECT_EQ(policy.Ceiling(0), 1s);
  EXPECT_EQ(policy.Ceiling(1), 2s);
  EXPECT_EQ(policy.Ceiling(3), 8s);
  EXPECT_EQ(policy.Ceiling(6), 60s);
  EXPECT_EQ(policy.Ceiling(1000), 60s);
}

TEST(RetryPolicy, DrawsEveryBackoffBetweenZeroAndTheCeiling) {
  RetryPolicy policy(Options(1s, 60s, hours(24)), 7);
  for (int retry = 0; retry < 12; ++retry) {
    for (int i = 0; i < 200; ++i) {
      const milliseconds wait = policy.Backoff(retry);
      EXPECT_GE(wait, 0ms);
      EXPECT_LE(wait, policy.Ceiling(retry));
    }
  }
}

TEST(RetryPolicy, SpreadsRetriesWithFullJitter) {
  RetryPolicy policy(Options(1s, 60s, hours(24)), 11);
  std::set<milliseconds::rep> seen;
  for (int i = 0; i < 100; ++i) seen.insert(policy.Backoff(10).count());
  EXPECT_GT(seen.size(), 50u);
}

TEST(RetryPolicy, GivesTheSameJitterForTheSameSeed) {
  RetryPolicy first(Options(1s, 60s, hours(24)), 42);
  RetryPolicy second(Options(1s, 60s, hours(24)), 42);
  RetryPolicy other(Options(1s, 60s, hours(24)), 43);
  std::vector<milliseconds> a, b, c;
  for (int i = 0; i < 20; ++i) {
    a.push_back(first.Backoff(8));
    b.push_back(second.Backoff(8));
    c.push_back(other.Backoff(8));
  }
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(RetryPolicy, WaitsAtLeastOneWholeSecond) {
  RetryPolicy policy(Options(1ms, 1ms, hours(24)), 3);
  for (int i = 0; i < 50; ++i) {
    const auto decision = policy.AfterFailure(kCreated, 0, kCreated);
    ASSERT_FALSE(decision.dead);
    EXPECT_GE(decision.next_attempt_at, kCreated + 1s);
    EXPECT_LE(decision.next_attempt_at, kCreated + 1s);
  }
}

TEST(RetryPolicy, SchedulesTheNextAttemptWithinTheCeiling) {
  RetryPolicy policy(Options(1s, 300s, hours(24)), 5);
  const model::Timestamp now = kCreated + 10min;
  for (int attempts = 0; attempts < 12; ++attempts) {
    const auto decision = policy.AfterFailure(kCreated, attempts, now);
    ASSERT_FALSE(decision.dead);
    EXPECT_GE(decision.next_attempt_at, now + 1s);
    EXPECT_LE(decision.next_attempt_at, now + ceil<seconds>(policy.Ceiling(attempts)));
  }
}

TEST(RetryPolicy, GivesUpOnceTheHorizonHasPassed) {
  RetryPolicy policy(Options(1s, 1s, 60s), 1);
  EXPECT_FALSE(policy.AfterFailure(kCreated, 3, kCreated + 59s).dead);
  EXPECT_TRUE(policy.AfterFailure(kCreated, 3, kCreated + 60s).dead);
  EXPECT_TRUE(policy.Expired(kCreated, kCreated + 61s));
  EXPECT_FALSE(policy.Expired(kCreated, kCreated + 59s));
}

TEST(RetryPolicy, MakesTheLastAttemptAtTheHorizon) {
  RetryPolicy policy(Options(hours(1), hours(1), 60s), 1);
  for (int i = 0; i < 20; ++i) {
    const auto decision = policy.AfterFailure(kCreated, 5, kCreated + 50s);
    ASSERT_FALSE(decision.dead);
    EXPECT_LE(decision.next_attempt_at, kCreated + 60s);
  }
}

TEST(RetryPolicy, HonoursRetryAfter) {
  RetryPolicy policy(Options(1s, 2s, hours(24)), 1);
  const auto decision = policy.AfterFailure(kCreated, 0, kCreated, 120s);
  ASSERT_FALSE(decision.dead);
  EXPECT_EQ(decision.next_attempt_at, kCreated + 120s);
}

TEST(RetryPolicy, KeepsItsOwnBackoffWhenRetryAfterIsShorter) {
  RetryPolicy policy(Options(100s, 100s, hours(24)), 1);
  std::set<model::Timestamp> seen;
  for (int i = 0; i < 20; ++i) {
    const auto decision = policy.AfterFailure(kCreated, 0, kCreated, 0s);
    EXPECT_GE(decision.next_attempt_at, kCreated + 1s);
    seen.insert(decision.next_attempt_at);
  }
  EXPECT_GT(seen.size(), 1u);  // still jittered, not pinned to "now"
}

TEST(RetryPolicy, CapsAnExcessiveRetryAfter) {
  RetryOptions options = Options(1s, 1s, hours(24 * 5));
  options.max_retry_after = hours(1);
  RetryPolicy policy(options, 1);
  const auto decision = policy.AfterFailure(kCreated, 0, kCreated, hours(24 * 365));
  EXPECT_EQ(decision.next_attempt_at, kCreated + hours(1));
}

}  // namespace
}  // namespace isagw::delivery
