#include "gateway/common/clock.h"

namespace isagw {

model::Timestamp SystemClock::Now() const {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace isagw
