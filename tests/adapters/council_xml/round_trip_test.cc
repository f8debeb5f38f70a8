// canonical -> council XML -> canonical for every field the format
// carries, using docs/examples/canonical/all-fields.json (which sets every
// field of the model), and the exact list of what it cannot carry.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "adapters/council_xml/council_xml.h"
#include "test_documents.h"

namespace isagw::adapters::council_xml {
namespace {

using testing::CanonicalJson;
using testing::Describe;
using testing::EventFromCanonical;
using testing::Leaves;
using testing::ReadFile;
using testing::SourceDir;

nlohmann::json AllFields() {
  return nlohmann::json::parse(
      ReadFile(SourceDir() / "docs" / "examples" / "canonical" / "all-fields.json"));
}

// Canonical fields council XML has no element for: Encode refuses them.
const std::set<std::string> kNotCarried = {
    "/rhi/child_account", "/rhi/disclosures", "/rhi/child_views", "/rhi/with_whom/0/name",
    "/rhi/with_whom/1/name"};

// Canonical fields council XML leaves out when encoding (police
// bookkeeping, and concerns considered and ruled out): they do not come
// back.
const std::set<std::string> kLeftOut = {
    "/episode/record_version", "/episode/previous_episodes", "/episode/exploitation/cse",
    "/episode/exploitation/trafficking", "/episode/exploitation/radicalisation"};

TEST(CouncilXmlRoundTrip, EncodingAllFieldsNamesExactlyTheFieldsCouncilXmlCannotCarry) {
  auto encoded = Encode(EventFromCanonical(AllFields()));
  ASSERT_FALSE(encoded.ok());
  std::set<std::string> refused;
  for (const FieldError& e : encoded.error()) {
    EXPECT_EQ(e.code, "not_representable");
    refused.insert(e.pointer);
  }
  EXPECT_EQ(refused, kNotCarried);
}

TEST(CouncilXmlRoundTrip, EveryOtherFieldComesBackExceptTheDocumentedOmissions) {
  nlohmann::json document = AllFields();
  for (const std::string& pointer : kNotCarried) {
    document.at(nlohmann::json::json_pointer(pointer).parent_pointer())
        .erase(nlohmann::json::json_pointer(pointer).back());
  }
  const model::Event sent = EventFromCanonical(document);
  auto encoded = Encode(sent);
  ASSERT_TRUE(encoded.ok()) << Describe(encoded.error());
  auto decoded = Decode(*encoded, DecodeOptions{});
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error()) << "\n" << *encoded;

  const auto before = Leaves(CanonicalJson(sent));
  const auto after = Leaves(CanonicalJson(decoded->event));
  std::set<std::string> lost;
  for (const auto& [pointer, value] : before) {
    auto it = after.find(pointer);
    if (it == after.end()) {
      lost.insert(pointer);
    } else {
      EXPECT_EQ(it->second, value) << pointer;
    }
  }
  for (const auto& [pointer, value] : after) {
    EXPECT_TRUE(before.count(pointer)) << "appeared from nowhere: " << pointer;
  }
  EXPECT_EQ(lost, kLeftOut);
  // Sanity: the example really does exercise (nearly) every field.
  EXPECT_GT(before.size(), 100u);
}

TEST(CouncilXmlRoundTrip, CodeTranslationsThatLoseDetailAreTheDocumentedOnes) {
  nlohmann::json document = AllFields();
  for (const std::string& pointer : kNotCarried) {
    document.at(nlohmann::json::json_pointer(pointer).parent_pointer())
        .erase(nlohmann::json::json_pointer(pointer).back());
  }
  document["child"]["sex"] = "other";
  document["child"]["looked_after"] = "unknown";
  document["child"]["ethnicity"] = {{"scheme", "police_16plus1"}, {"code", "W1"}};
  document["child"]["council_person_id"].erase("la");
  const model::Event sent = EventFromCanonical(document);
  auto encoded = Encode(sent);
  ASSERT_TRUE(encoded.ok()) << Describe(encoded.error());
  auto decoded = Decode(*encoded, DecodeOptions{});
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  const nlohmann::json child = CanonicalJson(decoded->event)["child"];
  EXPECT_EQ(child["sex"], "unknown");
  EXPECT_FALSE(child.contains("looked_after"));
  EXPECT_EQ(child["ethnicity"], (nlohmann::json{{"scheme", "dfe"}, {"code", "WBRI"}}));
  // Without a council of its own, a person id is read as the sender's.
  EXPECT_EQ(child["council_person_id"]["la"], document["header"]["from_la"]);
}

}  // namespace
}  // namespace isagw::adapters::council_xml
