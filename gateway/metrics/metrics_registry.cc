#include "gateway/metrics/metrics_registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "gateway/common/ascii.h"

namespace isagw::metrics {

namespace {

enum Type { kCounter = 0, kGauge = 1, kHistogram = 2 };
constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Misuse of the registry is a bug in the caller, caught in tests: abort
// rather than silently render an unparseable exposition.
[[noreturn]] void Misuse(const char* what) {
  std::fprintf(stderr, "MetricsRegistry misuse: %s\n", what);
  std::abort();
}

std::string EscapeHelp(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeLabelValue(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Prometheus floats: integers without a fraction, +Inf spelled out.
std::string FormatNumber(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  // Shortest text that reads back as the same double ("0.1", not 0.1000...01).
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string RenderLabels(const Labels& labels, std::string_view extra_name = {},
                         std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    out += EscapeLabelValue(value);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  if (!IsAlpha(name[0]) && name[0] != '_' && name[0] != ':') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsAlpha(c) || IsAsciiDigit(c) || c == '_' || c == ':'; });
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  if (!IsAlpha(name[0]) && name[0] != '_') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsAlpha(c) || IsAsciiDigit(c) || c == '_'; });
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1)) {
  if (!std::is_sorted(upper_bounds_.begin(), upper_bounds_.end())) {
    Misuse("histogram bounds must be sorted");
  }
}

void Histogram::Observe(double value) {
  const auto it = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  const auto index = static_cast<std::size_t>(it - upper_bounds_.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::uint64_t Histogram::BucketCount(std::size_t i) const {
  return buckets_[i].load(std::memory_order_relaxed);
}

std::vector<double> LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  int type = kCounter;
  // Exactly one of these is set per series, matching `type`.
  struct Series {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  std::map<Labels, Series> series;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family& MetricsRegistry::FamilyFor(std::string_view name, std::string_view help,
                                                    int type) {
  for (auto& family : families_) {
    if (family->name == name) {
      if (family->type != type) Misuse("metric requested as two different types");
      return *family;
    }
  }
  if (!IsValidMetricName(name)) Misuse("invalid metric name");
  auto family = std::make_unique<Family>();
  family->name = std::string(name);
  family->help = std::string(help);
  family->type = type;
  families_.push_back(std::move(family));
  return *families_.back();
}

namespace {
void CheckLabels(const Labels& labels) {
  for (const auto& label : labels) {
    if (!IsValidLabelName(label.first)) Misuse("invalid label name");
    if (label.first == "le") Misuse("label name 'le' is reserved for histograms");
  }
}
}  // namespace

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& series = FamilyFor(name, help, kCounter).series[labels];
  if (!series.counter) {
    CheckLabels(labels);
    series.counter = std::make_unique<Counter>();
  }
  return *series.counter;
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help,
                                 const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& series = FamilyFor(name, help, kGauge).series[labels];
  if (!series.gauge) {
    CheckLabels(labels);
    series.gauge = std::make_unique<Gauge>();
  }
  return *series.gauge;
}

Histogram& MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         const Labels& labels,
                                         const std::vector<double>& upper_bounds) {
  std::lock_guard lock(mutex_);
  auto& series = FamilyFor(name, help, kHistogram).series[labels];
  if (!series.histogram) {
    CheckLabels(labels);
    series.histogram = std::make_unique<Histogram>(upper_bounds);
  }
  return *series.histogram;
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::lock_guard lock(mutex_);
  std::vector<const Family*> sorted;
  sorted.reserve(families_.size());
  for (const auto& family : families_) sorted.push_back(family.get());
  std::sort(sorted.begin(), sorted.end(),
            [](const Family* a, const Family* b) { return a->name < b->name; });

  std::string out;
  for (const Family* family : sorted) {
    out += "# HELP " + family->name + " " + EscapeHelp(family->help) + "\n";
    out += "# TYPE " + family->name + " " + kTypeNames[family->type] + "\n";
    for (const auto& [labels, series] : family->series) {
      if (series.counter) {
        out += family->name + RenderLabels(labels) + " " + std::to_string(series.counter->Value()) +
               "\n";
      } else if (series.gauge) {
        out += family->name + RenderLabels(labels) + " " + std::to_string(series.gauge->Value()) +
               "\n";
      } else if (series.histogram) {
        const Histogram& h = *series.histogram;
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i <= h.upper_bounds().size(); ++i) {
          cumulative += h.BucketCount(i);
          const std::string le =
              i < h.upper_bounds().size() ? FormatNumber(h.upper_bounds()[i]) : std::string("+Inf");
          out += family->name + "_bucket" + RenderLabels(labels, "le", le) + " " +
                 std::to_string(cumulative) + "\n";
        }
        out += family->name + "_sum" + RenderLabels(labels) + " " + FormatNumber(h.Sum()) + "\n";
        out +=
            family->name + "_count" + RenderLabels(labels) + " " + std::to_string(h.Count()) + "\n";
      }
    }
  }
  return out;
}

std::map<std::string, double, std::less<>> MetricsRegistry::Totals() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, double, std::less<>> totals;
  for (const auto& family : families_) {
    double sum = 0;
    for (const auto& [labels, series] : family->series) {
      if (series.counter) sum += static_cast<double>(series.counter->Value());
      if (series.gauge) sum += static_cast<double>(series.gauge->Value());
      if (series.histogram) sum += static_cast<double>(series.histogram->Count());
    }
    totals[family->name] = sum;
  }
  return totals;
}

}  // namespace isagw::metrics
