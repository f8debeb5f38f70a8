// Every canonical example decodes, and encodes back to the same JSON.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "adapters/canonical/canonical.h"
#include "example_files.h"
#include "tests/common/field_errors_text.h"

namespace isagw::adapters::canonical {
namespace {

using nlohmann::json;
using testing::CanonicalExamples;
using testing::ExpectedCanonicalOfOtherFormats;
using testing::ReadFile;

using ::isagw::testing::Describe;

// Decode, compare ToJson with the file, and Encode -> Decode back.
void ExpectCanonicalEvent(const std::string& bytes) {
  auto decoded = Decode(bytes, {});
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_TRUE(decoded->dropped_fields.empty());
  EXPECT_EQ(ToJson(decoded->event), json::parse(bytes));

  auto encoded = Encode(decoded->event);
  ASSERT_TRUE(encoded.ok());
  auto again = Decode(*encoded, {});
  ASSERT_TRUE(again.ok()) << Describe(again.error());
  EXPECT_EQ(again->event, decoded->event);
}

// One canonical event, or (for a compact batch example) a list of them.
void ExpectCanonical(const std::filesystem::path& path) {
  SCOPED_TRACE(path.string());
  const std::string bytes = ReadFile(path);
  const json document = json::parse(bytes);
  if (!document.is_array()) {
    ExpectCanonicalEvent(bytes);
    return;
  }
  ASSERT_FALSE(document.empty());
  for (const json& event : document) ExpectCanonicalEvent(event.dump());
}

TEST(CanonicalGolden, EveryExampleDecodesAndEncodesToTheSameJson) {
  const auto examples = CanonicalExamples();
  ASSERT_FALSE(examples.empty());
  for (const auto& path : examples) ExpectCanonical(path);
}

TEST(CanonicalGolden, ThereIsAnExampleOfEveryEventKind) {
  std::set<std::string> kinds;
  for (const auto& path : CanonicalExamples()) {
    kinds.insert(json::parse(ReadFile(path)).at("kind").get<std::string>());
  }
  for (const auto& [kind, name] : model::kEventKindNames.entries) {
    EXPECT_TRUE(kinds.count(std::string(name))) << "no example of " << name;
  }
}

TEST(CanonicalGolden, AllFieldsExampleRoundTripsEventToJsonToEvent) {
  auto decoded = Decode(ReadFile(testing::ExamplesDir() / "canonical" / "all-fields.json"), {});
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  const model::Event& event = decoded->event;
  // Spot checks that the example really fills the deep parts.
  ASSERT_TRUE(event.rhi && event.escalation);
  EXPECT_EQ(event.rhi->with_whom.size(), 2u);
  EXPECT_EQ(event.episode.exploitation.radicalisation, false);
  EXPECT_EQ(event.child.ethnicity->code, "WBRI");

  auto back = FromJson(ToJson(event), {});
  ASSERT_TRUE(back.ok()) << Describe(back.error());
  EXPECT_EQ(back->event, event);
}

// The expected canonical documents beside the other formats' examples
// are canonical too: they must decode and re-encode unchanged.
TEST(CanonicalGolden, OtherFormatsExpectedDocumentsAreCanonical) {
  for (const auto& path : ExpectedCanonicalOfOtherFormats()) ExpectCanonical(path);
}

}  // namespace
}  // namespace isagw::adapters::canonical
