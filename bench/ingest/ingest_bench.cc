// The durable ingest path per message, and what the audit costs in it
// (issues 5 and 6): IngestPipeline::Submit (decode -> correlate -> route ->
// ISA decisions -> redact -> encode -> Store::Commit) on a real SqliteStore,
// for a compact missing report from police-derbys with a new OccurrenceRef
// and Idempotency-Key each iteration (two copies: la-derby, la-staffordshire).
//
// Two variants in the same run, through the same Store decorator so both
// pay for the same copy of the Acceptance:
//   audit:1  the Acceptance as production commits it, audit entries included;
//   audit:0  the same with Acceptance::audit cleared just before Commit.
// The pipeline builds the audit entries either way, so the difference is
// what writing (and hash-chaining) them in the transaction costs.
//
// Three stores: store:0 a file under ISAGW_INGEST_DB_DIR (default the build
// directory: a real disk; WAL, synchronous=FULL, as `isagw serve`), store:1
// the same under /dev/shm (tmpfs: fsync costs nothing, so the difference from
// store:0 is the disk), store:2 SQLite in memory.
//
//   build/bench/ingest/ingest_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/crypto/sealer.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/pipeline/ingest_pipeline.h"
#include "gateway/policy/key_provider.h"
#include "gateway/store/sqlite_store.h"
#include "tests/support/example_gateway.h"
#include "tests/support/forwarding_store.h"

namespace isagw::pipeline {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "ingest_bench: " << what << "\n";
  std::abort();
}

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(ISAGW_SOURCE_DIR) + "/" + relative, std::ios::binary);
  if (!in) Die("cannot read " + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The example registry and ISAs, with fixed keys (tests/support/example_gateway.h).
const GatewayState& State() { return *testing::ExampleGatewayState(); }
std::shared_ptr<const crypto::Sealer> Sealer() { return testing::ExampleSealer(); }

// Every Store call goes to `inner`; Commit copies the Acceptance and, for
// the no-audit variant, drops its audit entries first.
class CommitFilter final : public testing::ForwardingStore {
 public:
  CommitFilter(store::Store& inner, bool keep_audit, bool discard = false)
      : ForwardingStore(inner), keep_audit_(keep_audit), discard_(discard) {}

  Result<Ok, store::StoreError> Commit(const store::Acceptance& acceptance) override {
    audit_entries_ += static_cast<std::int64_t>(acceptance.audit.size());
    if (discard_) return Ok{};  // the pipeline's own work, nothing stored
    store::Acceptance copy = acceptance;
    if (!keep_audit_) copy.audit.clear();
    return inner_.Commit(copy);
  }
  std::int64_t audit_entries() const { return audit_entries_; }

  std::vector<Result<Ok, store::StoreError>> CommitAll(
      std::span<const store::Acceptance* const> acceptances) override {
    for (const store::Acceptance* a : acceptances) {
      audit_entries_ += static_cast<std::int64_t>(a->audit.size());
    }
    if (discard_) return std::vector<Result<Ok, store::StoreError>>(acceptances.size(), Ok{});
    std::vector<store::Acceptance> copies;
    copies.reserve(acceptances.size());
    for (const store::Acceptance* a : acceptances) {
      copies.push_back(*a);
      if (!keep_audit_) copies.back().audit.clear();
    }
    std::vector<const store::Acceptance*> pointers;
    for (const store::Acceptance& copy : copies) pointers.push_back(&copy);
    return inner_.CommitAll(pointers);
  }

 private:
  bool keep_audit_;
  bool discard_;
  std::atomic<std::int64_t> audit_entries_ = 0;
};

// kNone: an empty in-memory store is read, and Commit keeps nothing: what
// the pipeline itself costs (decode, correlate, route, decide, redact,
// encode, audit entries built), without sealing or SQL.
enum StoreKind { kDisk = 0, kShm = 1, kMemory = 2, kNone = 3 };

fs::path DatabaseDir(StoreKind kind) {
  if (kind == kShm) return "/dev/shm";
  const char* dir = std::getenv("ISAGW_INGEST_DB_DIR");
  return dir != nullptr ? fs::path(dir) : fs::path(ISAGW_BINARY_DIR);
}

void RemoveDatabase(const fs::path& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
}

// A compact missing report (docs/examples/compact/formats-example.json)
// cut where its OccurrenceRef's number goes.
std::vector<std::string> TemplateParts() {
  const std::string body = ReadSource("docs/examples/compact/formats-example.json");
  const std::string ref = "DB/21/2026/004512";
  const auto at = body.find(ref);
  if (at == std::string::npos) Die("formats-example.json has changed");
  return {body.substr(0, at) + "DB/21/2026/", body.substr(at + ref.size())};
}

void BM_DurableIngest(benchmark::State& bench) {
  const auto kind = static_cast<StoreKind>(bench.range(0));
  const bool keep_audit = bench.range(1) != 0;
  const GatewayState& state = State();
  static const std::vector<std::string> parts = TemplateParts();

  fs::path path;
  auto opened = [&] {
    if (kind == kMemory || kind == kNone) return store::SqliteStore::OpenInMemory(Sealer());
    path = DatabaseDir(kind) / ("isagw-ingest-bench-" + std::to_string(::getpid()) + ".db");
    RemoveDatabase(path);
    return store::SqliteStore::Open(path, Sealer());
  }();
  if (!opened.ok()) {
    bench.SkipWithError("cannot open the store");
    return;
  }
  CommitFilter filter(**opened, keep_audit, /*discard=*/kind == kNone);
  IngestPipeline pipeline(filter);
  using namespace std::chrono;
  const model::Timestamp received = sys_days{2026y / November / 22} + 21h + 41min;

  int next = 100000;  // OccurrenceRef's number: 4 to 6 digits
  std::int64_t accepted = 0;
  for (auto _ : bench) {
    if (next > 999999) {
      bench.SkipWithError("out of distinct OccurrenceRefs");
      break;
    }
    const std::string n = std::to_string(next++);
    IngestRequest request{"police-derbys", adapters::Format::kCompact, parts[0] + n + parts[1],
                          "bench-" + n, received};
    const IngestAnswer answer = pipeline.Submit(state, request);
    if (answer.status != 202) {
      bench.SkipWithError(("answer " + std::to_string(answer.status)).c_str());
      break;
    }
    ++accepted;
  }
  bench.SetItemsProcessed(accepted);
  bench.counters["msg/s"] =
      benchmark::Counter(static_cast<double>(accepted), benchmark::Counter::kIsRate);
  bench.counters["audit/msg"] =
      accepted > 0 ? static_cast<double>(filter.audit_entries()) / static_cast<double>(accepted)
                   : 0.0;
  opened->reset();
  if (!path.empty()) RemoveDatabase(path);
}

BENCHMARK(BM_DurableIngest)
    ->ArgNames({"store", "audit"})
    ->ArgsProduct({{kDisk, kShm, kMemory}, {1, 0}})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(3.0);
BENCHMARK(BM_DurableIngest)
    ->ArgNames({"store", "audit"})
    ->Args({kNone, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(3.0);

// Many senders at once on the disk store, as `isagw serve`'s handler
// threads are: their commits share transactions (group commit), so the
// rate grows with the threads while one fsync serves a group.
struct SharedStore {
  fs::path path;
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<IngestPipeline> pipeline;
};
SharedStore& Shared() {
  static SharedStore shared;
  return shared;
}

void BM_ConcurrentDurableIngest(benchmark::State& bench) {
  const GatewayState& state = State();
  static const std::vector<std::string> parts = TemplateParts();
  SharedStore& shared = Shared();
  if (bench.thread_index() == 0) {
    shared.path =
        DatabaseDir(kDisk) / ("isagw-ingest-bench-group-" + std::to_string(::getpid()) + ".db");
    RemoveDatabase(shared.path);
    auto opened = store::SqliteStore::Open(shared.path, Sealer());
    if (!opened.ok()) Die("cannot open the store");
    shared.store = std::move(*opened);
    shared.pipeline = std::make_unique<IngestPipeline>(*shared.store);
  }
  using namespace std::chrono;
  const model::Timestamp received = sys_days{2026y / November / 22} + 21h + 41min;
  // Each thread its own block of OccurrenceRefs (4 to 6 digits).
  const int block = 800000 / bench.threads();
  int next = 100000 + bench.thread_index() * block;
  const int last = next + block - 1;
  std::int64_t accepted = 0;
  for (auto _ : bench) {
    if (next > last) {
      bench.SkipWithError("out of distinct OccurrenceRefs");
      break;
    }
    const std::string n = std::to_string(next++);
    IngestRequest request{"police-derbys", adapters::Format::kCompact, parts[0] + n + parts[1],
                          "bench-" + n, received};
    const IngestAnswer answer = shared.pipeline->Submit(state, request);
    if (answer.status != 202) {
      bench.SkipWithError(("answer " + std::to_string(answer.status)).c_str());
      break;
    }
    ++accepted;
  }
  bench.counters["msg/s"] =
      benchmark::Counter(static_cast<double>(accepted), benchmark::Counter::kIsRate);
  if (bench.thread_index() == 0) {
    const auto counts = shared.store->group_commits();
    bench.counters["msg/group"] = counts.groups > 0 ? static_cast<double>(counts.acceptances) /
                                                          static_cast<double>(counts.groups)
                                                    : 0.0;
    shared.pipeline.reset();
    shared.store.reset();
    RemoveDatabase(shared.path);
  }
}

BENCHMARK(BM_ConcurrentDurableIngest)
    ->ThreadRange(1, 64)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(3.0);

}  // namespace
}  // namespace isagw::pipeline

BENCHMARK_MAIN();
