#include "gateway/model/time.h"

#include <charconv>
#include <cstdio>

namespace isagw::model {
namespace {

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

// Writes `value` (0 <= value < 10^width) as `width` digits at `at`.
void PutDigits(std::string& out, std::size_t at, std::size_t width, int value) {
  for (std::size_t i = width; i-- > 0;) {
    out[at + i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

std::string FormatTimestamp(Timestamp t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::hh_mm_ss hms{t - day};
  std::string out = FormatDate(Date{day});
  const std::size_t time = out.size() + 1;  // after the 'T'
  out += "T00:00:00Z";
  PutDigits(out, time, 2, static_cast<int>(hms.hours().count()));
  PutDigits(out, time + 3, 2, static_cast<int>(hms.minutes().count()));
  PutDigits(out, time + 6, 2, static_cast<int>(hms.seconds().count()));
  return out;
}

std::string FormatDate(Date d) {
  const int year = static_cast<int>(d.year());
  if (year < 0 || year > 9999) {
    // Outside four digits: as printf pads it (no message carries one).
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year, static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf;
  }
  // Every copy, audit entry and answer formats several dates: snprintf's
  // format parsing was 2 % of the pipeline's instructions.
  std::string out = "0000-00-00";
  PutDigits(out, 0, 4, year);
  PutDigits(out, 5, 2, static_cast<int>(static_cast<unsigned>(d.month())));
  PutDigits(out, 8, 2, static_cast<int>(static_cast<unsigned>(d.day())));
  return out;
}

std::optional<Date> ParseIsoDate(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!ReadDigits(text, 0, 4, y) || !ReadDigits(text, 5, 2, m) || !ReadDigits(text, 8, 2, d)) {
    return std::nullopt;
  }
  const Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::optional<Timestamp> ParseRfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS then Z or +HH:MM / -HH:MM
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't')) return std::nullopt;
  auto date = ParseIsoDate(text.substr(0, 10));
  if (!date) return std::nullopt;
  int hh = 0, mm = 0, ss = 0;
  if (text[13] != ':' || text[16] != ':' || !ReadDigits(text, 11, 2, hh) ||
      !ReadDigits(text, 14, 2, mm) || !ReadDigits(text, 17, 2, ss)) {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  std::string_view zone = text.substr(19);
  std::chrono::minutes offset{0};
  if (zone == "Z" || zone == "z") {
    // UTC
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh = 0, om = 0;
    if (!ReadDigits(zone, 1, 2, oh) || !ReadDigits(zone, 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = std::chrono::hours{oh} + std::chrono::minutes{om};
    if (zone[0] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  const auto local = std::chrono::sys_days{*date} + std::chrono::hours{hh} +
                     std::chrono::minutes{mm} + std::chrono::seconds{ss};
  return std::chrono::time_point_cast<std::chrono::seconds>(local - offset);
}

}  // namespace isagw::model
