// TokenBucketRateLimiter: per-agency request rates. Each agency has a
// bucket of `burst` tokens refilled at `per_second`; a request takes one
// token or is refused with the time until one is available.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace isagw::server {

struct RateLimit {
  double per_second = 50;  // sustained requests per second
  double burst = 100;      // bucket size: requests allowed at once
  friend bool operator==(const RateLimit&, const RateLimit&) = default;
};

// Both figures finite and not negative. (Zero is allowed: a rate of zero
// refuses the agency once its burst is spent.)
bool IsUsable(const RateLimit& limit);

class TokenBucketRateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `clock` is injectable so tests need no sleeps.
  explicit TokenBucketRateLimiter(RateLimit default_limit, Clock clock = nullptr);

  // Replaces the table of agencies' own limits (an agency profile may allow
  // a force's batch exports more); agencies it does not name get the
  // default. Called on every configuration reload. A bucket whose limit is
  // unchanged keeps its tokens, so a reload is no way to refill one; a
  // changed limit applies at once: the bucket keeps the tokens it had, cut
  // to the new burst, and refills at the new rate from now on.
  void SetAgencyLimits(const std::map<std::string, RateLimit>& limits);

  struct Decision {
    bool allowed = false;
    // When refused: whole seconds (at least 1) until a token is available.
    std::chrono::seconds retry_after{0};
  };
  // Takes one token from `agency_id`'s bucket when there is one. Thread-safe.
  Decision TryAcquire(std::string_view agency_id);

 private:
  struct Bucket {
    RateLimit limit;
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
  };

  // With mutex_ held.
  const RateLimit& LimitFor(std::string_view agency_id) const;
  static void Refill(Bucket& bucket, std::chrono::steady_clock::time_point now);

  const RateLimit default_limit_;
  const Clock clock_;
  std::mutex mutex_;
  std::map<std::string, RateLimit, std::less<>> agency_limits_;
  std::map<std::string, Bucket, std::less<>> buckets_;
};

}  // namespace isagw::server
