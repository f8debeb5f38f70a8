#include "gateway/delivery/circuit_breaker.h"

#include <gtest/gtest.h>

#include "tests/delivery/manual_clock.h"

namespace isagw::delivery {
namespace {

using namespace std::chrono;
using State = CircuitBreaker::State;
using testing::ManualClock;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  ManualClock clock_{sys_days{2026y / November / 22}};
  CircuitBreaker breaker_{clock_, CircuitBreakerOptions{3, 30s}};

  void FailTimes(int times) {
    for (int i = 0; i < times; ++i) {
      ASSERT_TRUE(breaker_.Allow());
      breaker_.RecordFailure();
    }
  }
};

TEST_F(CircuitBreakerTest, StaysClosedBelowTheThreshold) {
  FailTimes(2);
  EXPECT_EQ(breaker_.state(), State::kClosed);
  EXPECT_TRUE(breaker_.Allow());
}

TEST_F(CircuitBreakerTest, OpensAfterConsecutiveFailures) {
  FailTimes(3);
  EXPECT_EQ(breaker_.state(), State::kOpen);
  EXPECT_FALSE(breaker_.Allow());
  EXPECT_EQ(breaker_.open_until(), clock_.Now() + 30s);
}

TEST_F(CircuitBreakerTest, ASuccessResetsTheCount) {
  FailTimes(2);
  breaker_.RecordSuccess();
  FailTimes(2);
  EXPECT_EQ(breaker_.state(), State::kClosed);
}

TEST_F(CircuitBreakerTest, StaysOpenDuringTheCoolDown) {
  FailTimes(3);
  clock_.Advance(29s);
  EXPECT_EQ(breaker_.state(), State::kOpen);
  EXPECT_FALSE(breaker_.Allow());
}

TEST_F(CircuitBreakerTest, HalfOpensAfterTheCoolDownForExactlyOneTrial) {
  FailTimes(3);
  clock_.Advance(30s);
  EXPECT_EQ(breaker_.state(), State::kHalfOpen);
  EXPECT_TRUE(breaker_.Allow());
  EXPECT_FALSE(breaker_.Allow());
  EXPECT_FALSE(breaker_.Allow());
}

TEST_F(CircuitBreakerTest, ClosesWhenTheTrialSucceeds) {
  FailTimes(3);
  clock_.Advance(30s);
  ASSERT_TRUE(breaker_.Allow());
  breaker_.RecordSuccess();
  EXPECT_EQ(breaker_.state(), State::kClosed);
  EXPECT_TRUE(breaker_.Allow());
  EXPECT_TRUE(breaker_.Allow());
  EXPECT_EQ(breaker_.consecutive_failures(), 0);
}

TEST_F(CircuitBreakerTest, ReopensForANewCoolDownWhenTheTrialFails) {
  FailTimes(3);
  clock_.Advance(45s);
  ASSERT_TRUE(breaker_.Allow());
  breaker_.RecordFailure();
  EXPECT_EQ(breaker_.state(), State::kOpen);
  EXPECT_EQ(breaker_.open_until(), clock_.Now() + 30s);
  EXPECT_FALSE(breaker_.Allow());
}

TEST_F(CircuitBreakerTest, AnAbandonedTrialLetsAnotherOneThrough) {
  FailTimes(3);
  clock_.Advance(30s);
  ASSERT_TRUE(breaker_.Allow());
  breaker_.RecordAbandoned();
  EXPECT_TRUE(breaker_.Allow());
}

TEST_F(CircuitBreakerTest, LateFailuresDoNotExtendTheCoolDown) {
  // Attempts admitted before it opened finish after: the cool-down stands.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(breaker_.Allow());
  for (int i = 0; i < 3; ++i) breaker_.RecordFailure();
  const model::Timestamp until = breaker_.open_until();
  clock_.Advance(10s);
  breaker_.RecordFailure();
  breaker_.RecordFailure();
  EXPECT_EQ(breaker_.open_until(), until);
}

TEST(CircuitStateName, NamesEveryState) {
  EXPECT_EQ(CircuitStateName(State::kClosed), "closed");
  EXPECT_EQ(CircuitStateName(State::kOpen), "open");
  EXPECT_EQ(CircuitStateName(State::kHalfOpen), "half_open");
}

}  // namespace
}  // namespace isagw::delivery
