#include "gateway/delivery/retry_policy.h"

#include <algorithm>

namespace isagw::delivery {

using std::chrono::milliseconds;
using std::chrono::seconds;

RetryPolicy::RetryPolicy(RetryOptions options, std::uint64_t seed)
    : options_(options), random_(seed) {}

RetryPolicy::RetryPolicy(RetryOptions options)
    : RetryPolicy(options, (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()) {
}

milliseconds RetryPolicy::Ceiling(int retry) const {
  const milliseconds base = std::max(options_.base, milliseconds(1));
  const milliseconds cap = std::max(options_.cap, base);
  // Doubling stops at the cap; the loop bound keeps the shift from overflowing.
  milliseconds ceiling = base;
  for (int i = 0; i < retry && ceiling < cap; ++i) ceiling *= 2;
  return std::min(ceiling, cap);
}

milliseconds RetryPolicy::Backoff(int retry) {
  std::uniform_int_distribution<milliseconds::rep> pick(0, Ceiling(retry).count());
  return milliseconds(pick(random_));
}

bool RetryPolicy::Expired(model::Timestamp created_at, model::Timestamp now) const {
  return now >= created_at + options_.horizon;
}

RetryPolicy::Decision RetryPolicy::AfterFailure(model::Timestamp created_at, int attempts_before,
                                                model::Timestamp now,
                                                std::optional<seconds> retry_after) {
  if (Expired(created_at, now)) return {true, {}};
  seconds wait =
      std::max(std::chrono::ceil<seconds>(Backoff(std::max(attempts_before, 0))), seconds(1));
  if (retry_after) wait = std::max(wait, std::min(*retry_after, options_.max_retry_after));
  const model::Timestamp deadline = created_at + options_.horizon;
  return {false, std::min(now + wait, deadline)};
}

}  // namespace isagw::delivery
