// Every example in docs/examples/compact/ against the canonical event
// beside it (NAME.canonical.json; a JSON array for batches).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "adapters/canonical/canonical.h"
#include "adapters/compact/compact.h"
#include "test_events.h"
#include "test_records.h"

namespace isagw::adapters::compact {
namespace {

using testing::Events;

namespace fs = std::filesystem;

const fs::path kExamples = fs::path(ISAGW_SOURCE_DIR) / "docs/examples/compact";
constexpr std::string_view kCanonicalSuffix = ".canonical.json";

bool IsCanonical(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > kCanonicalSuffix.size() &&
         name.compare(name.size() - kCanonicalSuffix.size(), kCanonicalSuffix.size(),
                      kCanonicalSuffix) == 0;
}

fs::path CanonicalBeside(const fs::path& example) {
  return example.parent_path() / (example.stem().string() + std::string(kCanonicalSuffix));
}

std::vector<fs::path> Examples() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(kExamples)) {
    if (entry.is_regular_file() && !IsCanonical(entry.path())) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<model::Event> CanonicalEvents(const fs::path& path) {
  const nlohmann::json document = nlohmann::json::parse(testing::ReadFile(path.string()));
  std::vector<model::Event> out;
  for (const auto& item : document) {
    auto decoded = canonical::FromJson(item, {});
    EXPECT_TRUE(decoded.ok()) << path << ": "
                              << (decoded.ok() ? "" : testing::Describe(decoded.error()));
    if (decoded.ok()) out.push_back(decoded->event);
  }
  return out;
}

std::string Show(const std::vector<model::Event>& events) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : events) out.push_back(canonical::ToJson(e));
  return out.dump(1);
}

void CheckRecord(const fs::path& example) {
  const std::string text = testing::ReadFile(example.string());
  const model::Event expected =
      testing::CanonicalEvent(testing::ReadFile(CanonicalBeside(example).string()));
  if (nlohmann::json::parse(text).value("RecordType", "") == "INTELLIGENCE") {
    // Encode-only: the example is what the canonical event encodes to.
    auto encoded = Encode(expected);
    ASSERT_TRUE(encoded.ok()) << testing::Describe(encoded.error());
    EXPECT_EQ(nlohmann::json::parse(*encoded), nlohmann::json::parse(text));
    EXPECT_EQ(testing::OnlyError(Decode(text, {})).pointer, "/RecordType");
    return;
  }
  auto decoded = Decode(text, {});
  ASSERT_TRUE(decoded.ok()) << testing::Describe(decoded.error());
  EXPECT_EQ(decoded->event, expected) << canonical::ToJson(decoded->event).dump(1);
  EXPECT_TRUE(decoded->dropped_fields.empty());
  auto encoded = Encode(expected);
  ASSERT_TRUE(encoded.ok()) << testing::Describe(encoded.error());
  auto again = Decode(*encoded, {});
  ASSERT_TRUE(again.ok()) << testing::Describe(again.error());
  EXPECT_EQ(again->event, expected);
}

void CheckBatch(const fs::path& example, bool csv) {
  const std::string text = testing::ReadFile(example.string());
  const std::vector<model::Event> expected = CanonicalEvents(CanonicalBeside(example));
  ASSERT_FALSE(expected.empty());
  const auto decoded = Events(csv ? DecodeCsv(text, {}) : DecodeNdjson(text, {}));
  EXPECT_EQ(decoded, expected) << Show(decoded);
  auto encoded = csv ? EncodeCsv(expected) : EncodeNdjson(expected);
  ASSERT_TRUE(encoded.ok()) << testing::Describe(encoded.error());
  EXPECT_EQ(Events(csv ? DecodeCsv(*encoded, {}) : DecodeNdjson(*encoded, {})), expected);
}

TEST(CompactGolden, EveryExampleMatchesTheCanonicalEventBesideIt) {
  const auto examples = Examples();
  EXPECT_GE(examples.size(), 8u);
  std::set<std::string> kinds_seen;
  for (const fs::path& example : examples) {
    SCOPED_TRACE(example.filename().string());
    ASSERT_TRUE(fs::exists(CanonicalBeside(example))) << "no " << CanonicalBeside(example);
    const std::string ext = example.extension().string();
    kinds_seen.insert(ext);
    if (ext == ".json") {
      CheckRecord(example);
    } else if (ext == ".ndjson") {
      CheckBatch(example, /*csv=*/false);
    } else if (ext == ".csv") {
      CheckBatch(example, /*csv=*/true);
    } else {
      ADD_FAILURE() << "unexpected file in the examples folder";
    }
  }
  EXPECT_EQ(kinds_seen, (std::set<std::string>{".json", ".ndjson", ".csv"}));
}

TEST(CompactGolden, EveryCanonicalFileHasItsExample) {
  for (const auto& entry : fs::directory_iterator(kExamples)) {
    if (!IsCanonical(entry.path())) continue;
    const std::string name = entry.path().filename().string();
    const std::string stem = name.substr(0, name.size() - kCanonicalSuffix.size());
    bool found = false;
    for (const char* ext : {".json", ".ndjson", ".csv"}) {
      found = found || fs::exists(kExamples / (stem + ext));
    }
    EXPECT_TRUE(found) << name << " has no example beside it";
  }
}

TEST(CompactGolden, ThereIsAnExampleOfEveryRecordType) {
  std::set<std::string> types;
  for (const fs::path& example : Examples()) {
    if (example.extension() != ".json") continue;
    types.insert(
        nlohmann::json::parse(testing::ReadFile(example.string())).value("RecordType", ""));
  }
  EXPECT_EQ(types, (std::set<std::string>{"MISSING_REPORT", "RISK_REVIEW", "FOUND", "CLOSED",
                                          "INTELLIGENCE"}));
}

}  // namespace
}  // namespace isagw::adapters::compact
