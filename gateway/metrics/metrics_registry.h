// MetricsRegistry: the gateway's counters, gauges and histograms, rendered
// in the Prometheus text exposition format (version 0.0.4).
//
// Thread-safe: Get*() may be called from any thread, and the returned
// references stay valid for the registry's lifetime, so hot paths look a
// metric up once and then only touch atomics.
//
// Labels name bounded things (route templates, status codes, agency ids,
// refusal reasons). Never put personal data or raw request values in a
// label: every label value ends up on a dashboard.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace isagw::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A value that only goes up (requests, bytes, refusals).
class Counter {
 public:
  void Increment(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (open connections).
class Gauge {
 public:
  void Set(std::int64_t value) { value_.store(value, std::memory_order_relaxed); }
  void Add(std::int64_t by) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::int64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Observations counted into fixed buckets (latencies in seconds).
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);

  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Non-cumulative count of bucket i; index upper_bounds().size() is +Inf.
  std::uint64_t BucketCount(std::size_t i) const;
  std::uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Latency buckets from 1 ms to 10 s, for request durations.
std::vector<double> LatencyBuckets();

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The metric `name` with exactly these labels, created on first use.
  // A name is one type with one help text: asking for an existing name as
  // another type is a programming error (aborts). Invalid metric or label
  // names are programming errors too.
  Counter& GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& GetHistogram(std::string_view name, std::string_view help, const Labels& labels = {},
                          const std::vector<double>& upper_bounds = LatencyBuckets());

  // Everything, in the Prometheus text format, families sorted by name.
  std::string RenderPrometheus() const;

  // Each family's value summed over its label sets (a histogram: its count
  // of observations), by name: what the console's charts sample.
  std::map<std::string, double, std::less<>> Totals() const;

 private:
  struct Family;
  Family& FamilyFor(std::string_view name, std::string_view help, int type);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
};

// True for a valid Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool IsValidMetricName(std::string_view name);
// True for a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting "__").
bool IsValidLabelName(std::string_view name);

}  // namespace isagw::metrics
