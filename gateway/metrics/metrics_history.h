// MetricsHistory: the last hour or so of the gateway's own figures,
// sampled at a fixed interval, for the console's charts. /metrics on the
// admin listener gives only the present; where Prometheus is deployed it
// keeps the history, but the engineer on call at 3 a.m. may have only the
// gateway.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/metrics/metrics_registry.h"

namespace isagw::metrics {

class MetricsHistory {
 public:
  struct Sample {
    std::chrono::system_clock::time_point at;
    std::map<std::string, double, std::less<>> totals;  // MetricsRegistry::Totals()
  };

  // Keeps the newest `capacity` samples of `registry`, which must outlive it.
  MetricsHistory(const MetricsRegistry& registry, std::size_t capacity);
  ~MetricsHistory();
  MetricsHistory(const MetricsHistory&) = delete;
  MetricsHistory& operator=(const MetricsHistory&) = delete;

  // Samples every `interval` on a thread of its own until destroyed.
  void Start(std::chrono::milliseconds interval);
  // One sample now (tests, and the thread). Thread-safe.
  void Take(std::chrono::system_clock::time_point at);
  // Oldest first. Thread-safe.
  std::vector<Sample> Samples() const;

 private:
  const MetricsRegistry& registry_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<Sample> samples_;  // under mutex_
  std::condition_variable stop_signal_;
  bool stopping_ = false;  // under mutex_
  std::thread sampler_;
};

}  // namespace isagw::metrics
