#include "gateway/delivery/clock.h"

#include <chrono>

namespace isagw::delivery {

model::Timestamp SystemClock::Now() const {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace isagw::delivery
