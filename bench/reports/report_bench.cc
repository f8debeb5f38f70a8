// How long one council's report takes over a year of data (issue 12): a
// store of at least 50,000 episodes (tests/reports/year_generator.h,
// fed through the real ingest pipeline), and one LA's year read and run.
//
// Measured in the same run, so figures read as ratios:
//   BM_ReadRecords    baseline: Store::LoadReportRecords alone (SQL and
//                     opening the sealed payloads): what any report pays
//   BM_LoadReportData the same plus every record read through the ISAs
//                     (decision, redaction) into report rows
//   BM_Report/<name>  a whole run as the API does it: load, report, audit
//
// The store is built once (a few minutes) and kept at
// $ISAGW_REPORT_BENCH_DB (default build/bench-reports-year.db); delete it
// to rebuild. ISAGW_REPORT_BENCH_CHILDREN sets children per area (default
// 4,000: about 51,000 episodes over the five areas).
//
//   build/bench/reports/report_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "gateway/pipeline/ingest_pipeline.h"
#include "gateway/reports/report_loader.h"
#include "gateway/reports/report_runner.h"
#include "gateway/store/sqlite_database.h"
#include "gateway/store/sqlite_store.h"
#include "tests/reports/year_generator.h"
#include "tests/reports/year_ingest.h"
#include "tests/support/example_gateway.h"

namespace isagw::bench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCouncil = "la-staffordshire";  // the largest: host and placing

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "report_bench: " << what << "\n";
  std::abort();
}

model::Timestamp At(const char* text) { return *model::ParseRfc3339(text); }

int ChildrenPerArea() {
  const char* text = std::getenv("ISAGW_REPORT_BENCH_CHILDREN");
  return text != nullptr ? std::atoi(text) : 4000;
}

int CountEpisodes(const fs::path& path) {
  auto db = store::SqliteDatabase::Open(path);
  if (!db.ok()) Die("cannot open " + path.string());
  auto q = db->Prepare("SELECT COUNT(*) FROM episodes");
  if (!q.ok() || !*q->Step()) Die("cannot count episodes");
  return static_cast<int>(q->ColumnInt(0));
}

// The store, built on first use.
store::Store& YearStore() {
  static std::unique_ptr<store::SqliteStore> store = [] {
    const char* env = std::getenv("ISAGW_REPORT_BENCH_DB");
    const fs::path path =
        env != nullptr ? fs::path(env) : fs::path(ISAGW_BINARY_DIR) / "bench-reports-year.db";
    const bool built = fs::exists(path);
    auto opened = store::SqliteStore::Open(path, testing::ExampleSealer());
    if (!opened.ok()) Die("cannot open the store: " + opened.error().detail);
    if (!built) {
      reports::testing::YearOptions options;
      options.children_per_area = ChildrenPerArea();
      std::cerr << "report_bench: building " << path << " (" << options.children_per_area
                << " children per area); this takes a few minutes once\n";
      const auto year = reports::testing::GenerateYear(options);
      pipeline::IngestPipeline pipeline(**opened);
      auto ingested = reports::testing::IngestYear(pipeline, *testing::ExampleGatewayState(), year);
      if (!ingested.ok()) Die("ingest failed: " + ingested.error());
    }
    std::cerr << "report_bench: " << CountEpisodes(path) << " episodes in the store\n";
    return std::move(*opened);
  }();
  return *store;
}

reports::LoadRequest YearRequest() {
  std::string error;
  const auto period = reports::ParseReportPeriod("2026-27", error);
  return {kCouncil, period->from - std::chrono::days(400), period->to, At("2027-04-01T00:00:00Z")};
}

void BM_ReadRecords(benchmark::State& state) {
  store::Store& store = YearStore();
  const auto request = YearRequest();
  std::size_t messages = 0;
  for (auto _ : state) {
    auto records = store.LoadReportRecords({request.viewer, request.from, request.to});
    if (!records.ok()) Die("read failed");
    messages = records->messages.size();
    benchmark::DoNotOptimize(records);
  }
  state.counters["messages"] = static_cast<double>(messages);
}
BENCHMARK(BM_ReadRecords)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_LoadReportData(benchmark::State& state) {
  store::Store& store = YearStore();
  const auto request = YearRequest();
  std::size_t episodes = 0;
  for (auto _ : state) {
    auto data = reports::LoadReportData(store, *testing::ExampleGatewayState(), request);
    if (!data.ok()) Die("load failed");
    episodes = data->episodes.size();
    benchmark::DoNotOptimize(data);
  }
  state.counters["episodes"] = static_cast<double>(episodes);
}
BENCHMARK(BM_LoadReportData)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_Report(benchmark::State& state, const char* name) {
  store::Store& store = YearStore();
  std::string error;
  reports::ReportRequest request;
  request.report = name;
  request.viewer = kCouncil;
  request.period = *reports::ParseReportPeriod("2026-27", error);
  request.now = At("2027-04-01T00:00:00Z");
  int rows = 0;
  for (auto _ : state) {
    auto run = reports::RunReport(store, *testing::ExampleGatewayState(), request);
    if (!run.ok()) Die("report failed: " + run.error().detail);
    rows = 0;
    for (const auto& t : run->document.tables) rows += static_cast<int>(t.rows.size());
    benchmark::DoNotOptimize(run);
  }
  state.counters["rows"] = rows;
}
BENCHMARK_CAPTURE(BM_Report, daily, "daily")->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK_CAPTURE(BM_Report, kpis, "kpis")->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK_CAPTURE(BM_Report, repeats, "repeats")->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK_CAPTURE(BM_Report, hotspots, "hotspots")->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK_CAPTURE(BM_Report, ssda903, "ssda903")->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace isagw::bench

BENCHMARK_MAIN();
