// ReportPeriod: the span a report covers, with UK calendar boundaries
// (a month starts at midnight in London, not in UTC).
//   "2026-11"        a month
//   "2026-Q3"        a calendar quarter (July to September)
//   "2026-27"        a reporting year, 1 April 2026 to 31 March 2027 (SSDA903)
//   "2026-05-01..2026-05-31"  inclusive dates
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/model/time.h"

namespace isagw::reports {

struct ReportPeriod {
  model::Timestamp from{};  // inclusive
  model::Timestamp to{};    // exclusive
  std::string label;        // as given
  model::Date first_day{};
  model::Date last_day{};
};

// nullopt (and `error` set, with no data in it) when the text is none of
// the forms above.
std::optional<ReportPeriod> ParseReportPeriod(std::string_view text, std::string& error);

// The period of whole UK days [first, last].
ReportPeriod PeriodOfDays(model::Date first, model::Date last, std::string label);

// The calendar months the period touches, as periods of their own.
std::vector<ReportPeriod> MonthsOf(const ReportPeriod& period);

// Midnight at the start of a UK calendar day, as an instant.
model::Timestamp UkMidnight(model::Date day);
// The UK calendar day an instant falls on.
model::Date UkDate(model::Timestamp t);
// "2026-11-23 08:05" in UK local time.
std::string UkDateTime(model::Timestamp t);

}  // namespace isagw::reports
