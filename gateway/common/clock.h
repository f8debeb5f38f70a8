// Clock: where the gateway gets "now". One interface for every part that
// keeps time — delivery backoff, leases, horizons, circuit breakers, the
// safeguarding timers and the time stamped on each received message — so
// tests run days of simulated time in milliseconds by moving a ManualClock.
#pragma once

#include <atomic>
#include <chrono>

#include "gateway/model/time.h"

namespace isagw {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual model::Timestamp Now() const = 0;
};

// The wall clock, in whole seconds (the store keeps whole seconds).
class SystemClock final : public Clock {
 public:
  model::Timestamp Now() const override;
};

// A clock that moves only when told: for tests and simulations. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(model::Timestamp start) : now_(start.time_since_epoch().count()) {}
  model::Timestamp Now() const override {
    return model::Timestamp(std::chrono::seconds(now_.load()));
  }
  void Advance(std::chrono::seconds by) { now_ += by.count(); }
  void Set(model::Timestamp to) { now_ = to.time_since_epoch().count(); }

 private:
  std::atomic<std::chrono::seconds::rep> now_;
};

}  // namespace isagw
