#include "gateway/pipeline/timer_worker.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>
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

std::vector<IngestPipeline::FiringOutcome> TimerWorker::FireAll(
    const GatewayState& state, const std::vector<store::ClaimedTimer>& timers) {
  std::vector<IngestPipeline::FiringOutcome> outcomes(timers.size());
  // One lane per subject, in claim (due) order: the timers of one episode
  // never fire at once, so its escalations are committed, and so reach
  // each recipient, in due order.
  std::map<std::string_view, std::vector<std::size_t>> by_subject;
  for (std::size_t i = 0; i < timers.size(); ++i) {
    by_subject[timers[i].timer.subject].push_back(i);
  }
  std::vector<const std::vector<std::size_t>*> lanes;
  lanes.reserve(by_subject.size());
  for (const auto& [subject, indices] : by_subject) lanes.push_back(&indices);

  std::atomic<std::size_t> next_lane{0};
  auto fire_lanes = [&] {
    for (std::size_t lane = next_lane++; lane < lanes.size(); lane = next_lane++) {
      for (const std::size_t i : *lanes[lane]) {
        outcomes[i] = pipeline_.FireTimer(state, timers[i], clock_.Now());
      }
    }
  };
  // Firings on several threads at once commit in shared transactions
  // (the store's group commit): one fsync for many escalations.
  const std::size_t helpers =
      std::min(lanes.size(), static_cast<std::size_t>(std::max(options_.threads, 1))) - 1;
  std::vector<std::jthread> threads;
  threads.reserve(helpers);
  for (std::size_t t = 0; t < helpers; ++t) threads.emplace_back(fire_lanes);
  fire_lanes();
  threads.clear();  // joins
  return outcomes;
}

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
    const std::vector<IngestPipeline::FiringOutcome> outcomes = FireAll(*state, *claimed);
    int unavailable = 0;
    for (std::size_t i = 0; i < claimed->size(); ++i) {
      const store::ClaimedTimer& timer = (*claimed)[i];
      const IngestPipeline::FiringOutcome& outcome = outcomes[i];
      ++summary.claimed;
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
