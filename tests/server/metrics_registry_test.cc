#include "gateway/metrics/metrics_registry.h"

#include <gtest/gtest.h>

#include <thread>

namespace isagw::metrics {
namespace {

TEST(MetricsRegistry, RendersCountersAndGaugesInPrometheusTextFormat) {
  MetricsRegistry registry;
  registry.GetCounter("isagw_requests_total", "Requests", {{"route", "/v1/inbox"}}).Increment(3);
  registry.GetGauge("isagw_connections_active", "Open connections").Set(7);
  const std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("# HELP isagw_requests_total Requests\n# TYPE isagw_requests_total counter\n"
                      "isagw_requests_total{route=\"/v1/inbox\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE isagw_connections_active gauge\nisagw_connections_active 7\n"),
            std::string::npos)
      << text;
  // Families come out sorted by name.
  EXPECT_LT(text.find("isagw_connections_active"), text.find("isagw_requests_total"));
}

TEST(MetricsRegistry, ReturnsTheSameSeriesForTheSameLabels) {
  MetricsRegistry registry;
  Counter& a = registry.GetCounter("c_total", "help", {{"agency", "la-derby"}});
  Counter& b = registry.GetCounter("c_total", "help", {{"agency", "la-derby"}});
  Counter& other = registry.GetCounter("c_total", "help", {{"agency", "la-stoke"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &other);
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelpText) {
  MetricsRegistry registry;
  registry.GetCounter("c_total", "line one\nline \\ two", {{"reason", "a\"b\\c\nd"}}).Increment();
  const std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("# HELP c_total line one\\nline \\\\ two\n"), std::string::npos) << text;
  EXPECT_NE(text.find("c_total{reason=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, RendersHistogramsWithCumulativeBuckets) {
  MetricsRegistry registry;
  Histogram& h = registry.GetHistogram("latency_seconds", "Latency", {{"route", "r"}}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.1);  // upper bounds are inclusive
  h.Observe(0.5);
  h.Observe(5);
  const std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE latency_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"r\",le=\"0.1\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"r\",le=\"1\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_count{route=\"r\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_sum{route=\"r\"} 5.6"), std::string::npos);
}

TEST(MetricsRegistry, CountsEveryIncrementFromManyThreads) {
  MetricsRegistry registry;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&registry] {
      for (int i = 0; i < 10000; ++i) {
        registry.GetCounter("hits_total", "Hits", {{"agency", "la-derby"}}).Increment();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(registry.GetCounter("hits_total", "Hits", {{"agency", "la-derby"}}).Value(), 40000u);
}

TEST(MetricsRegistry, AcceptsOnlyPrometheusNames) {
  EXPECT_TRUE(IsValidMetricName("isagw_http_requests_total"));
  EXPECT_FALSE(IsValidMetricName("9lives"));
  EXPECT_FALSE(IsValidMetricName("has-dash"));
  EXPECT_TRUE(IsValidLabelName("agency"));
  EXPECT_FALSE(IsValidLabelName("__reserved"));
  EXPECT_FALSE(IsValidLabelName("with space"));
}

TEST(MetricsRegistryDeathTest, AbortsWhenANameIsReusedAsAnotherType) {
  MetricsRegistry registry;
  registry.GetCounter("thing", "a counter");
  EXPECT_DEATH(registry.GetGauge("thing", "now a gauge"), "two different types");
}

}  // namespace
}  // namespace isagw::metrics
