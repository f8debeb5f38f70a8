#include "gateway/pipeline/timer_worker.h"

#include <utility>

namespace isagw::pipeline {

TimerWorker::TimerWorker(store::Store& store, IngestPipeline& pipeline, StateSource state,
                         const Clock& clock, TimerWorkerOptions options)
    : store_(store),
      pipeline_(pipeline),
      state_(std::move(state)),
      clock_(clock),
      options_(std::move(options)) {}

TimerWorker::~TimerWorker() { Stop(); }

Result<TimerWorker::PassSummary, store::StoreError> TimerWorker::RunOnce() {
  PassSummary summary;
  using Kind = IngestPipeline::FiringOutcome::Kind;
  while (true) {
    const model::Timestamp now = clock_.Now();
    auto claimed = store_.ClaimDueTimers(now, now + options_.lease, options_.batch);
    if (!claimed.ok()) return Fail(claimed.error());
    if (claimed->empty()) break;
    // The state is read per batch: a reload applies to the next one.
    const std::shared_ptr<const GatewayState> state = state_();
    int unavailable = 0;
    for (const store::ClaimedTimer& timer : *claimed) {
      ++summary.claimed;
      const auto outcome = pipeline_.FireTimer(*state, timer, clock_.Now());
      switch (outcome.kind) {
        case Kind::kRaised:
          ++summary.raised;
          break;
        case Kind::kNotArmed:
          ++summary.not_armed;
          break;
        case Kind::kFailed:
          ++summary.failed;
          if (options_.on_failed) options_.on_failed(timer.timer.kind, outcome.note);
          break;
        case Kind::kUnavailable:
          ++summary.unavailable;
          ++unavailable;
          break;
      }
    }
    // Leased timers that could not fire wait for their lease: stop here
    // rather than spin on a failing store.
    if (unavailable > 0 || static_cast<int>(claimed->size()) < options_.batch) break;
  }
  if (summary.raised > 0 && options_.on_raised) options_.on_raised();
  return summary;
}

void TimerWorker::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void TimerWorker::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TimerWorker::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    // A failing store is tried again at the next poll; said, not swallowed.
    if (auto pass = RunOnce(); !pass.ok() && options_.on_failed) {
      options_.on_failed("pass", pass.error().detail);
    }
    lock.lock();
    changed_.wait_for(lock, options_.poll, [this] { return stopping_; });
  }
}

}  // namespace isagw::pipeline
