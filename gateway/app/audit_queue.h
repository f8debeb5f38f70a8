// AuditQueue: audit records raised on threads that must not block — the
// server's I/O threads, for refused handshakes — written to the store in
// batches by a thread of its own. Bounded: a flood of refusals (a scan, a
// misconfigured client retrying) cannot exhaust memory; what does not fit
// is counted, and the count itself is audited ("audit_records_dropped"),
// so the log still shows that something happened and how much.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "gateway/delivery/clock.h"
#include "gateway/store/store.h"

namespace isagw::app {

class AuditQueue {
 public:
  // `failed` is told when the store refuses a batch (no personal data).
  AuditQueue(store::Store& store, const delivery::Clock& clock, std::size_t capacity,
             std::function<void(const std::string& detail)> failed);
  ~AuditQueue();  // Stop()s
  AuditQueue(const AuditQueue&) = delete;
  AuditQueue& operator=(const AuditQueue&) = delete;

  // Thread-safe, never blocks on the store.
  void Push(store::AuditRecord record);
  void Start();
  // Writes what is queued, then joins. Idempotent.
  void Stop();
  // Writes what is queued now, on the caller's thread.
  void Flush();

 private:
  void Loop();

  store::Store& store_;
  const delivery::Clock& clock_;
  std::size_t capacity_;
  std::function<void(const std::string&)> failed_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<store::AuditRecord> queue_;
  std::map<std::string, std::size_t> dropped_;  // by kind, until written
  bool stopping_ = false;
  std::mutex writing_;  // one batch at a time
  std::thread thread_;
};

}  // namespace isagw::app
