#include "gateway/reports/report_period.h"

#include <date/date.h>

#include <charconv>

#include "adapters/common/uk_time.h"

namespace isagw::reports {
namespace {

using namespace std::chrono;  // NOLINT(google-build-using-namespace): calendar arithmetic

std::optional<int> Number(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

model::Timestamp UkMidnight(model::Date day) {
  const adapters::LocalTime local{local_days{day}.time_since_epoch()};
  // Midnight always exists in the UK: clocks change at 01:00 and 02:00.
  auto utc = adapters::UkLocalToUtc(local);
  return utc.ok() ? *utc : model::Timestamp{sys_days{day}.time_since_epoch()};
}

model::Date UkDate(model::Timestamp t) {
  const adapters::LocalTime local = adapters::UtcToUkLocal(t);
  return model::Date{floor<days>(local)};
}

std::string UkDateTime(model::Timestamp t) {
  // The wall-clock reading, carried in a sys_time only to be formatted.
  const sys_time<minutes> wall{floor<minutes>(adapters::UtcToUkLocal(t)).time_since_epoch()};
  return date::format("%Y-%m-%d %H:%M", wall);
}

ReportPeriod PeriodOfDays(model::Date first, model::Date last, std::string label) {
  ReportPeriod p;
  p.first_day = first;
  p.last_day = last;
  p.from = UkMidnight(first);
  p.to = UkMidnight(model::Date{sys_days{last} + days{1}});
  p.label = std::move(label);
  return p;
}

std::optional<ReportPeriod> ParseReportPeriod(std::string_view text, std::string& error) {
  const std::string label(text);
  if (auto dots = text.find(".."); dots != std::string_view::npos) {
    auto first = model::ParseIsoDate(text.substr(0, dots));
    auto last = model::ParseIsoDate(text.substr(dots + 2));
    if (!first || !last) {
      error = "a period FROM..TO needs two dates as YYYY-MM-DD";
      return std::nullopt;
    }
    if (sys_days{*last} < sys_days{*first}) {
      error = "the period ends before it starts";
      return std::nullopt;
    }
    return PeriodOfDays(*first, *last, label);
  }
  if (text.size() == 7 && text[4] == '-' && AllDigits(text.substr(0, 4)) &&
      AllDigits(text.substr(5))) {
    const int y = *Number(text.substr(0, 4));
    const int second = *Number(text.substr(5));
    if (second >= 1 && second <= 12) {  // "2026-11": a month
      const year_month ym{year{y}, month{static_cast<unsigned>(second)}};
      return PeriodOfDays(ym / 1, model::Date{ym / last}, label);
    }
    if (second == (y + 1) % 100) {  // "2026-27": a reporting year
      return PeriodOfDays(year{y} / April / 1, year{y + 1} / March / 31, label);
    }
  }
  if (text.size() == 7 && text.substr(4, 2) == "-Q" && AllDigits(text.substr(0, 4))) {
    const int y = *Number(text.substr(0, 4));
    const int q = text[6] - '0';
    if (q >= 1 && q <= 4) {
      const year_month first{year{y}, month{static_cast<unsigned>(3 * q - 2)}};
      const year_month last = first + months{2};
      return PeriodOfDays(first / 1, model::Date{last / std::chrono::last}, label);
    }
  }
  error =
      "a period is YYYY-MM (a month), YYYY-Qn (a quarter), YYYY-YY (1 April to 31 March) or "
      "YYYY-MM-DD..YYYY-MM-DD";
  return std::nullopt;
}

std::vector<ReportPeriod> MonthsOf(const ReportPeriod& period) {
  std::vector<ReportPeriod> months_of;
  year_month ym{period.first_day.year(), period.first_day.month()};
  const year_month end{period.last_day.year(), period.last_day.month()};
  for (; ym <= end; ym += months{1}) {
    model::Date first = ym / 1;
    model::Date last = model::Date{ym / std::chrono::last};
    if (sys_days{first} < sys_days{period.first_day}) first = period.first_day;
    if (sys_days{last} > sys_days{period.last_day}) last = period.last_day;
    months_of.push_back(PeriodOfDays(first, last, date::format("%Y-%m", sys_days{first})));
  }
  return months_of;
}

}  // namespace isagw::reports
