#include "gateway/metrics/metrics_history.h"

#include <utility>

namespace isagw::metrics {

MetricsHistory::MetricsHistory(const MetricsRegistry& registry, std::size_t capacity)
    : registry_(registry), capacity_(capacity) {}

MetricsHistory::~MetricsHistory() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  if (sampler_.joinable()) sampler_.join();
}

void MetricsHistory::Start(std::chrono::milliseconds interval) {
  sampler_ = std::thread([this, interval] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      Take(std::chrono::system_clock::now());
      lock.lock();
      stop_signal_.wait_for(lock, interval, [this] { return stopping_; });
    }
  });
}

void MetricsHistory::Take(std::chrono::system_clock::time_point at) {
  Sample sample{at, registry_.Totals()};
  std::lock_guard lock(mutex_);
  samples_.push_back(std::move(sample));
  while (samples_.size() > capacity_) samples_.pop_front();
}

std::vector<MetricsHistory::Sample> MetricsHistory::Samples() const {
  std::lock_guard lock(mutex_);
  return {samples_.begin(), samples_.end()};
}

}  // namespace isagw::metrics
