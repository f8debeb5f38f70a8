// ManualClock: a Clock that moves only when the test says so.
#pragma once

#include <atomic>
#include <chrono>

#include "gateway/delivery/clock.h"

namespace isagw::delivery::testing {

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

}  // namespace isagw::delivery::testing
