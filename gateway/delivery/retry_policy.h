// RetryPolicy: when to try a failed push again, and when to give up.
//
// Exponential backoff with "full jitter": the n-th retry waits a uniformly
// random time in [0, min(cap, base * 2^n)], rounded up to whole seconds
// and at least one second. Jitter spreads the retries of many deliveries
// to one recovering recipient instead of sending them all at once.
//
// A delivery is dead-lettered once `horizon` has passed since it was
// created; the last retry is moved forward to the horizon so that one
// final attempt is made there. A recipient's Retry-After is honoured: the
// next attempt is never earlier than it asks (up to `max_retry_after`).
//
// Not thread-safe (it owns a random generator): one per worker thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

#include "gateway/model/time.h"

namespace isagw::delivery {

struct RetryOptions {
  std::chrono::milliseconds base{std::chrono::seconds(1)};
  std::chrono::milliseconds cap{std::chrono::minutes(5)};
  std::chrono::seconds horizon{std::chrono::hours(24 * 5)};  // MESH keeps 5 days too
  std::chrono::seconds max_retry_after{std::chrono::hours(1)};
};

class RetryPolicy {
 public:
  // `seed` makes the jitter reproducible in tests; production seeds it
  // from std::random_device.
  RetryPolicy(RetryOptions options, std::uint64_t seed);
  explicit RetryPolicy(RetryOptions options);

  struct Decision {
    bool dead = false;
    model::Timestamp next_attempt_at{};  // when !dead
  };

  // After a failed attempt at `now` of a delivery created at `created_at`
  // that had `attempts_before` earlier attempts.
  Decision AfterFailure(model::Timestamp created_at, int attempts_before, model::Timestamp now,
                        std::optional<std::chrono::seconds> retry_after = std::nullopt);

  // True once the delivery's horizon has passed.
  bool Expired(model::Timestamp created_at, model::Timestamp now) const;

  // The jittered wait before retry number `retry` (0 for the first),
  // before rounding. Exposed for tests.
  std::chrono::milliseconds Backoff(int retry);
  // The upper bound Backoff(retry) draws below.
  std::chrono::milliseconds Ceiling(int retry) const;

  const RetryOptions& options() const { return options_; }

 private:
  RetryOptions options_;
  std::mt19937_64 random_;
};

}  // namespace isagw::delivery
