// ManualClock: a Clock that moves only when the test says so.
#pragma once

#include "gateway/common/clock.h"

namespace isagw::delivery::testing {

using isagw::ManualClock;

}  // namespace isagw::delivery::testing
