// Clock: where the delivery side gets "now". Injected everywhere so that
// backoff, leases, horizons and circuit breakers can be tested without
// sleeping: tests move a manual clock instead.
#pragma once

#include "gateway/model/time.h"

namespace isagw::delivery {

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

}  // namespace isagw::delivery
