// Every example in docs/examples/rhi decodes to the canonical document
// beside it, and the canonical document encodes back to the same Event.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

#include "adapters/canonical/canonical.h"
#include "adapters/rhi/rhi.h"
#include "rhi_test_support.h"

namespace isagw::adapters::rhi {
namespace {

using nlohmann::json;
using testing::Describe;
using testing::ExpectedCanonicalOf;
using testing::ReadFile;
using testing::RhiExamples;

class RhiGolden : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(RhiGolden, DecodesToTheCanonicalDocumentBesideIt) {
  const auto& example = GetParam();
  auto decoded = Decode(ReadFile(example), {});
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_TRUE(decoded->dropped_fields.empty());
  const json expected = json::parse(ReadFile(ExpectedCanonicalOf(example)));
  EXPECT_EQ(canonical::ToJson(decoded->event), expected)
      << "got " << canonical::ToJson(decoded->event).dump(2);
}

TEST_P(RhiGolden, ExpectedCanonicalEncodesAndDecodesBackToTheSameEvent) {
  auto expected = canonical::Decode(ReadFile(ExpectedCanonicalOf(GetParam())), {});
  ASSERT_TRUE(expected.ok()) << Describe(expected.error());
  auto encoded = Encode(expected->event);
  ASSERT_TRUE(encoded.ok()) << Describe(encoded.error());
  auto again = Decode(*encoded, {});
  ASSERT_TRUE(again.ok()) << Describe(again.error());
  EXPECT_EQ(again->event, expected->event);
}

TEST_P(RhiGolden, EncodesTheSameFormTheExampleUses) {
  auto decoded = Decode(ReadFile(GetParam()), {});
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  auto encoded = Encode(decoded->event);
  ASSERT_TRUE(encoded.ok()) << Describe(encoded.error());
  EXPECT_EQ(json::parse(*encoded).at("form"), json::parse(ReadFile(GetParam())).at("form"));
}

std::string ExampleName(const ::testing::TestParamInfo<std::filesystem::path>& info) {
  std::string name = info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Examples, RhiGolden, ::testing::ValuesIn(RhiExamples()), ExampleName);

TEST(RhiExamples, CoverBothFormsAndTheOutcomesTheBriefAsksFor) {
  std::set<std::string> forms;
  std::set<std::string> outcomes;
  bool several_episodes = false;
  for (const auto& path : RhiExamples()) {
    const json document = json::parse(ReadFile(path));
    forms.insert(document.at("form").get<std::string>());
    if (document.contains("outcome")) outcomes.insert(document.at("outcome").get<std::string>());
    if (document.contains("police_references") && document.at("police_references").size() > 1) {
      several_episodes = true;
    }
  }
  EXPECT_EQ(forms, (std::set<std::string>{"return-home-interview", "rhi-referral"}));
  for (const char* outcome : {"completed", "declined", "no_contact"}) {
    EXPECT_TRUE(outcomes.count(outcome)) << "no example with outcome " << outcome;
  }
  EXPECT_TRUE(several_episodes);
}

TEST(RhiExamples, FullExampleFillsEveryFieldOfTheInterviewForm) {
  const json full = json::parse(ReadFile(testing::ExamplesDir() / "rhi" / "full.json"));
  for (const char* key : {"form",
                          "version",
                          "provider_id",
                          "interview_id",
                          "police_reference",
                          "council_person_id",
                          "child",
                          "returned_at",
                          "offered_at",
                          "completed_at",
                          "outcome",
                          "outcome_reason",
                          "conducted_by",
                          "where_stayed",
                          "with_whom",
                          "push_factors",
                          "pull_factors",
                          "harm",
                          "exploitation_indicators",
                          "child_account",
                          "disclosures",
                          "child_views",
                          "risks_identified",
                          "actions",
                          "consent_to_share",
                          "consent_overridden_reason"}) {
    EXPECT_TRUE(full.contains(key)) << key;
  }
  EXPECT_EQ(full.at("harm").size(), 6u);
  EXPECT_EQ(full.at("child").size(), 3u);
}

}  // namespace
}  // namespace isagw::adapters::rhi
