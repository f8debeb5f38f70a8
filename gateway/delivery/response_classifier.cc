#include "gateway/delivery/response_classifier.h"

#include <array>
#include <charconv>
#include <string>

namespace isagw::delivery {
namespace {

using std::chrono::seconds;

// Retry-After beyond this is as good as "much later": avoids overflow.
constexpr std::int64_t kLongestDelay = 365LL * 24 * 3600;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<int> Digits(std::string_view text) {
  int value = 0;
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<model::Timestamp> ParseImfFixdate(std::string_view text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  static constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                            "Fri", "Sat", "Sun"};
  bool day_ok = false;
  for (auto day : kDays) day_ok = day_ok || text.substr(0, 3) == day;
  if (!day_ok) return std::nullopt;
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  unsigned month = 0;
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  const auto day = Digits(text.substr(5, 2));
  const auto year = Digits(text.substr(12, 4));
  const auto hour = Digits(text.substr(17, 2));
  const auto minute = Digits(text.substr(20, 2));
  const auto second = Digits(text.substr(23, 2));
  if (month == 0 || !day || !year || !hour || !minute || !second) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(month),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
         seconds(*second);
}

}  // namespace

std::optional<seconds> ParseRetryAfter(std::string_view value, model::Timestamp now) {
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  if (value.front() >= '0' && value.front() <= '9') {
    for (char c : value) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    // Long digit strings saturate rather than fail: the meaning is clear.
    if (value.size() > 9) return seconds(kLongestDelay);
    std::int64_t delay = 0;
    std::from_chars(value.data(), value.data() + value.size(), delay);
    return seconds(std::min(delay, kLongestDelay));
  }
  const auto at = ParseImfFixdate(value);
  if (!at) return std::nullopt;
  if (*at <= now) return seconds(0);
  return std::min(seconds(*at - now), seconds(kLongestDelay));
}

PushResult ClassifyResponse(int status, std::string_view retry_after, model::Timestamp now) {
  PushResult result;
  result.http_status = status;
  if (status >= 200 && status <= 299) {
    result.kind = PushResult::Kind::kDelivered;
    return result;
  }
  result.error = "http_" + std::to_string(status);
  // Only an answer that retrying cannot change is permanent: a redirect
  // (not followed: an endpoint must answer itself) or a 4xx refusal. The
  // rest, odd statuses included, may well change: retry.
  const bool permanent =
      (status >= 300 && status <= 499) && status != 408 && status != 425 && status != 429;
  const bool transient = !permanent;
  result.kind = transient ? PushResult::Kind::kRetry : PushResult::Kind::kPermanent;
  if (transient) result.retry_after = ParseRetryAfter(retry_after, now);
  return result;
}

std::string_view PushResultKindName(PushResult::Kind kind) {
  switch (kind) {
    case PushResult::Kind::kDelivered:
      return "delivered";
    case PushResult::Kind::kRetry:
      return "retry";
    case PushResult::Kind::kPermanent:
      return "permanent";
  }
  return "unknown";
}

}  // namespace isagw::delivery
