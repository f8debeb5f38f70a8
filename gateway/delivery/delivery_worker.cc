#include "gateway/delivery/delivery_worker.h"

#include <utility>

#include "gateway/delivery/attempt_audit.h"
#include "gateway/delivery/non_delivery_notice.h"
#include "gateway/metrics/metrics_registry.h"

namespace isagw::delivery {

namespace {

using Kind = store::AttemptOutcome::Kind;

store::DeliveryMode ModeOf(const registry::Agency& agency) {
  return agency.delivery == registry::DeliveryMode::kPush && agency.push
             ? store::DeliveryMode::kPush
             : store::DeliveryMode::kMailbox;
}

RetryPolicy MakeRetryPolicy(const DeliveryWorkerOptions& options) {
  if (options.retry_seed) return RetryPolicy(options.retry, *options.retry_seed);
  return RetryPolicy(options.retry);
}

}  // namespace

DeliveryWorker::DeliveryWorker(store::Store& store, Pusher& pusher, RegistrySource registry,
                               const Clock& clock, DeliveryWorkerOptions options)
    : store_(store),
      pusher_(pusher),
      registry_(std::move(registry)),
      clock_(clock),
      options_(std::move(options)),
      retry_(MakeRetryPolicy(options_)) {
  if (options_.max_in_flight < 1) options_.max_in_flight = 1;
  if (options_.metrics != nullptr) {
    for (const char* outcome : {"delivered", "retry", "dead", "deferred", "expired"}) {
      outcome_counters_[outcome] = &options_.metrics->GetCounter(
          "isagw_delivery_attempts_total",
          "Deliveries handled, by outcome (expired: mailbox items never acknowledged)",
          {{"outcome", outcome}});
    }
    store_errors_ = &options_.metrics->GetCounter(
        "isagw_delivery_store_errors_total",
        "Store calls of the delivery worker that failed (the lease expires and it tries again)");
  }
}

DeliveryWorker::~DeliveryWorker() { Stop(); }

// ------------------------------------------------------------- threads

void DeliveryWorker::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void DeliveryWorker::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  changed_.notify_all();
}

void DeliveryWorker::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::Loop() {
  PassSummary summary;
  for (;;) {
    RecordFinished(summary);
    int room = 0;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
      room = options_.max_in_flight - outstanding_;
    }
    if (const auto now = clock_.Now(); now >= next_mailbox_sweep_) {
      ExpireMailboxItems(summary);
      next_mailbox_sweep_ =
          now + std::chrono::duration_cast<std::chrono::seconds>(options_.mailbox_sweep_interval);
    }
    bool more_due = false;
    if (room > 0) {
      auto claimed = ClaimAndStart(room, summary);
      // A full claim means more may be due: claim again once there is room.
      more_due = claimed.ok() && *claimed == room;
    }
    std::unique_lock lock(mutex_);
    const auto ready = [&] {
      return stopping_ || woken_ || !finished_.empty() ||
             (more_due && outstanding_ < options_.max_in_flight);
    };
    changed_.wait_for(lock, options_.idle_poll, ready);
    woken_ = false;
  }
  // Graceful: what was started finishes and is recorded; nothing new starts.
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return static_cast<int>(finished_.size()) == outstanding_; });
  }
  RecordFinished(summary);
}

Result<DeliveryWorker::PassSummary, store::StoreError> DeliveryWorker::RunOnce() {
  PassSummary summary;
  auto claimed = ClaimAndStart(options_.max_in_flight, summary);
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return static_cast<int>(finished_.size()) == outstanding_; });
  }
  RecordFinished(summary);
  if (!claimed.ok()) return Fail(claimed.error());
  ExpireMailboxItems(summary);
  return summary;
}

// ------------------------------------------------------------- claiming

Result<int, store::StoreError> DeliveryWorker::ClaimAndStart(int room, PassSummary& summary) {
  const model::Timestamp now = clock_.Now();
  auto claimed = store_.ClaimDueDeliveries(now, now + options_.lease, room);
  if (!claimed.ok()) {
    if (store_errors_ != nullptr) store_errors_->Increment();
    return Fail(claimed.error());
  }
  summary.claimed += static_cast<int>(claimed->size());
  const std::shared_ptr<const registry::AgencyRegistry> agencies =
      registry_ ? registry_() : nullptr;

  for (store::ClaimedDelivery& claim : *claimed) {
    const std::string& recipient = claim.delivery.recipient;
    const registry::Agency* agency = agencies ? agencies->FindById(recipient) : nullptr;
    if (agency == nullptr || !agency->push) {
      // Unknown, or no longer pushed to: the registry may be fixed; if it
      // is not, the horizon gives the delivery up with a notice.
      Defer(claim, retry_.AfterFailure(claim.created_at, claim.attempts, now).next_attempt_at,
            "no_push_endpoint");
      continue;
    }
    std::optional<model::Timestamp> defer_until;
    {
      std::lock_guard lock(mutex_);
      CircuitBreaker& breaker = BreakerFor(recipient);
      if (!breaker.Allow()) {
        defer_until = breaker.state() == CircuitBreaker::State::kOpen ? breaker.open_until()
                                                                      : now + options_.trial_wait;
      }
    }
    if (defer_until) {
      Defer(claim, *defer_until, "circuit_open");
      continue;
    }

    PushRequest request{*agency->push, claim.delivery.id, claim.delivery.message_id,
                        claim.delivery.content_type, std::move(claim.delivery.payload)};
    claim.delivery.payload.clear();
    {
      std::lock_guard lock(mutex_);
      ++outstanding_;
    }
    pusher_.Push(std::move(request), [this, claim = std::move(claim)](PushResult result) mutable {
      {
        std::lock_guard lock(mutex_);
        finished_.push_back({std::move(claim), std::move(result)});
      }
      changed_.notify_all();
    });
  }
  Flush(summary);  // the deferred and given up
  return static_cast<int>(claimed->size());
}

// ------------------------------------------------------------- recording

void DeliveryWorker::RecordFinished(PassSummary& summary) {
  // Every attempt finished so far, recorded in one transaction: a burst of
  // pushes costs one fsync, not one each.
  std::deque<Finished> done;
  {
    std::lock_guard lock(mutex_);
    done.swap(finished_);
  }
  if (done.empty()) return;
  for (Finished& finished : done) RecordOne(std::move(finished));
  Flush(summary);
  std::lock_guard lock(mutex_);
  outstanding_ -= static_cast<int>(done.size());
}

void DeliveryWorker::RecordOne(Finished finished) {
  const store::ClaimedDelivery& claimed = finished.claimed;
  const PushResult& result = finished.result;
  const model::Timestamp now = clock_.Now();
  const int attempt = claimed.attempts + 1;
  {
    std::lock_guard lock(mutex_);
    CircuitBreaker& breaker = BreakerFor(claimed.delivery.recipient);
    if (result.EndpointWorked()) {
      breaker.RecordSuccess();
    } else {
      breaker.RecordFailure();
    }
  }

  switch (result.kind) {
    case PushResult::Kind::kDelivered: {
      store::AttemptOutcome outcome;
      outcome.kind = Kind::kDelivered;
      outcome.delivery_id = claimed.delivery.id;
      outcome.at = now;
      outcome.audit.push_back(
          DeliveryAttemptAudit(claimed.delivery, attempt, "delivered", result.http_status, ""));
      Record(std::move(outcome), &PassSummary::delivered, "delivered");
      return;
    }
    case PushResult::Kind::kPermanent:
      GiveUp(claimed, result.error, result.http_status, "dead");
      return;
    case PushResult::Kind::kRetry:
      break;
  }

  const auto decision =
      retry_.AfterFailure(claimed.created_at, claimed.attempts, now, result.retry_after);
  if (decision.dead) {
    GiveUp(claimed, "horizon_passed:" + result.error, result.http_status, "dead");
    return;
  }
  store::AttemptOutcome outcome;
  outcome.kind = Kind::kRetry;
  outcome.delivery_id = claimed.delivery.id;
  outcome.at = now;
  outcome.next_attempt_at = decision.next_attempt_at;
  outcome.error = result.error;
  outcome.audit.push_back(
      DeliveryAttemptAudit(claimed.delivery, attempt, "retry", result.http_status, result.error));
  Record(std::move(outcome), &PassSummary::retried, "retry");
}

void DeliveryWorker::Defer(const store::ClaimedDelivery& claimed, model::Timestamp until,
                           std::string reason) {
  const model::Timestamp now = clock_.Now();
  if (retry_.Expired(claimed.created_at, now)) {
    GiveUp(claimed, "horizon_passed:" + reason, 0, "dead");
    return;
  }
  // Never beyond the horizon: one last try is due there.
  until = std::min(until, claimed.created_at + retry_.options().horizon);
  store::AttemptOutcome outcome;
  outcome.kind = Kind::kDeferred;
  outcome.delivery_id = claimed.delivery.id;
  outcome.at = now;
  outcome.next_attempt_at = std::max(until, now + std::chrono::seconds(1));
  outcome.error = std::move(reason);
  outcome.audit.push_back(
      DeliveryAttemptAudit(claimed.delivery, claimed.attempts + 1, "deferred", 0, outcome.error));
  Record(std::move(outcome), &PassSummary::deferred, "deferred");
}

void DeliveryWorker::GiveUp(const store::ClaimedDelivery& claimed, std::string reason,
                            int http_status, std::string_view audit_outcome) {
  const model::Timestamp now = clock_.Now();
  const int attempt = claimed.attempts + 1;
  store::AttemptOutcome outcome;
  outcome.kind = Kind::kDead;
  outcome.delivery_id = claimed.delivery.id;
  outcome.at = now;
  outcome.error = reason;
  outcome.audit.push_back(
      DeliveryAttemptAudit(claimed.delivery, attempt, audit_outcome, http_status, reason));
  // Without the sender there is no notice: leave the delivery leased; when
  // the lease runs out it is tried (and given up) again.
  if (!AddNotice(claimed.delivery, attempt, outcome)) return;
  Record(std::move(outcome), &PassSummary::dead, "dead");
}

bool DeliveryWorker::AddNotice(const store::Delivery& given_up, int attempts,
                               store::AttemptOutcome& outcome) {
  std::string sender;
  std::string notice_id;
  if (!IsNonDeliveryNotice(given_up)) {
    auto found = store_.FindMessageSender(given_up.message_id);
    if (!found.ok()) {
      if (store_errors_ != nullptr) store_errors_->Increment();
      return false;
    }
    if (found->has_value()) {
      sender = **found;
      const auto agencies = registry_ ? registry_() : nullptr;
      const registry::Agency* agency = agencies ? agencies->FindById(sender) : nullptr;
      NonDelivery facts;
      facts.dead = &given_up;
      facts.sender = sender;
      facts.sender_mode = agency != nullptr ? ModeOf(*agency) : store::DeliveryMode::kMailbox;
      facts.reason = outcome.error;
      facts.attempts = attempts;
      facts.given_up_at = outcome.at;
      facts.scope = options_.notice_scope;
      outcome.notices.push_back(BuildNonDeliveryNotice(facts));
      notice_id = outcome.notices.back().id;
    }
  }
  outcome.audit.push_back(NonDeliveryNoticeAudit(given_up, sender, notice_id));
  return true;
}

// ------------------------------------------------------------- mailboxes

void DeliveryWorker::ExpireMailboxItems(PassSummary& summary) {
  const model::Timestamp now = clock_.Now();
  auto expired = store_.ListExpiredMailboxItems(
      now - std::chrono::duration_cast<std::chrono::seconds>(options_.mailbox_horizon),
      kMailboxExpiryBatch);
  if (!expired.ok()) {
    if (store_errors_ != nullptr) store_errors_->Increment();
    return;
  }
  for (const store::ClaimedDelivery& item : *expired) {
    store::AttemptOutcome outcome;
    outcome.kind = Kind::kExpired;
    outcome.delivery_id = item.delivery.id;
    outcome.at = now;
    outcome.error = "mailbox_unacknowledged";
    outcome.audit.push_back(
        DeliveryAttemptAudit(item.delivery, item.attempts, "expired", 0, outcome.error));
    if (!AddNotice(item.delivery, item.attempts, outcome)) continue;
    // kNotFound: acknowledged meanwhile, which is what we wanted.
    Record(std::move(outcome), &PassSummary::expired, "expired");
  }
  Flush(summary);
}

void DeliveryWorker::Record(store::AttemptOutcome outcome, int PassSummary::*tally,
                            std::string_view counter) {
  pending_.outcomes.push_back(std::move(outcome));
  pending_.tallies.push_back({tally, counter});
}

void DeliveryWorker::Flush(PassSummary& summary) {
  if (pending_.outcomes.empty()) return;
  const auto recorded = store_.RecordAttempts(pending_.outcomes);
  // Outcomes the database could not take (it restarted, the network cut
  // out) are kept and recorded on a later pass: dropped, their deliveries
  // would wait for their leases to run out and be pushed again.
  Pending retry;
  for (std::size_t i = 0; i < recorded.size(); ++i) {
    if (recorded[i].ok()) {
      ++(summary.*pending_.tallies[i].tally);
      Count(pending_.tallies[i].counter);
      continue;
    }
    if (store_errors_ != nullptr) store_errors_->Increment();
    // kNotFound: another worker recorded it after our lease ran out; the
    // recipient may see it twice and drops the duplicate by its id.
    if (recorded[i].error().kind == store::StoreErrorKind::kBackend &&
        pending_.passes < kMaxRecordPasses) {
      retry.outcomes.push_back(std::move(pending_.outcomes[i]));
      retry.tallies.push_back(pending_.tallies[i]);
    }
  }
  retry.passes = retry.outcomes.empty() ? 0 : pending_.passes + 1;
  pending_ = std::move(retry);
}

CircuitBreaker& DeliveryWorker::BreakerFor(const std::string& recipient) {
  auto it = breakers_.find(recipient);
  if (it == breakers_.end()) {
    it = breakers_.try_emplace(recipient, clock_, options_.breaker).first;
  }
  return it->second;
}

CircuitBreaker::State DeliveryWorker::BreakerState(const std::string& recipient) const {
  std::lock_guard lock(mutex_);
  auto it = breakers_.find(recipient);
  return it == breakers_.end() ? CircuitBreaker::State::kClosed : it->second.state();
}

void DeliveryWorker::Count(std::string_view outcome) {
  if (auto it = outcome_counters_.find(outcome); it != outcome_counters_.end()) {
    it->second->Increment();
  }
}

}  // namespace isagw::delivery
