// Time vocabulary of the canonical model. Every instant is UTC; a date
// (such as a date of birth) has no time or zone.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace isagw::model {

using Timestamp = std::chrono::sys_seconds;
using Date = std::chrono::year_month_day;

// "2026-11-22T19:05:00Z"
std::string FormatTimestamp(Timestamp t);
// "2010-05-04"
std::string FormatDate(Date d);

// Parses an RFC 3339 timestamp with a "Z" or numeric offset (seconds
// required, fractions refused). Returns nullopt when malformed or invalid.
std::optional<Timestamp> ParseRfc3339(std::string_view text);
// Parses "YYYY-MM-DD"; refuses impossible dates such as 2026-02-30.
std::optional<Date> ParseIsoDate(std::string_view text);

}  // namespace isagw::model
