// Checkpointer: signs the audit chain's head every `interval` on a thread
// of its own, and once more when stopped, so that a truncation of the log
// is caught against a signed head no older than the interval
// (docs/audit.md). The store signs: reading the head and appending the
// checkpoint are one transaction there (SQLite or PostgreSQL).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "gateway/audit/signing_key.h"
#include "gateway/common/result.h"
#include "gateway/delivery/clock.h"
#include "gateway/model/time.h"

namespace isagw::app {

class Checkpointer {
 public:
  // `report` receives one line per checkpoint or failure (no personal data).
  using Report = std::function<void(bool ok, std::int64_t seq, const std::string& detail)>;

  // Signs the head at `now` with `signer`; the checkpoint's head seq, or
  // why it could not.
  using Sign = std::function<Result<std::int64_t, std::string>(
      const audit::CheckpointSigner& signer, model::Timestamp now)>;

  Checkpointer(Sign sign, std::shared_ptr<const audit::CheckpointSigner> signer,
               std::chrono::milliseconds interval, const delivery::Clock& clock, Report report);
  ~Checkpointer();  // Stop()s
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  void Start();
  // Signs the head now (on the caller's thread). True when signed.
  bool SignNow();
  // Stops the thread, then signs one last time. Idempotent.
  void Stop();

 private:
  void Loop();

  Sign sign_;
  std::shared_ptr<const audit::CheckpointSigner> signer_;
  std::chrono::milliseconds interval_;
  const delivery::Clock& clock_;
  Report report_;

  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  bool stopped_ = false;
  std::mutex signing_;  // one signature at a time
  std::thread thread_;
};

}  // namespace isagw::app
