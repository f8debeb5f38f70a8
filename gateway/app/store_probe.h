// StoreProbe: asks the store every `interval`, on a thread of its own,
// whether it answers (Store::Ping), and keeps the answer for /readyz,
// which runs on an I/O thread and must not wait on a database that may be
// down. A change either way is logged once, not every interval.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "gateway/store/store.h"

namespace isagw::app {

class StoreProbe {
 public:
  // `changed` hears each change: reachable or not, and why not (no
  // personal data: the store's own error text).
  using Changed = std::function<void(bool reachable, const std::string& detail)>;

  StoreProbe(store::Store& store, std::chrono::milliseconds interval, Changed changed);
  ~StoreProbe();  // Stop()s
  StoreProbe(const StoreProbe&) = delete;
  StoreProbe& operator=(const StoreProbe&) = delete;

  // Probes once on the caller's thread, then every interval on its own.
  void Start();
  void Stop();

  // The last answer; true until the first probe says otherwise.
  bool reachable() const { return reachable_.load(); }
  std::string detail() const;

 private:
  void ProbeOnce();

  store::Store& store_;
  const std::chrono::milliseconds interval_;
  Changed changed_;
  std::atomic<bool> reachable_{true};
  mutable std::mutex mutex_;
  std::string detail_;  // why not, when not
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace isagw::app
