#include "gateway/config/yaml_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/common/temp_dir.h"

namespace isagw::config {
namespace {

YAML::Node Parse(const char* text) { return YAML::Load(text); }

TEST(MapReader, ReadsTextOnlyFromStrings) {
  YAML::Node node = Parse("a: text\nb: \"831\"\nc: 831\nd: yes\ne: ~\nf: 1.5\n");
  ErrorList errors("f.yaml");
  MapReader in(errors, node, node.Mark(), "");
  EXPECT_EQ(in.String("a", Presence::kRequired), "text");
  EXPECT_EQ(in.String("b", Presence::kRequired), "831");
  EXPECT_EQ(in.String("c", Presence::kRequired), std::nullopt);
  EXPECT_EQ(in.String("d", Presence::kRequired), std::nullopt);
  EXPECT_EQ(in.String("e", Presence::kRequired), std::nullopt);
  EXPECT_EQ(in.String("f", Presence::kRequired), std::nullopt);
  ConfigErrors out = errors.Take();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].key, "c");
  EXPECT_EQ(out[0].line, 3);
  EXPECT_EQ(out[0].reason, "must be text (put it in quotes)");
  EXPECT_EQ(out[2].reason, "has no value");
}

TEST(MapReader, ReadsVeryLongPlainScalarsWithoutRecursingDeeply) {
  const std::string digits(200000, '7');
  YAML::Node node = YAML::Load("a: " + digits + "\n");
  ErrorList errors("f.yaml");
  MapReader in(errors, node, node.Mark(), "");
  EXPECT_EQ(in.String("a", Presence::kRequired, 10), std::nullopt);
  ConfigErrors out = errors.Take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].code, "too_long");
}

TEST(MapReader, ReportsMissingKeysAtTheMappingsLine) {
  YAML::Node node = Parse("outer:\n  inner:\n    a: 1\n");
  ErrorList errors("f.yaml");
  MapReader top(errors, node, node.Mark(), "");
  auto outer = top.Map("outer", Presence::kRequired);
  ASSERT_TRUE(outer.has_value());
  auto inner = outer->Map("inner", Presence::kRequired);
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->Integer("b", Presence::kRequired, 0, 9), std::nullopt);
  ConfigErrors out = errors.Take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToString(), "f.yaml:2: outer.inner.b: is required");
}

TEST(MapReader, RefusesKeysNobodyRead) {
  YAML::Node node = Parse("a: 1\nb: 2\n");
  ErrorList errors("f.yaml");
  MapReader in(errors, node, node.Mark(), "root");
  EXPECT_EQ(in.Integer("a", Presence::kRequired, 0, 9), 1);
  in.RefuseUnknownKeys();
  ConfigErrors out = errors.Take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, "root.b");
  EXPECT_EQ(out[0].code, "unknown_field");
  EXPECT_EQ(out[0].line, 2);
}

TEST(MapReader, ParsesDurationsWithUnits) {
  YAML::Node node = Parse("a: 250ms\nb: 3s\nc: 2m\nd: 1h\ne: 5\nf: 2w\n");
  ErrorList errors("f.yaml");
  MapReader in(errors, node, node.Mark(), "");
  const auto min = std::chrono::milliseconds(0);
  const auto max = std::chrono::hours(2);
  EXPECT_EQ(in.Duration("a", Presence::kRequired, min, max), std::chrono::milliseconds(250));
  EXPECT_EQ(in.Duration("b", Presence::kRequired, min, max), std::chrono::seconds(3));
  EXPECT_EQ(in.Duration("c", Presence::kRequired, min, max), std::chrono::minutes(2));
  EXPECT_EQ(in.Duration("d", Presence::kRequired, min, max), std::chrono::hours(1));
  EXPECT_EQ(in.Duration("e", Presence::kRequired, min, max), std::nullopt);
  EXPECT_EQ(in.Duration("f", Presence::kRequired, min, max), std::nullopt);
  EXPECT_EQ(errors.Take().size(), 2u);
}

TEST(MapReader, ReadsDaysAsTwentyFourHours) {
  YAML::Node node = Parse("a: 5d\nb: 31d\n");
  ErrorList errors("f.yaml");
  MapReader in(errors, node, node.Mark(), "");
  const auto max = std::chrono::hours(24 * 30);
  EXPECT_EQ(in.Duration("a", Presence::kRequired, std::chrono::minutes(1), max),
            std::chrono::hours(120));
  EXPECT_EQ(in.Duration("b", Presence::kRequired, std::chrono::minutes(1), max), std::nullopt);
  ConfigErrors out = errors.Take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, "b");
  EXPECT_EQ(out[0].code, "range");
}

TEST(MapReader, NamesListItemsByIndex) {
  YAML::Node node = Parse("list:\n  - one\n  - 2\n");
  ErrorList errors("f.yaml");
  MapReader in(errors, node, node.Mark(), "");
  EXPECT_EQ(in.StringList("list", Presence::kRequired, 10), std::nullopt);
  ConfigErrors out = errors.Take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, "list[1]");
  EXPECT_EQ(out[0].line, 3);
}

TEST(ErrorAtPointer, FindsTheLineAndKeyPath) {
  YAML::Node node = Parse("agencies:\n  - id: a\n  - id: b\n    codes:\n      la_number: \"1\"\n");
  ConfigError e =
      ErrorAtPointer("r.yaml", node, {"/agencies/1/codes/la_number", "la_number", "bad"});
  EXPECT_EQ(e.ToString(), "r.yaml:5: agencies[1].codes.la_number: bad");
}

TEST(ErrorAtPointer, UsesTheDeepestKeyFoundForMissingOnes) {
  YAML::Node node = Parse("agencies:\n  - id: a\n    routing: {}\n");
  ConfigError e =
      ErrorAtPointer("r.yaml", node, {"/agencies/0/routing/covers_las/2", "required", "x"});
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.key, "agencies[0].routing.covers_las[2]");
}

TEST(ErrorAtPointer, LeavesTheDocumentUnchanged) {
  YAML::Node node = Parse("a:\n  - x: 1\n  - x: 2\n");
  (void)ErrorAtPointer("r.yaml", node, {"/a/1/x", "c", "r"});
  EXPECT_EQ(node["a"][0]["x"].as<int>(), 1);
  EXPECT_EQ(node["a"][1]["x"].as<int>(), 2);
  EXPECT_EQ(node["a"].size(), 2u);
}

// A hostile or broken file is refused with a reason, never a crash or a
// hang (threat CONF-D1).
class HostileYaml : public ::testing::Test {
 protected:
  ConfigErrors Refusal(const std::string& text) {
    dir_.Write("f.yaml", text);
    auto loaded = LoadYamlFile(dir_.path() / "f.yaml");
    EXPECT_FALSE(loaded.ok());
    return loaded.ok() ? ConfigErrors{} : loaded.error();
  }
  isagw::testing::ScratchDir dir_;
};

TEST_F(HostileYaml, AFileOverOneMebibyteIsRefusedUnread) {
  const ConfigErrors errors = Refusal("a: \"" + std::string(kMaxYamlBytes, 'x') + "\"\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "too_large");
}

TEST_F(HostileYaml, NestingDeeperThanTheParserAllowsIsASyntaxError) {
  // yaml-cpp parses recursively; without its depth guard this overflows the stack.
  for (const char* open : {"[", "{", "- "}) {
    std::string text;
    for (int i = 0; i < 100000; ++i) text += open;
    const ConfigErrors errors = Refusal(text);
    ASSERT_EQ(errors.size(), 1u) << open;
    EXPECT_EQ(errors[0].code, "syntax") << open;
  }
}

TEST_F(HostileYaml, ALoneCommaIsRefusedNotReadForEver) {
  // Found by fuzz/config_fuzzer.cc: yaml-cpp 0.7's LoadAll looped on it.
  const ConfigErrors errors = Refusal("version: 1\n, schemas/gateway-config.schema.json\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "syntax");
}

TEST_F(HostileYaml, AliasesDoNotMultiplyWhatIsRead) {
  // "Billion laughs": nine levels of ten aliases each name 10^9 leaves.
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    const std::string prev = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + prev;
    text += "]\n";
  }
  dir_.Write("f.yaml", text);
  auto loaded = LoadYamlFile(dir_.path() / "f.yaml");
  ASSERT_TRUE(loaded.ok()) << "aliases are valid YAML; the loader's key checks refuse them";
  ErrorList errors("f.yaml");
  MapReader in(errors, *loaded, loaded->Mark(), "");
  EXPECT_EQ(in.String("a9", Presence::kRequired), std::nullopt);
  in.RefuseUnknownKeys();
  const ConfigErrors out = errors.Take();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].key, "a9");
  EXPECT_EQ(out[0].code, "type");
}

}  // namespace
}  // namespace isagw::config
