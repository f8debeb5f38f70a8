#include "adapters/rhi/timestamp.h"

#include <string>

#include "adapters/common/uk_time.h"
#include "gateway/common/ascii.h"

namespace isagw::adapters::rhi {
namespace {

// "YYYY-MM-DDTHH:MM:SS" is 19 characters; a fraction, if any, follows.
constexpr std::size_t kSecondsEnd = 19;
constexpr std::size_t kMaxFractionDigits = 9;

}  // namespace

Result<model::Timestamp, TimestampError> ParseProviderTimestamp(std::string_view text) {
  if (text.size() < kSecondsEnd) return Fail(TimestampError::kMalformed);
  std::string whole(text.substr(0, kSecondsEnd));
  std::size_t zone = kSecondsEnd;
  if (zone < text.size() && text[zone] == '.') {
    std::size_t digits = 0;
    while (zone + 1 + digits < text.size() && IsAsciiDigit(text[zone + 1 + digits])) ++digits;
    if (digits == 0 || digits > kMaxFractionDigits) return Fail(TimestampError::kMalformed);
    zone += 1 + digits;
  }
  const std::string_view offset = text.substr(zone);
  if (!offset.empty()) {
    auto utc = model::ParseRfc3339(whole + std::string(offset));
    if (!utc) return Fail(TimestampError::kMalformed);
    return *utc;
  }
  // No zone: read the wall-clock reading as if UTC, then place it in
  // Europe/London.
  auto wall = model::ParseRfc3339(whole + "Z");
  if (!wall) return Fail(TimestampError::kMalformed);
  auto utc = UkLocalToUtc(LocalTime{wall->time_since_epoch()});
  if (!utc.ok()) return Fail(TimestampError::kNonexistentLocalTime);
  return *utc;
}

}  // namespace isagw::adapters::rhi
