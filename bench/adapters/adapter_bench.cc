// Decode and encode throughput of every adapter, on the golden examples.
//
// Each format is measured beside a baseline taken in the same run: just
// parsing the same bytes (nlohmann_json for the JSON formats, libxml2 for
// council XML), and just serialising an equivalent tree. Report the ratio
// (adapter time / baseline time) rather than raw numbers: it says what
// validation and mapping cost on this machine, whatever the machine.
//
//   build/bench/adapters/adapter_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <libxml/parser.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/translator.h"

namespace {

using isagw::adapters::Format;

std::string ReadExample(const std::string& relative) {
  std::ifstream in(std::string(ISAGW_SOURCE_DIR) + "/docs/examples/" + relative, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.empty()) std::abort();  // a missing example is a broken benchmark, not a fast one
  return text;
}

struct Sample {
  Format format;
  std::string file;
};

const Sample kSamples[] = {
    {Format::kCompact, "compact/missing-report.json"},
    {Format::kCouncilXml, "council-xml/missing-notification.xml"},
    {Format::kRhi, "rhi/full.json"},
    {Format::kCanonical, "canonical/all-fields.json"},
};

void Decode(benchmark::State& state, const Sample& sample) {
  const std::string bytes = ReadExample(sample.file);
  for (auto _ : state) {
    auto decoded = isagw::adapters::DecodeAs(sample.format, bytes, {});
    if (!decoded.ok()) state.SkipWithError("the example did not decode");
    benchmark::DoNotOptimize(decoded);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}

void Encode(benchmark::State& state, const Sample& sample) {
  const std::string bytes = ReadExample(sample.file);
  auto decoded = isagw::adapters::DecodeAs(sample.format, bytes, {});
  if (!decoded.ok()) {
    state.SkipWithError("the example did not decode");
    return;
  }
  for (auto _ : state) {
    auto encoded = isagw::adapters::EncodeAs(sample.format, decoded->event);
    if (!encoded.ok()) state.SkipWithError("the event did not encode");
    benchmark::DoNotOptimize(encoded);
  }
  state.SetItemsProcessed(state.iterations());
}

// Baselines: the same bytes through the bare parser, and back out.
void ParseOnly(benchmark::State& state, const Sample& sample) {
  const std::string bytes = ReadExample(sample.file);
  for (auto _ : state) {
    if (sample.format == Format::kCouncilXml) {
      xmlDocPtr doc = xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr,
                                    nullptr, XML_PARSE_NONET);
      benchmark::DoNotOptimize(doc);
      xmlFreeDoc(doc);
    } else {
      auto tree = nlohmann::json::parse(bytes);
      benchmark::DoNotOptimize(tree);
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void SerialiseOnly(benchmark::State& state, const Sample& sample) {
  const std::string bytes = ReadExample(sample.file);
  if (sample.format == Format::kCouncilXml) {
    xmlDocPtr doc = xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr,
                                  XML_PARSE_NONET);
    for (auto _ : state) {
      xmlChar* out = nullptr;
      int size = 0;
      xmlDocDumpMemory(doc, &out, &size);
      benchmark::DoNotOptimize(out);
      xmlFree(out);
    }
    xmlFreeDoc(doc);
  } else {
    const auto tree = nlohmann::json::parse(bytes);
    for (auto _ : state) {
      auto text = tree.dump();
      benchmark::DoNotOptimize(text);
    }
  }
  state.SetItemsProcessed(state.iterations());
}

int RegisterAll() {
  for (const Sample& sample : kSamples) {
    const std::string name(*isagw::adapters::kFormatNames.Name(sample.format));
    benchmark::RegisterBenchmark(("decode/" + name).c_str(), Decode, sample);
    benchmark::RegisterBenchmark(("baseline_parse/" + name).c_str(), ParseOnly, sample);
    benchmark::RegisterBenchmark(("encode/" + name).c_str(), Encode, sample);
    benchmark::RegisterBenchmark(("baseline_serialise/" + name).c_str(), SerialiseOnly, sample);
  }
  return 0;
}

const int kRegistered = RegisterAll();

}  // namespace

BENCHMARK_MAIN();
