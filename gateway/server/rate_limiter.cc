#include "gateway/server/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace isagw::server {

bool IsUsable(const RateLimit& limit) {
  return std::isfinite(limit.per_second) && std::isfinite(limit.burst) && limit.per_second >= 0 &&
         limit.burst >= 0;
}

TokenBucketRateLimiter::TokenBucketRateLimiter(RateLimit default_limit, Clock clock)
    : default_limit_(default_limit),
      clock_(clock ? std::move(clock) : [] { return std::chrono::steady_clock::now(); }) {}

const RateLimit& TokenBucketRateLimiter::LimitFor(std::string_view agency_id) const {
  const auto it = agency_limits_.find(agency_id);
  return it == agency_limits_.end() ? default_limit_ : it->second;
}

void TokenBucketRateLimiter::Refill(Bucket& bucket, std::chrono::steady_clock::time_point now) {
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  if (elapsed <= 0) return;
  bucket.tokens = std::min(bucket.limit.burst, bucket.tokens + elapsed * bucket.limit.per_second);
  bucket.updated = now;
}

void TokenBucketRateLimiter::SetAgencyLimits(const std::map<std::string, RateLimit>& limits) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  agency_limits_ = {limits.begin(), limits.end()};
  for (auto& [agency_id, bucket] : buckets_) {
    const RateLimit& limit = LimitFor(agency_id);
    if (limit == bucket.limit) continue;
    // What the old rate earned until now is the agency's; from now on the
    // new rate and burst apply.
    Refill(bucket, now);
    bucket.limit = limit;
    bucket.tokens = std::min(bucket.tokens, limit.burst);
  }
}

TokenBucketRateLimiter::Decision TokenBucketRateLimiter::TryAcquire(std::string_view agency_id) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(agency_id);
  if (it == buckets_.end()) {
    // Agencies are authenticated and few, so the map stays small.
    const RateLimit& limit = LimitFor(agency_id);
    it = buckets_.emplace(std::string(agency_id), Bucket{limit, limit.burst, now}).first;
  }
  Bucket& bucket = it->second;
  Refill(bucket, now);
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
