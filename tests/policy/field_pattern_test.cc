#include "gateway/policy/field_pattern.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "gateway/policy/canonical_fields.h"

namespace isagw::policy {
namespace {

FieldPattern P(std::string_view text) {
  auto pattern = FieldPattern::Parse(text);
  EXPECT_TRUE(pattern.ok()) << text;
  return std::move(pattern).value();
}

TEST(FieldPattern, NamesOneField) {
  EXPECT_TRUE(P("child.forename").Covers("child.forename"));
  EXPECT_FALSE(P("child.forename").Covers("child.surname"));
  EXPECT_FALSE(P("child.fore").Covers("child.forename"));
}

TEST(FieldPattern, AnObjectCoversEverythingInside) {
  EXPECT_TRUE(P("child.home").Covers("child.home.postcode"));
  EXPECT_TRUE(P("rhi").Covers("rhi.with_whom[].name"));
  EXPECT_TRUE(P("rhi.with_whom").Covers("rhi.with_whom[].name"));
  EXPECT_FALSE(P("child.home.postcode").Covers("child.home"));
}

TEST(FieldPattern, ArrayElementsAreWrittenWithBrackets) {
  EXPECT_TRUE(P("rhi.with_whom[].name").Covers("rhi.with_whom[].name"));
  EXPECT_TRUE(P("rhi.push_factors[]").Covers("rhi.push_factors[]"));
  EXPECT_TRUE(P("rhi.push_factors").Covers("rhi.push_factors[]"));
  EXPECT_FALSE(P("rhi.with_whom.name").Covers("rhi.with_whom[].name"));
}

TEST(FieldPattern, StarIsOneName) {
  EXPECT_TRUE(P("child.*").Covers("child.forename"));
  EXPECT_TRUE(P("child.*").Covers("child.home.postcode"));  // child.home is one name
  EXPECT_TRUE(P("rhi.with_whom[].*").Covers("rhi.with_whom[].name"));
  EXPECT_FALSE(P("*.postcode").Covers("child.home.postcode"));
  EXPECT_TRUE(P("*.*.postcode").Covers("child.home.postcode"));
}

TEST(FieldPattern, DoubleStarIsAnyDepth) {
  EXPECT_TRUE(P("**.postcode").Covers("child.home.postcode"));
  EXPECT_TRUE(P("**.postcode").Covers("rhi.where_stayed[].postcode"));
  EXPECT_TRUE(P("**.postcode").Covers("episode.found_location.postcode"));
  EXPECT_FALSE(P("**.postcode").Covers("child.home.text"));
  EXPECT_TRUE(P("**").Covers("escalation.detail"));
  EXPECT_TRUE(P("rhi.**.name").Covers("rhi.with_whom[].name"));
  EXPECT_TRUE(P("rhi.**.name").Covers("rhi.conducted_by.name"));
  EXPECT_FALSE(P("rhi.**.name").Covers("child.social_worker.name"));
}

TEST(FieldPattern, RefusesMalformedPatterns) {
  for (std::string_view bad : {"", ".", "child.", ".child", "child..name", "Child.Name",
                               "child.fore-name", "rhi.*[]", "child.home[]x", "child name"}) {
    EXPECT_FALSE(FieldPattern::Parse(bad).ok()) << bad;
  }
}

TEST(FieldPattern, ManyDoubleStarsStayCheap) {
  std::string text = "**";
  for (int i = 0; i < 60; ++i) text += ".**";
  text += ".name";
  EXPECT_TRUE(P(text).Covers("rhi.with_whom[].name"));
}

TEST(CanonicalFields, EveryPathIsUniqueAndWellFormed) {
  std::set<std::string_view> seen;
  for (const auto& field : CanonicalFields()) {
    EXPECT_TRUE(seen.insert(field.path).second) << field.path;
    EXPECT_FALSE(SplitFieldPath(field.path).empty()) << field.path;
    EXPECT_EQ(FindCanonicalField(field.path).value_or(9999),
              static_cast<std::size_t>(&field - CanonicalFields().data()));
  }
  EXPECT_FALSE(FindCanonicalField("child").has_value());
}

// Every leaf of every canonical example (written by the canonical codec's
// authors, independently of this table) must be a field the table knows.
TEST(CanonicalFields, CoverEveryLeafOfTheCanonicalExamples) {
  const std::filesystem::path dir =
      std::filesystem::path(ISAGW_SOURCE_DIR) / "docs/examples/canonical";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no canonical examples yet";
  int leaves = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    const nlohmann::json doc = nlohmann::json::parse(in);
    std::function<void(const nlohmann::json&, const std::string&)> walk =
        [&](const nlohmann::json& v, const std::string& path) {
          if (v.is_object()) {
            for (const auto& [k, m] : v.items()) {
              if (path.empty() && (k == "model" || k == "kind")) continue;
              walk(m, path.empty() ? k : path + "." + k);
            }
          } else if (v.is_array()) {
            for (const auto& m : v) walk(m, path + "[]");
          } else {
            ++leaves;
            EXPECT_TRUE(FindCanonicalField(path).has_value())
                << path << " in " << entry.path().filename();
          }
        };
    walk(doc, "");
  }
  EXPECT_GT(leaves, 0);
}

}  // namespace
}  // namespace isagw::policy
