#include "gateway/app/store_probe.h"

namespace isagw::app {

StoreProbe::StoreProbe(store::Store& store, std::chrono::milliseconds interval, Changed changed)
    : store_(store), interval_(interval), changed_(std::move(changed)) {}

StoreProbe::~StoreProbe() { Stop(); }

void StoreProbe::Start() {
  ProbeOnce();
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] {
    std::unique_lock waiting(mutex_);
    while (!wake_.wait_for(waiting, interval_, [this] { return stopping_; })) {
      waiting.unlock();
      ProbeOnce();
      waiting.lock();
    }
  });
}

void StoreProbe::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string StoreProbe::detail() const {
  std::lock_guard lock(mutex_);
  return detail_;
}

void StoreProbe::ProbeOnce() {
  auto answered = store_.Ping();
  const bool now_reachable = answered.ok();
  const std::string why = now_reachable ? "" : answered.error().detail;
  {
    std::lock_guard lock(mutex_);
    detail_ = why;
  }
  if (reachable_.exchange(now_reachable) != now_reachable && changed_) {
    changed_(now_reachable, why);
  }
}

}  // namespace isagw::app
