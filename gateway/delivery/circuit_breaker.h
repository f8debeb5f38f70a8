// CircuitBreaker: stops hammering a recipient that keeps failing.
//
//   closed    --N consecutive failures-->  open
//   open      --cool-down passed-------->  half-open (one trial admitted)
//   half-open --trial succeeds---------->  closed
//   half-open --trial fails------------->  open (a new cool-down)
//
// While open (and while a half-open trial is under way) the worker
// reschedules that recipient's deliveries without opening a connection.
// One breaker per recipient; not thread-safe (the worker's thread owns it).
#pragma once

#include <chrono>
#include <string_view>

#include "gateway/delivery/clock.h"

namespace isagw::delivery {

struct CircuitBreakerOptions {
  int failure_threshold = 5;
  std::chrono::seconds cool_down{30};
};

class CircuitBreaker {
 public:
  enum class State { kClosed, kOpen, kHalfOpen };

  CircuitBreaker(const Clock& clock, CircuitBreakerOptions options);

  // May an attempt start now? In half-open, true exactly once until the
  // trial's result is recorded.
  bool Allow();
  // The attempt's result. A success is any answer that shows the endpoint
  // works (a 2xx, or a refusal that retrying cannot fix).
  void RecordSuccess();
  void RecordFailure();
  // An admitted attempt that was never made (e.g. the worker stopped):
  // frees the half-open trial slot without counting either way.
  void RecordAbandoned();

  State state() const;
  // While open: when the cool-down ends.
  model::Timestamp open_until() const { return open_until_; }
  int consecutive_failures() const { return failures_; }

 private:
  void Open();

  const Clock& clock_;
  CircuitBreakerOptions options_;
  int failures_ = 0;
  bool open_ = false;
  bool trial_in_flight_ = false;
  model::Timestamp open_until_{};
};

std::string_view CircuitStateName(CircuitBreaker::State state);

}  // namespace isagw::delivery
