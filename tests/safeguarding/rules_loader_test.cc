#include "gateway/safeguarding/rules_loader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "tests/common/temp_dir.h"
#include "tests/safeguarding/safeguarding_test_util.h"

namespace isagw::safeguarding {
namespace {

using config::ConfigError;
using config::ConfigErrors;
using isagw::testing::Replace;
using isagw::testing::ScratchDir;
using policy::Role;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::ExampleRegistry;

using Documents = std::vector<std::pair<std::string, std::string>>;

// Every key once. The line numbers matter: tests below expect errors on them.
constexpr std::string_view kBase = R"(format: isagw.safeguarding/1
id: SG-TEST-2026
title: Test rules
areas: [la-derby]
rhi_due:
  clause: "§1"
  after: 72h
  warn_before: 24h
  notify: [host_la, commissioned_provider]
long_missing:
  - clause: "§2"
    after: 72h
    notify: [host_la]
  - clause: "§3"
    after: 5d
    notify: [host_la, police_force]
repeat_episodes:
  - clause: "§4"
    count: 3
    window: 30d
    notify: [host_la, placing_la]
high_risk:
  clause: "§5"
  risk_at_least: high
  notify: [host_la, placing_la]
urgent_alerts:
  clause: "§6"
  risk_at_least: medium
  acknowledge: transport
  within: 45m
)";

Result<RuleSet, ConfigErrors> Load(Documents documents) {
  return LoadRuleDocuments(std::move(documents), ExampleRegistry());
}

Result<RuleSet, ConfigErrors> LoadOne(std::string_view text) {
  return Load({{"test.yaml", std::string(text)}});
}

// Expects `loaded` to be refused with exactly one error, and returns it.
ConfigError OnlyError(const Result<RuleSet, ConfigErrors>& loaded) {
  EXPECT_FALSE(loaded.ok());
  if (loaded.ok()) return {};
  EXPECT_EQ(loaded.error().size(), 1u) << config::ToString(loaded.error());
  return loaded.error().front();
}

void ExpectError(const ConfigError& e, std::string_view file, int line, std::string_view key,
                 std::string_view code) {
  EXPECT_EQ(e.file, file) << e.ToString();
  EXPECT_EQ(e.line, line) << e.ToString();
  EXPECT_EQ(e.key, key) << e.ToString();
  EXPECT_EQ(e.code, code) << e.ToString();
  EXPECT_FALSE(e.reason.empty()) << e.ToString();
}

TEST(RulesLoader, ReadsEveryKey) {
  auto loaded = LoadOne(kBase);
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  ASSERT_EQ(loaded->rules().size(), 1u);
  const AreaRules& r = loaded->rules().front();
  EXPECT_EQ(r.id, "SG-TEST-2026");
  EXPECT_EQ(r.file, "test.yaml");
  EXPECT_EQ(r.title, "Test rules");
  EXPECT_EQ(r.areas, std::vector<std::string>{"la-derby"});

  ASSERT_TRUE(r.rhi_due.has_value());
  EXPECT_EQ(r.rhi_due->source, (RuleSource{"SG-TEST-2026", "§1", 5}));
  EXPECT_EQ(r.rhi_due->due_after, hours(72));
  EXPECT_EQ(r.rhi_due->warn_before, std::optional<seconds>(hours(24)));
  EXPECT_EQ(r.rhi_due->notify, (Audience{Role::kHostLa, Role::kCommissionedProvider}));

  ASSERT_EQ(r.long_missing.size(), 2u);
  EXPECT_EQ(r.long_missing[0],
            (LongMissingRule{{"SG-TEST-2026", "§2", 11}, hours(72), {Role::kHostLa}}));
  EXPECT_EQ(
      r.long_missing[1],
      (LongMissingRule{{"SG-TEST-2026", "§3", 14}, days(5), {Role::kHostLa, Role::kPoliceForce}}));

  ASSERT_EQ(r.repeat_episodes.size(), 1u);
  EXPECT_EQ(r.repeat_episodes[0],
            (RepeatRule{{"SG-TEST-2026", "§4", 18}, 3, 30, {Role::kHostLa, Role::kPlacingLa}}));

  ASSERT_TRUE(r.high_risk.has_value());
  EXPECT_EQ(*r.high_risk, (HighRiskRule{{"SG-TEST-2026", "§5", 22},
                                        model::RiskLevel::kHigh,
                                        {Role::kHostLa, Role::kPlacingLa}}));

  ASSERT_TRUE(r.urgent_alerts.has_value());
  EXPECT_EQ(*r.urgent_alerts, (UrgentAlertRule{{"SG-TEST-2026", "§6", 26},
                                               model::RiskLevel::kMedium,
                                               Acknowledgement::kTransport,
                                               minutes(45)}));
}

TEST(RulesLoader, FillsDefaultsForOptionalKeys) {
  auto loaded = LoadOne(R"(format: isagw.safeguarding/1
id: SG-MIN
title: Defaults
areas: [la-derby]
rhi_due: {clause: "1", notify: [host_la]}
high_risk: {clause: "2", notify: [host_la]}
urgent_alerts: {clause: "3"}
)");
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  const AreaRules& r = loaded->rules().front();
  ASSERT_TRUE(r.rhi_due.has_value());
  EXPECT_EQ(r.rhi_due->due_after, hours(72));
  EXPECT_FALSE(r.rhi_due->warn_before.has_value());
  ASSERT_TRUE(r.high_risk.has_value());
  EXPECT_EQ(r.high_risk->at_least, model::RiskLevel::kHigh);
  ASSERT_TRUE(r.urgent_alerts.has_value());
  EXPECT_EQ(r.urgent_alerts->at_least, model::RiskLevel::kHigh);
  EXPECT_EQ(r.urgent_alerts->acknowledgement, Acknowledgement::kBusiness);
  EXPECT_EQ(r.urgent_alerts->within, minutes(30));
  EXPECT_TRUE(r.long_missing.empty());
  EXPECT_TRUE(r.repeat_episodes.empty());
}

TEST(RulesLoader, AFileWithOnlyAreasKeepsNoTimers) {
  auto loaded = LoadOne(
      "format: isagw.safeguarding/1\nid: SG-NONE\ntitle: No rules\n"
      "areas: [la-derby]\n");
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  const AreaRules* r = loaded->ForArea("la-derby");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->rhi_due.has_value());
  EXPECT_FALSE(r->high_risk.has_value());
  EXPECT_FALSE(r->urgent_alerts.has_value());
}

TEST(RulesLoader, OrdersRepeatThresholdsByWindowThenCount) {
  auto loaded = LoadOne(Replace(std::string(kBase), R"(repeat_episodes:
  - clause: "§4"
    count: 3
    window: 30d
    notify: [host_la, placing_la]
)",
                                R"(repeat_episodes:
  - {clause: "a", count: 9, window: 90d, notify: [host_la]}
  - {clause: "b", count: 3, window: 90d, notify: [host_la]}
  - {clause: "c", count: 5, window: 30d, notify: [host_la]}
  - {clause: "d", count: 5, window: 2160h, notify: [host_la]}
)"));
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  const auto& repeat = loaded->rules().front().repeat_episodes;
  ASSERT_EQ(repeat.size(), 4u);
  std::vector<std::pair<int, int>> order;
  for (const RepeatRule& rule : repeat) order.emplace_back(rule.window_days, rule.count);
  EXPECT_EQ(order, (std::vector<std::pair<int, int>>{{30, 5}, {90, 3}, {90, 5}, {90, 9}}));
  EXPECT_EQ(repeat[0].source.clause, "c");
  EXPECT_EQ(repeat[0].source.line, 20);  // where the file has it, not where it sorts
}

// One refusal: the base document changed once, and the one error expected.
struct RefusalCase {
  const char* name;
  const char* from;
  const char* to;
  int line;
  const char* key;
  const char* code;
};

const RefusalCase kRefusals[] = {
    {"UnknownKey", "title: Test rules\n", "title: Test rules\ncolour: blue\n", 4, "colour",
     "unknown_field"},
    {"UnknownKeyInARule", "  within: 45m\n", "  within: 45m\n  notify: [host_la]\n", 31,
     "urgent_alerts.notify", "unknown_field"},
    {"WrongFormat", "format: isagw.safeguarding/1", "format: isagw.safeguarding/2", 1, "format",
     "format"},
    {"MissingFormat", "format: isagw.safeguarding/1\n", "", 1, "format", "required"},
    {"IdNotAnId", "id: SG-TEST-2026", "id: sg-test", 2, "id", "pattern"},
    {"MissingTitle", "title: Test rules\n", "", 1, "title", "required"},
    {"NoAreas", "areas: [la-derby]", "areas: []", 4, "areas", "empty"},
    {"UnknownArea", "areas: [la-derby]", "areas: [la-derby, la-nowhere]", 4, "areas[1]",
     "unknown_agency"},
    {"UnknownAreaInABlockList", "areas: [la-derby]", "areas:\n  - la-derby\n  - la-nowhere", 6,
     "areas[1]", "unknown_agency"},
    {"AreaOfWrongKind", "areas: [la-derby]", "areas: [police-derbys]", 4, "areas[0]",
     "agency_kind"},
    {"AreaIsADutyEndpoint", "areas: [la-derby]", "areas: [la-derby-edt]", 4, "areas[0]",
     "agency_kind"},
    {"AreaTwiceInAFile", "areas: [la-derby]", "areas: [la-derby, la-derby]", 4, "areas[1]",
     "duplicate"},
    {"MissingClause", "  - clause: \"§3\"\n    after: 5d\n", "  - after: 5d\n", 14,
     "long_missing[1].clause", "required"},
    {"ClauseTooLong", "clause: \"§5\"", "clause: \"§5 of the agreement about children and care\"",
     23, "high_risk.clause", "too_long"},
    {"ClauseTwice", "clause: \"§5\"", "clause: \"§4\"", 23, "high_risk.clause", "duplicate_clause"},
    {"BadRole", "notify: [host_la, police_force]", "notify: [host_la, police]", 16,
     "long_missing[1].notify[1]", "enum"},
    {"RoleTwice", "notify: [host_la, police_force]", "notify: [host_la, host_la]", 16,
     "long_missing[1].notify[1]", "duplicate"},
    {"MissingNotify", "  notify: [host_la, commissioned_provider]\n", "", 5, "rhi_due.notify",
     "required"},
    {"EmptyNotify", "notify: [host_la, commissioned_provider]", "notify: []", 9, "rhi_due.notify",
     "empty"},
    {"RhiDueTooLate", "after: 72h\n  warn_before", "after: 31d\n  warn_before", 7, "rhi_due.after",
     "range"},
    {"WarnBeforeNotBeforeDue", "warn_before: 24h", "warn_before: 72h", 8, "rhi_due.warn_before",
     "order"},
    {"DurationWithoutUnit", "warn_before: 24h", "warn_before: 24", 8, "rhi_due.warn_before",
     "pattern"},
    {"LongMissingNotAscending", "after: 5d", "after: 48h", 15, "long_missing[1].after", "order"},
    {"LongMissingTwice", "after: 5d", "after: 72h", 15, "long_missing[1].after", "order"},
    {"LongMissingNotAList",
     "long_missing:\n  - clause: \"§2\"\n    after: 72h\n    notify: [host_la]\n"
     "  - clause: \"§3\"\n    after: 5d\n    notify: [host_la, police_force]\n",
     "long_missing: 72h\n", 10, "long_missing", "type"},
    {"RepeatCountTooLow", "count: 3", "count: 1", 19, "repeat_episodes[0].count", "range"},
    {"RepeatCountNotANumber", "count: 3", "count: three", 19, "repeat_episodes[0].count", "type"},
    {"WindowNotWholeDays", "window: 30d", "window: 36h", 20, "repeat_episodes[0].window",
     "whole_days"},
    {"WindowTooLong", "window: 30d", "window: 367d", 20, "repeat_episodes[0].window", "range"},
    {"RepeatTwice", "repeat_episodes:\n",
     "repeat_episodes:\n  - {clause: \"§4b\", count: 3, window: 720h, notify: [host_la]}\n", 19,
     "repeat_episodes[1]", "duplicate"},
    {"BadRiskName", "risk_at_least: medium", "risk_at_least: severe", 28,
     "urgent_alerts.risk_at_least", "enum"},
    {"BadAcknowledgeValue", "acknowledge: transport", "acknowledge: read", 29,
     "urgent_alerts.acknowledge", "enum"},
    {"UrgentWithinTooLong", "within: 45m", "within: 25h", 30, "urgent_alerts.within", "range"},
    {"UrgentWithinNotWholeSeconds", "within: 45m", "within: 90500ms", 30, "urgent_alerts.within",
     "whole_seconds"},
    {"RuleNotAMapping",
     "high_risk:\n  clause: \"§5\"\n  risk_at_least: high\n"
     "  notify: [host_la, placing_la]\n",
     "high_risk: yes\n", 22, "high_risk", "type"},
};

std::string CaseName(const ::testing::TestParamInfo<RefusalCase>& param) {
  return param.param.name;
}

class RulesLoaderRefuses : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(RulesLoaderRefuses, NamingFileLineKeyAndCode) {
  const RefusalCase& c = GetParam();
  ExpectError(OnlyError(LoadOne(Replace(std::string(kBase), c.from, c.to))), "test.yaml", c.line,
              c.key, c.code);
}

INSTANTIATE_TEST_SUITE_P(Refusals, RulesLoaderRefuses, ::testing::ValuesIn(kRefusals), CaseName);

TEST(RulesLoader, RefusesAnAreaNamedInTwoFiles) {
  const std::string other = Replace(std::string(kBase), "SG-TEST-2026", "SG-OTHER-2026");
  // The later file in name order is the one refused, whatever order they come in.
  auto loaded = Load({{"b.yaml", other}, {"a.yaml", std::string(kBase)}});
  ExpectError(OnlyError(loaded), "b.yaml", 4, "areas[0]", "duplicate_area");
  EXPECT_NE(OnlyError(loaded).reason.find("a.yaml"), std::string::npos);
}

TEST(RulesLoader, RefusesAnIdUsedByTwoFiles) {
  const std::string other = Replace(std::string(kBase), "[la-derby]", "[la-croydon]");
  auto loaded = Load({{"a.yaml", std::string(kBase)}, {"b.yaml", other}});
  ExpectError(OnlyError(loaded), "b.yaml", 2, "id", "duplicate_id");
}

TEST(RulesLoader, ReportsEveryErrorOfEveryFileAtOnce) {
  auto loaded = Load({{"a.yaml", Replace(std::string(kBase), "count: 3", "count: 0")},
                      {"b.yaml", Replace(Replace(std::string(kBase), "[la-derby]", "[la-croydon]"),
                                         "id: SG-TEST-2026\ntitle: Test rules\n",
                                         "id: SG-B\ntitle: B\nextra: 1\n")},
                      {"c.yaml", Replace(std::string(kBase), "SG-TEST-2026\n", "SG-C\n")}});
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.error().size(), 3u) << config::ToString(loaded.error());
  ExpectError(loaded.error()[0], "a.yaml", 19, "repeat_episodes[0].count", "range");
  ExpectError(loaded.error()[1], "b.yaml", 4, "extra", "unknown_field");
  // a.yaml is refused, but still claims its area: c.yaml names it too.
  ExpectError(loaded.error()[2], "c.yaml", 4, "areas[0]", "duplicate_area");
}

TEST(RulesLoader, RefusesSyntaxErrorsWithTheirLine) {
  auto loaded = LoadOne("format: isagw.safeguarding/1\nid: [unclosed\n");
  const ConfigError e = OnlyError(loaded);
  EXPECT_EQ(e.file, "test.yaml");
  EXPECT_EQ(e.code, "syntax");
  EXPECT_GT(e.line, 0);
}

TEST(RulesLoader, RefusesAnEmptyFileAndTwoDocuments) {
  ExpectError(OnlyError(LoadOne("")), "test.yaml", 0, "", "type");
  ExpectError(OnlyError(LoadOne(std::string(kBase) + "---\n" + std::string(kBase))), "test.yaml", 0,
              "", "syntax");
}

// yaml-cpp 0.7's LoadAll looped on a lone comma, allocating for ever
// (found by fuzz/config_fuzzer.cc): refused like any broken stream.
TEST(RulesLoader, RefusesALoneCommaInsteadOfReadingItForEver) {
  ExpectError(OnlyError(LoadOne(",\n")), "test.yaml", 0, "", "syntax");
}

TEST(RulesLoader, AnEmptySetKeepsNoClockAndHasNoHash) {
  auto loaded = Load({});
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  EXPECT_TRUE(loaded->empty());
  EXPECT_EQ(loaded->hash(), "");
  EXPECT_EQ(loaded->ForArea("la-derby"), nullptr);
}

TEST(RulesLoader, HashesNamesAndBytesInNameOrder) {
  const std::string croydon = Replace(Replace(std::string(kBase), "[la-derby]", "[la-croydon]"),
                                      "SG-TEST-2026", "SG-CROYDON");
  auto one = Load({{"a.yaml", std::string(kBase)}, {"b.yaml", croydon}});
  auto same = Load({{"b.yaml", croydon}, {"a.yaml", std::string(kBase)}});
  auto renamed = Load({{"a.yaml", std::string(kBase)}, {"c.yaml", croydon}});
  auto edited = Load({{"a.yaml", std::string(kBase) + "# a comment\n"}, {"b.yaml", croydon}});
  ASSERT_TRUE(one.ok() && same.ok() && renamed.ok() && edited.ok());
  EXPECT_EQ(one->hash().size(), 64u);
  EXPECT_EQ(one->hash().find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(one->hash(), same->hash());
  EXPECT_NE(one->hash(), renamed->hash());
  EXPECT_NE(one->hash(), edited->hash());
  // Files come back in name order.
  EXPECT_EQ(same->rules()[0].file, "a.yaml");
  EXPECT_EQ(same->rules()[1].file, "b.yaml");
}

TEST(RulesLoader, AnswersForEachAreaItsOwnFile) {
  const std::string two =
      Replace(Replace(std::string(kBase), "[la-derby]", "[la-staffordshire, la-stoke]"),
              "SG-TEST-2026", "SG-TWO");
  auto loaded = Load({{"derby.yaml", std::string(kBase)}, {"two.yaml", two}});
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  ASSERT_NE(loaded->ForArea("la-derby"), nullptr);
  EXPECT_EQ(loaded->ForArea("la-derby")->id, "SG-TEST-2026");
  ASSERT_NE(loaded->ForArea("la-stoke"), nullptr);
  EXPECT_EQ(loaded->ForArea("la-stoke")->id, "SG-TWO");
  EXPECT_EQ(loaded->ForArea("la-staffordshire"), loaded->ForArea("la-stoke"));
  EXPECT_EQ(loaded->ForArea("la-croydon"), nullptr);
  EXPECT_EQ(loaded->ForArea("police-derbys"), nullptr);
  // A copy answers from its own rules.
  const RuleSet copy = *loaded;
  ASSERT_NE(copy.ForArea("la-derby"), nullptr);
  EXPECT_EQ(copy.ForArea("la-derby"), &copy.rules()[0]);
}

TEST(RulesLoader, AMissingDirectoryIsAnEmptySet) {
  ScratchDir dir;
  auto loaded = LoadRuleSet(dir.path() / "nowhere", ExampleRegistry());
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  EXPECT_TRUE(loaded->empty());
  EXPECT_EQ(loaded->hash(), "");
}

TEST(RulesLoader, ReadsYamlFilesDirectlyInTheDirectory) {
  ScratchDir dir;
  const std::string croydon = Replace(Replace(std::string(kBase), "[la-derby]", "[la-croydon]"),
                                      "SG-TEST-2026", "SG-CROYDON");
  dir.Write("derby.yaml", kBase);
  dir.Write("croydon.yml", croydon);
  dir.Write("notes.txt", "not rules");
  dir.Write("old/derby.yaml", "not: even rules");
  auto loaded = LoadRuleSet(dir.path(), ExampleRegistry());
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  ASSERT_EQ(loaded->rules().size(), 2u);
  EXPECT_EQ(loaded->rules()[0].file, "croydon.yml");
  EXPECT_EQ(loaded->rules()[1].file, "derby.yaml");
  auto same = Load({{"derby.yaml", std::string(kBase)}, {"croydon.yml", croydon}});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(loaded->hash(), same->hash());
}

TEST(RulesLoader, NamesFilesByTheirPathWhenLoadingADirectory) {
  ScratchDir dir;
  dir.Write("derby.yaml", Replace(std::string(kBase), "acknowledge: transport", "acknowledge: x"));
  auto loaded = LoadRuleSet(dir.path(), ExampleRegistry());
  ExpectError(OnlyError(loaded), (dir.path() / "derby.yaml").string(), 29,
              "urgent_alerts.acknowledge", "enum");
}

TEST(RulesLoader, RefusesAPathThatIsNotADirectory) {
  ScratchDir dir;
  const auto file = dir.Write("rules.yaml", kBase);
  ExpectError(OnlyError(LoadRuleSet(file, ExampleRegistry())), file.string(), 0, "", "io");
}

}  // namespace
}  // namespace isagw::safeguarding
