// TimerWorker: fires the safeguarding timers that are due. Each pass
// claims due timers from the store with a lease (so replicas sharing a
// store do not fire the same one at once, and a timer a crashed process
// had claimed is claimed again when its lease runs out) and hands each to
// IngestPipeline::FireTimer, whose commit marks it fired together with the
// escalation it raises: a timer fires once, however often it is claimed.
// A timer that fell due while the gateway was down fires on the first pass.
//
// Store calls block, so passes run on the worker's own thread (Start), or
// on the caller's (RunOnce) in tests and tools.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/common/clock.h"
#include "gateway/common/result.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/pipeline/ingest_pipeline.h"
#include "gateway/store/store.h"

namespace isagw::pipeline {

struct TimerWorkerOptions {
  // How long a claim holds a timer: longer than one firing can take.
  std::chrono::seconds lease{std::chrono::seconds(60)};
  std::chrono::milliseconds poll{std::chrono::seconds(1)};
  int batch = 100;  // timers claimed per pass
  // Timers of different subjects fired at once: their commits share
  // transactions, so a backlog (after a restart, an incident) drains in
  // seconds. Timers of one subject always fire one after another.
  int threads = 4;
  // Called after a pass that raised escalations (to wake the delivery worker).
  std::function<void()> on_raised;
  // One line per timer that failed for good, or per pass the store failed
  // ("pass"); no personal data.
  std::function<void(const std::string& timer_kind, const std::string& note)> on_failed;
};

using StateSource = std::function<std::shared_ptr<const GatewayState>()>;

class TimerWorker {
 public:
  // References must outlive the worker.
  TimerWorker(store::Store& store, IngestPipeline& pipeline, StateSource state, const Clock& clock,
              TimerWorkerOptions options);
  ~TimerWorker();  // Stop()s
  TimerWorker(const TimerWorker&) = delete;
  TimerWorker& operator=(const TimerWorker&) = delete;

  struct PassSummary {
    int claimed = 0;
    int raised = 0;
    int not_armed = 0;  // fired or cancelled by someone else first
    int failed = 0;
    int unavailable = 0;
  };

  // One pass on the caller's thread: every timer due now, in batches.
  // Never while Start()ed.
  Result<PassSummary, store::StoreError> RunOnce();

  void Start();
  void Stop();  // finishes the pass under way, then joins; idempotent

 private:
  void Loop();
  // Fires each claimed timer; outcomes[i] is timers[i]'s.
  std::vector<IngestPipeline::FiringOutcome> FireAll(
      const GatewayState& state, const std::vector<store::ClaimedTimer>& timers);

  store::Store& store_;
  IngestPipeline& pipeline_;
  StateSource state_;
  const Clock& clock_;
  TimerWorkerOptions options_;

  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace isagw::pipeline
