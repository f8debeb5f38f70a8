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
};

class TokenBucketRateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `clock` is injectable so tests need no sleeps.
  explicit TokenBucketRateLimiter(RateLimit default_limit, Clock clock = nullptr);

  // A limit for one agency instead of the default (an agency profile may
  // allow a force's batch exports more). Resets that agency's bucket to full.
  void SetLimit(const std::string& agency_id, RateLimit limit);

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

  RateLimit default_limit_;
  Clock clock_;
  std::mutex mutex_;
  std::map<std::string, Bucket, std::less<>> buckets_;
};

}  // namespace isagw::server
