// DeliveryWorker: takes push deliveries from the outbox and makes them.
//
// It claims due deliveries from the Store with a lease (the store hands out
// only the head of each ordering key, so a found notification never
// overtakes its missing notification), pushes them concurrently across
// recipients through a Pusher, and records each outcome with an audit
// record of the attempt:
//   2xx                       -> delivered
//   retryable (5xx, 429, ...) -> retried with backoff (RetryPolicy), or
//                                dead once the horizon has passed
//   permanent (other 4xx)     -> dead at once
// A dead delivery makes a non-delivery notice to the message's sender in
// the same transaction. So does a mailbox item its recipient has not
// acknowledged within the mailbox horizon (swept now and then). A recipient whose circuit breaker
// is open has its deliveries rescheduled without a connection being tried.
//
// Store calls block, so the worker runs on its own thread (Start), never
// an I/O thread. Stop() lets attempts under way finish and be recorded;
// what it had not started stays leased until the lease runs out, exactly
// as after a crash.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/delivery/circuit_breaker.h"
#include "gateway/delivery/clock.h"
#include "gateway/delivery/pusher.h"
#include "gateway/delivery/retry_policy.h"
#include "gateway/registry/agency_registry.h"
#include "gateway/store/store.h"

namespace isagw::metrics {
class Counter;
class MetricsRegistry;
}  // namespace isagw::metrics

namespace isagw::delivery {

struct DeliveryWorkerOptions {
  int max_in_flight = 16;  // attempts under way at once, across all recipients
  // How long a claim holds a delivery: longer than one attempt can take
  // (connect + handshake + write + read timeouts), or a slow attempt's
  // delivery could be claimed twice.
  std::chrono::seconds lease{std::chrono::minutes(5)};
  // When nothing is due, how often to look again (Wake() looks at once).
  std::chrono::milliseconds idle_poll{std::chrono::seconds(1)};
  RetryOptions retry;
  std::optional<std::uint64_t> retry_seed;  // fixed jitter for tests
  CircuitBreakerOptions breaker;
  // While a recipient's half-open trial is under way, its other
  // deliveries are put off by this much.
  std::chrono::seconds trial_wait{std::chrono::seconds(5)};
  // A mailbox item unacknowledged this long is given up with a notice.
  std::chrono::milliseconds mailbox_horizon{std::chrono::hours(24 * 5)};
  std::chrono::milliseconds mailbox_sweep_interval{std::chrono::minutes(1)};
  std::string notice_scope = "inbound";         // key scope non-delivery notices are sealed under
  metrics::MetricsRegistry* metrics = nullptr;  // optional; must outlive the worker
};

// The current agency registry (reloads swap it whole).
using RegistrySource = std::function<std::shared_ptr<const registry::AgencyRegistry>()>;

class DeliveryWorker {
 public:
  // Every reference must outlive the worker; stop the worker before the pusher.
  DeliveryWorker(store::Store& store, Pusher& pusher, RegistrySource registry, const Clock& clock,
                 DeliveryWorkerOptions options);
  ~DeliveryWorker();  // Stop()s
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  struct PassSummary {
    int claimed = 0;
    int delivered = 0;
    int retried = 0;
    int dead = 0;
    int deferred = 0;  // not attempted (circuit open, no endpoint): rescheduled
    int expired = 0;   // mailbox items past their horizon: notices made
  };

  // One pass on the caller's thread: claims what is due now, attempts it
  // all, records every outcome, expires overdue mailbox items, and returns. For tests and tools;
  // never while the worker is Start()ed.
  Result<PassSummary, store::StoreError> RunOnce();

  // Runs passes on the worker's own thread until Stop().
  void Start();
  // Something may have become due (a commit): look now, not at the next poll.
  void Wake();
  // Finishes and records the attempts under way, then joins. Idempotent.
  void Stop();

  // The recipient's circuit breaker (closed for one never seen).
  CircuitBreaker::State BreakerState(const std::string& recipient) const;

 private:
  struct Finished {
    store::ClaimedDelivery claimed;  // payload emptied
    PushResult result;
  };

  void Loop();
  // Claims up to `room` deliveries and starts them; those it cannot start
  // it records at once. Returns how many it claimed.
  Result<int, store::StoreError> ClaimAndStart(int room, PassSummary& summary);
  void RecordFinished(PassSummary& summary);
  void RecordOne(Finished finished);
  // Reschedules without an attempt (or gives up when past the horizon).
  void Defer(const store::ClaimedDelivery& claimed, model::Timestamp until, std::string reason);
  void GiveUp(const store::ClaimedDelivery& claimed, std::string reason, int http_status,
              std::string_view audit_outcome);
  // Adds the non-delivery notice (and its audit record) for a delivery
  // given up; false when the sender could not be looked up.
  bool AddNotice(const store::Delivery& given_up, int attempts, store::AttemptOutcome& outcome);
  // Gives up mailbox items past the mailbox horizon, with notices.
  void ExpireMailboxItems(PassSummary& summary);
  // Queues an outcome to record; Flush records every queued one in one
  // transaction, and on success adds one to `summary.*tally` and to the
  // metric `counter`.
  void Record(store::AttemptOutcome outcome, int PassSummary::*tally, std::string_view counter);
  void Flush(PassSummary& summary);
  CircuitBreaker& BreakerFor(const std::string& recipient);
  void Count(std::string_view outcome);

  store::Store& store_;
  Pusher& pusher_;
  RegistrySource registry_;
  const Clock& clock_;
  DeliveryWorkerOptions options_;
  RetryPolicy retry_;  // worker thread only
  struct Pending {
    struct Tally {
      int PassSummary::*tally;
      std::string_view counter;
    };
    std::vector<store::AttemptOutcome> outcomes;
    std::vector<Tally> tallies;  // one per outcome
    int passes = 0;              // Flushes these outcomes have already failed
  };
  Pending pending_;  // worker thread only
  // A store out of reach for this many passes (about a minute at the idle
  // poll) is left to the leases: the outcomes are dropped, and what they
  // recorded happens again when the deliveries are claimed afresh.
  static constexpr int kMaxRecordPasses = 240;
  static constexpr int kMailboxExpiryBatch = 500;
  model::Timestamp next_mailbox_sweep_{};  // worker thread only

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Finished> finished_;  // attempts done, not yet recorded
  int outstanding_ = 0;            // attempts started, not yet recorded
  bool stopping_ = false;
  bool woken_ = false;
  std::map<std::string, CircuitBreaker, std::less<>> breakers_;  // under mutex_

  std::thread thread_;
  std::map<std::string, metrics::Counter*, std::less<>> outcome_counters_;
  metrics::Counter* store_errors_ = nullptr;
};

}  // namespace isagw::delivery
