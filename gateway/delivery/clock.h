// The delivery side keeps time with the gateway's one Clock
// (gateway/common/clock.h); these names keep its callers short.
#pragma once

#include "gateway/common/clock.h"

namespace isagw::delivery {

using isagw::Clock;
using isagw::SystemClock;

}  // namespace isagw::delivery
