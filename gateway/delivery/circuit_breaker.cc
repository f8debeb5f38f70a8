#include "gateway/delivery/circuit_breaker.h"

#include <algorithm>

namespace isagw::delivery {

CircuitBreaker::CircuitBreaker(const Clock& clock, CircuitBreakerOptions options)
    : clock_(clock), options_(options) {
  options_.failure_threshold = std::max(options_.failure_threshold, 1);
}

CircuitBreaker::State CircuitBreaker::state() const {
  if (!open_) return State::kClosed;
  return clock_.Now() >= open_until_ ? State::kHalfOpen : State::kOpen;
}

bool CircuitBreaker::Allow() {
  switch (state()) {
    case State::kClosed:
      return true;
    case State::kOpen:
      return false;
    case State::kHalfOpen:
      if (trial_in_flight_) return false;
      trial_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::RecordSuccess() {
  failures_ = 0;
  open_ = false;
  trial_in_flight_ = false;
}

void CircuitBreaker::RecordFailure() {
  ++failures_;
  // A failed trial reopens at once; a closed breaker opens at the threshold.
  // Results of attempts admitted before it opened do not extend the cool-down.
  if (open_) {
    if (trial_in_flight_) Open();
    return;
  }
  if (failures_ >= options_.failure_threshold) Open();
}

void CircuitBreaker::RecordAbandoned() { trial_in_flight_ = false; }

void CircuitBreaker::Open() {
  open_ = true;
  trial_in_flight_ = false;
  open_until_ = clock_.Now() + options_.cool_down;
}

std::string_view CircuitStateName(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::kClosed:
      return "closed";
    case CircuitBreaker::State::kOpen:
      return "open";
    case CircuitBreaker::State::kHalfOpen:
      return "half_open";
  }
  return "unknown";
}

}  // namespace isagw::delivery
