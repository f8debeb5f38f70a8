// Golden examples: every docs/examples/council-xml/NAME.xml decodes to
// the Event in NAME.canonical.json beside it, and encoding that Event
// decodes back to it.
#include <gtest/gtest.h>

#include <set>

#include "adapters/council_xml/council_xml.h"
#include "test_documents.h"

namespace isagw::adapters::council_xml {
namespace {

using testing::CanonicalJson;
using testing::CouncilExamples;
using testing::Describe;
using testing::EventFromCanonicalFile;
using testing::ReadFile;

std::filesystem::path ExpectedCanonical(std::filesystem::path example) {
  return example.replace_extension(".canonical.json");
}

TEST(CouncilXmlGolden, EveryExampleDecodesToItsExpectedCanonicalEvent) {
  const auto examples = CouncilExamples();
  ASSERT_FALSE(examples.empty());
  for (const auto& example : examples) {
    SCOPED_TRACE(example.filename().string());
    ASSERT_TRUE(std::filesystem::exists(ExpectedCanonical(example)));
    auto decoded = Decode(ReadFile(example), DecodeOptions{});
    ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
    EXPECT_TRUE(decoded->dropped_fields.empty());
    const model::Event expected = EventFromCanonicalFile(ExpectedCanonical(example));
    EXPECT_EQ(CanonicalJson(decoded->event).dump(2), CanonicalJson(expected).dump(2));
    EXPECT_EQ(decoded->event, expected);
  }
}

TEST(CouncilXmlGolden, EncodingEachExpectedEventDecodesBackToIt) {
  for (const auto& example : CouncilExamples()) {
    SCOPED_TRACE(example.filename().string());
    const model::Event expected = EventFromCanonicalFile(ExpectedCanonical(example));
    auto encoded = Encode(expected);
    ASSERT_TRUE(encoded.ok()) << Describe(encoded.error());
    auto decoded = Decode(*encoded, DecodeOptions{});
    ASSERT_TRUE(decoded.ok()) << Describe(decoded.error()) << "\n" << *encoded;
    EXPECT_EQ(CanonicalJson(decoded->event).dump(2), CanonicalJson(expected).dump(2));
    EXPECT_EQ(decoded->event, expected);
  }
}

TEST(CouncilXmlGolden, ExamplesCoverEveryCouncilEventType) {
  std::set<std::string> kinds;
  for (const auto& example : CouncilExamples()) {
    kinds.insert(CanonicalJson(EventFromCanonicalFile(ExpectedCanonical(example)))["kind"]);
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"placement_notified", "missing_reported", "found",
                                          "risk_reviewed", "rhi_referred", "rhi_recorded",
                                          "escalation"}));
}

TEST(CouncilXmlGolden, TheSharedAdapterAndAnOwnAdapterAgree) {
  const CouncilXmlAdapter own;
  for (const auto& example : CouncilExamples()) {
    SCOPED_TRACE(example.filename().string());
    const std::string xml = ReadFile(example);
    auto mine = own.Decode(xml, DecodeOptions{});
    auto shared = Decode(xml, DecodeOptions{});
    ASSERT_TRUE(mine.ok() && shared.ok());
    EXPECT_EQ(mine->event, shared->event);
  }
}

}  // namespace
}  // namespace isagw::adapters::council_xml
