#include "gateway/server/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace isagw::server {

TokenBucketRateLimiter::TokenBucketRateLimiter(RateLimit default_limit, Clock clock)
    : default_limit_(default_limit), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

void TokenBucketRateLimiter::SetLimit(const std::string& agency_id, RateLimit limit) {
  std::lock_guard lock(mutex_);
  buckets_[agency_id] = Bucket{limit, limit.burst, clock_()};
}

TokenBucketRateLimiter::Decision TokenBucketRateLimiter::TryAcquire(std::string_view agency_id) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(agency_id);
  if (it == buckets_.end()) {
    // Agencies are authenticated and few, so the map stays small.
    it = buckets_.emplace(std::string(agency_id), Bucket{default_limit_, default_limit_.burst, now})
             .first;
  }
  Bucket& bucket = it->second;
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  if (elapsed > 0) {
    bucket.tokens = std::min(bucket.limit.burst, bucket.tokens + elapsed * bucket.limit.per_second);
    bucket.updated = now;
  }
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return {true, std::chrono::seconds(0)};
  }
  // A limit of zero refuses for good; say "a minute" rather than infinity.
  if (bucket.limit.per_second <= 0) return {false, std::chrono::seconds(60)};
  const double wait = (1.0 - bucket.tokens) / bucket.limit.per_second;
  const auto seconds = static_cast<std::int64_t>(std::ceil(wait));
  return {false, std::chrono::seconds(std::max<std::int64_t>(1, seconds))};
}

}  // namespace isagw::server
