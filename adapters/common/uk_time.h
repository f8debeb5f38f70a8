// UK local time (Europe/London) <-> UTC, using the system time-zone
// database through Howard Hinnant's date library (the basis of C++20's
// <chrono> time zones, which GCC 12 lacks).
//
// Two local times need a rule:
//  - a time in the hour skipped when clocks go forward (last Sunday of
//    March, 01:00-01:59) never happened: it is refused;
//  - a time in the hour repeated when clocks go back (last Sunday of
//    October, 01:00-01:59) happened twice: we take the EARLIER instant
//    (BST, UTC+1). For a child last seen at that time this makes the
//    episode look longer, never shorter, so timers fire early rather than
//    late. Encoding the later instant back to local time then reads as the
//    earlier one: a documented loss of one hour (docs/formats/compact.md).
#pragma once

#include <chrono>

#include "gateway/common/result.h"
#include "gateway/model/time.h"

namespace isagw::adapters {

using LocalTime = std::chrono::local_seconds;

enum class LocalTimeError { kNonexistent };

Result<model::Timestamp, LocalTimeError> UkLocalToUtc(LocalTime local);
LocalTime UtcToUkLocal(model::Timestamp utc);

}  // namespace isagw::adapters
