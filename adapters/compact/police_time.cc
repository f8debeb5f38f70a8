#include "adapters/compact/police_time.h"

#include <chrono>
#include <cstdio>

namespace isagw::adapters::compact {
namespace {

using namespace std::chrono;

// Reads exactly `width` ASCII digits at `pos`.
bool ReadDigits(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

}  // namespace

std::optional<model::Date> ParsePoliceDate(std::string_view text) {
  int d = 0, m = 0, y = 0;
  if (text.size() != 10 || text[2] != '/' || text[5] != '/') return std::nullopt;
  if (!ReadDigits(text, 0, 2, d) || !ReadDigits(text, 3, 2, m) || !ReadDigits(text, 6, 4, y)) {
    return std::nullopt;
  }
  const model::Date date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string FormatPoliceDate(model::Date date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", static_cast<unsigned>(date.day()),
                static_cast<unsigned>(date.month()), static_cast<int>(date.year()));
  return buf;
}

std::optional<LocalTime> ParsePoliceLocalTime(std::string_view text) {
  if (text.size() != 16 || text[10] != ' ' || text[13] != ':') return std::nullopt;
  const auto date = ParsePoliceDate(text.substr(0, 10));
  int hh = 0, mm = 0;
  if (!date || !ReadDigits(text, 11, 2, hh) || !ReadDigits(text, 14, 2, mm) || hh > 23 || mm > 59) {
    return std::nullopt;
  }
  return LocalTime{local_days{*date} + hours{hh} + minutes{mm}};
}

std::string FormatPoliceDateTime(model::Timestamp utc) {
  const LocalTime local = UtcToUkLocal(utc);
  const auto day_start = floor<days>(local);
  const hh_mm_ss<seconds> time{local - day_start};
  char buf[8];
  std::snprintf(buf, sizeof buf, " %02d:%02d", static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()));
  return FormatPoliceDate(model::Date{day_start}) + buf;
}

}  // namespace isagw::adapters::compact
