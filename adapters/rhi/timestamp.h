// The timestamps of the rhi forms, read into UTC.
//
// RFC 3339 ("2026-11-24T10:00:00Z", "2026-07-14T16:30:00+01:00"). A time
// without a zone is UK local time, as the common rules for every external
// format say (docs/formats.md); a local time in the hour skipped when the
// clocks go forward never happened and is refused. Fractional seconds are
// accepted and dropped (rounded down): the canonical model keeps whole
// seconds, and many providers' systems always write milliseconds. Rounding
// down never moves an instant later, so "not before" checks stay sound.
#pragma once

#include <string_view>

#include "gateway/common/result.h"
#include "gateway/model/time.h"

namespace isagw::adapters::rhi {

enum class TimestampError {
  kMalformed,             // not RFC 3339 (or a local time of that shape)
  kNonexistentLocalTime,  // a UK local time skipped by the spring change
};

Result<model::Timestamp, TimestampError> ParseProviderTimestamp(std::string_view text);

}  // namespace isagw::adapters::rhi
