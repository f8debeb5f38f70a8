// The police export's date and time forms: "dd/mm/yyyy" and
// "dd/mm/yyyy HH:MM" in UK local time (Europe/London), with no seconds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/uk_time.h"
#include "gateway/model/time.h"

namespace isagw::adapters::compact {

// "04/05/2010" -> 2010-05-04; nullopt when malformed or not a real date.
std::optional<model::Date> ParsePoliceDate(std::string_view text);
std::string FormatPoliceDate(model::Date date);

// "22/11/2026 19:05" -> the local wall-clock time; nullopt when malformed
// or not a real date and time. Turning it into UTC is uk_time.h's job.
std::optional<LocalTime> ParsePoliceLocalTime(std::string_view text);
// UTC -> UK local "dd/mm/yyyy HH:MM". Seconds are dropped (the format has
// none), and the repeated autumn hour reads as its first pass.
std::string FormatPoliceDateTime(model::Timestamp utc);

}  // namespace isagw::adapters::compact
