#include "gateway/policy/loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/policy/policy_test_util.h"

namespace isagw::policy {
namespace {

using testing::DescribeAll;
using testing::KnownAgencies;
using testing::LoadOne;
using testing::ReplaceAll;
using testing::TestIsa;

constexpr std::string_view kAllowHeader = R"yaml(      - clause: "§1(a)"
        allow: header
)yaml";

// 1-based line of the first line containing `needle`.
int LineOf(const std::string& text, std::string_view needle) {
  const std::size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

TEST(PolicyLoader, LoadsAValidAgreement) {
  auto loaded = LoadOne(TestIsa(kAllowHeader));
  ASSERT_TRUE(loaded.ok()) << DescribeAll(loaded.error());
  ASSERT_EQ(loaded->agreements().size(), 1u);
  const auto& isa = loaded->agreements()[0];
  EXPECT_EQ(isa.id, "ISA-TEST-2026");
  EXPECT_EQ(isa.parties.size(), 4u);
  ASSERT_EQ(isa.flows.size(), 1u);
  EXPECT_EQ(isa.flows[0].clause, "ISA-TEST-2026 §1");
  ASSERT_EQ(isa.flows[0].rules.size(), 1u);
  EXPECT_EQ(isa.flows[0].rules[0].clause, "ISA-TEST-2026 §1(a)");
  EXPECT_EQ(isa.retention.days, 365);
  EXPECT_TRUE(loaded->notices().empty());
}

TEST(PolicyLoader, LoadsTheExamplePolicies) {
  auto loaded = LoadPolicySet(testing::ExamplePolicyDir(), KnownAgencies());
  ASSERT_TRUE(loaded.ok()) << DescribeAll(loaded.error());
  EXPECT_EQ(loaded->agreements().size(), 4u);
  EXPECT_TRUE(loaded->notices().empty());
  EXPECT_EQ(loaded->hash().rfind("blake2b-256:", 0), 0u);
  EXPECT_EQ(loaded->hash().size(), std::string("blake2b-256:").size() + 64);
  EXPECT_TRUE(CheckPolicyDirectory(testing::ExamplePolicyDir(), KnownAgencies()).empty());
}

TEST(PolicyLoader, RuleWithoutClauseCitesItsFlow) {
  auto loaded = LoadOne(TestIsa("      - allow: header\n"));
  ASSERT_TRUE(loaded.ok()) << DescribeAll(loaded.error());
  EXPECT_EQ(loaded->agreements()[0].flows[0].rules[0].clause, "ISA-TEST-2026 §1");
}

struct BadCase {
  const char* name;
  std::string yaml;
  std::string code;
  std::string key;
  std::string line_of;  // text on the line the error must point to
};

std::vector<BadCase> BadCases() {
  const std::string ok = TestIsa(kAllowHeader);
  auto rule = [](std::string_view text) { return TestIsa(text); };
  return {
      {"unknown top-level key", ok + "colour: blue\n", "unknown_key", "colour", "colour: blue"},
      {"impossible date", ReplaceAll(ok, "valid_from: 2026-01-01", "valid_from: 2026-02-30"),
       "date", "valid_from", "valid_from:"},
      {"unknown agency", ReplaceAll(ok, "agency: la-stoke", "agency: la-stoke-on-trent"),
       "unknown_agency", "parties[2].agency", "agency: la-stoke-on-trent"},
      {"unknown role of a party", ReplaceAll(ok, "roles: [police_force]", "roles: [police]"),
       "unknown_role", "parties[0].roles[0]", "roles: [police]"},
      {"flow to neither role nor party", ReplaceAll(ok, "to: host_la", "to: social_care"),
       "unknown_party", "flows[0].to", "to: social_care"},
      {"flow to a role no party holds",
       ReplaceAll(ReplaceAll(ok, "roles: [commissioned_provider]", "roles: [host_la]"),
                  "to: host_la", "to: commissioned_provider"),
       "role_not_held", "flows[0].to", "to: commissioned_provider"},
      {"unknown canonical field", rule("      - allow: child.favourite_colour\n"),
       "unknown_field_path", "flows[0].rules[0].allow", "favourite_colour"},
      {"array written without []", rule("      - allow: rhi.with_whom.name\n"),
       "unknown_field_path", "flows[0].rules[0].allow", "with_whom.name"},
      {"malformed field pattern", rule("      - allow: [header, child..surname]\n"), "field_path",
       "flows[0].rules[0].allow[1]", "child..surname"},
      {"unknown event kind",
       ReplaceAll(ok, "events: [missing_reported, risk_reviewed]",
                  "events: [missing_reported, went_missing]"),
       "unknown_event_kind", "flows[0].events[1]", "went_missing"},
      {"duplicate clause in one file",
       rule("      - clause: \"§1(a)\"\n        allow: header\n"
            "      - drop: child\n        clause: \"§1(a)\"  # again\n"),
       "duplicate_clause", "flows[0].rules[1].clause", "# again"},
      {"mask that cannot apply to the field type",
       rule("      - mask: child.forename\n        as: postcode_district\n"), "not_applicable",
       "flows[0].rules[0].mask", "mask: child.forename"},
      {"generalisation that cannot apply",
       rule("      - generalise: child.sex\n        to: age_years\n"), "not_applicable",
       "flows[0].rules[0].generalise", "generalise: child.sex"},
      {"pseudonymising a boolean", rule("      - pseudonymise: episode.exploitation\n"),
       "not_applicable", "flows[0].rules[0].pseudonymise", "pseudonymise: episode"},
      {"unknown mask", rule("      - mask: child.home.postcode\n        as: blur\n"),
       "unknown_mask", "flows[0].rules[0].as", "as: blur"},
      {"two actions in one rule", rule("      - allow: header\n        drop: child\n"),
       "rule_action", "flows[0].rules[0]", "allow: header"},
      {"a rule with no action", rule("      - clause: \"§1(z)\"\n"), "rule_action",
       "flows[0].rules[0]", "§1(z)"},
      {"expiry before start", ReplaceAll(ok, "valid_until: 2027-12-31", "valid_until: 2025-12-31"),
       "inconsistent", "valid_until", "valid_until:"},
      {"signatory not a party", ReplaceAll(ok, "{party: la-stoke,", "{party: la-derby,"),
       "unknown_party", "signatories[2].party", "party: la-derby"},
      {"unknown purpose", ReplaceAll(ok, "purpose: safeguarding", "purpose: marketing"),
       "unknown_purpose", "flows[0].purpose", "purpose: marketing"},
      {"unquoted number where text is wanted", ReplaceAll(ok, "version: \"1\"", "version: 2.0"),
       "type", "version", "version: 2.0"},
      {"duplicate key", ReplaceAll(ok, "title: Test agreement", "title: A\ntitle: B"),
       "duplicate_key", "title", "title: B"},
      {"yaml syntax error", ReplaceAll(ok, "title: Test agreement", "title: Test: agreement"),
       "syntax", "", "title: Test: agreement"},
      {"wrong format", ReplaceAll(ok, "format: isagw.isa/1", "format: isagw.isa/2"), "format",
       "format", "format:"},
      {"unknown risk level", rule("      - allow: header\n        when: {risk_at_least: severe}\n"),
       "enum", "flows[0].rules[0].when.risk_at_least", "risk_at_least: severe"},
      {"unknown condition", rule("      - allow: header\n        when: {consent_given: true}\n"),
       "unknown_key", "flows[0].rules[0].when.consent_given", "consent_given"},
      {"empty condition", rule("      - allow: header\n        when: {}\n"), "empty",
       "flows[0].rules[0].when", "when: {}"},
      {"mask kind given to allow", rule("      - allow: header\n        as: marker\n"),
       "not_applicable", "flows[0].rules[0].as", "as: marker"},
      {"missing lawful basis", ReplaceAll(ok, "lawful_basis: UK GDPR Art 6(1)(e)\n", ""),
       "required", "lawful_basis", "format:"},
      {"clause repeating the ISA id",
       ReplaceAll(ok, "clause: \"§1\"", "clause: \"ISA-TEST-2026 §1\""), "pattern",
       "flows[0].clause", "ISA-TEST-2026 §1"},
      {"badly formed ISA id", ReplaceAll(ok, "id: ISA-TEST-2026", "id: isa test"), "pattern", "id",
       "id: isa test"},
      {"duplicate flow",
       ok + "  - clause: \"§2\"\n    from: police_force\n    to: host_la\n"
            "    events: [risk_reviewed]\n    purpose: safeguarding\n    rules:\n"
            "      - allow: header\n",
       "duplicate_flow", "flows[1]", "clause: \"§2\""},
      {"retention out of range", ReplaceAll(ok, "retention: {days: 365}", "retention: {days: 0}"),
       "range", "retention.days", "retention:"},
  };
}

TEST(PolicyLoader, EveryBadPolicyIsRefusedNamingFileLineAndKey) {
  const auto cases = BadCases();
  ASSERT_GE(cases.size(), 15u);
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto loaded = LoadOne(c.yaml, "bad.yaml");
    ASSERT_FALSE(loaded.ok());
    const PolicyErrors& errors = loaded.error();
    auto found = std::find_if(errors.begin(), errors.end(),
                              [&](const PolicyError& e) { return e.code == c.code; });
    ASSERT_NE(found, errors.end()) << DescribeAll(errors);
    EXPECT_EQ(found->file, "bad.yaml");
    EXPECT_EQ(found->key, c.key) << DescribeAll(errors);
    EXPECT_EQ(found->line, LineOf(c.yaml, c.line_of)) << DescribeAll(errors);
    EXPECT_FALSE(found->reason.empty());
  }
}

TEST(PolicyLoader, ReportsEveryErrorInOnePass) {
  std::string yaml = ReplaceAll(TestIsa("      - allow: child.favourite_colour\n"),
                                "agency: la-stoke", "agency: la-nowhere");
  yaml += "colour: blue\n";
  auto loaded = LoadOne(yaml);
  ASSERT_FALSE(loaded.ok());
  std::set<std::string> codes;
  for (const auto& e : loaded.error()) codes.insert(e.code);
  EXPECT_TRUE(codes.count("unknown_field_path"));
  EXPECT_TRUE(codes.count("unknown_agency"));
  EXPECT_TRUE(codes.count("unknown_key"));
}

TEST(PolicyLoader, RefusesTheClauseOfAnotherFile) {
  const std::string first = TestIsa(kAllowHeader);
  const std::string second = ReplaceAll(first, "ISA-TEST-2026", "ISA-OTHER-2026");
  // Same local clause in two ISAs is fine: citations carry the ISA id.
  auto fine = LoadPolicyDocuments({{"a.yaml", first}, {"b.yaml", second}}, KnownAgencies());
  EXPECT_TRUE(fine.ok()) << (fine.ok() ? "" : DescribeAll(fine.error()));
  // The same ISA id twice is not.
  auto loaded = LoadPolicyDocuments({{"a.yaml", first}, {"b.yaml", first}}, KnownAgencies());
  ASSERT_FALSE(loaded.ok());
  std::set<std::string> codes;
  for (const auto& e : loaded.error()) {
    codes.insert(e.code);
    EXPECT_EQ(e.file, "b.yaml");
  }
  EXPECT_TRUE(codes.count("duplicate_isa"));
  EXPECT_TRUE(codes.count("duplicate_clause"));
}

TEST(PolicyLoader, NeverHalfAppliesASet) {
  const std::string good = TestIsa(kAllowHeader);
  const std::string bad = ReplaceAll(good, "ISA-TEST-2026", "ISA-BAD-2026") + "colour: blue\n";
  auto loaded = LoadPolicyDocuments({{"good.yaml", good}, {"bad.yaml", bad}}, KnownAgencies());
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.error().size(), 1u);
  EXPECT_EQ(loaded.error()[0].file, "bad.yaml");
}

TEST(PolicyLoader, RefusesAnEmptySet) {
  auto loaded = LoadPolicyDocuments({}, KnownAgencies());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error()[0].code, "empty_policy_set");
}

TEST(PolicyLoader, ListsUnsignedPartiesAsNotices) {
  const std::string yaml =
      ReplaceAll(TestIsa(kAllowHeader),
                 "  - {party: la-stoke, signatory: Director, signed_on: 2025-12-01}\n", "");
  auto loaded = LoadOne(yaml);
  ASSERT_TRUE(loaded.ok()) << DescribeAll(loaded.error());
  ASSERT_EQ(loaded->notices().size(), 1u);
  EXPECT_EQ(loaded->notices()[0].code, "unsigned");
  EXPECT_NE(loaded->notices()[0].reason.find("la-stoke"), std::string::npos);
}

TEST(PolicyLoader, AcceptsAnEmptySignatoryListForADraft) {
  std::string yaml = TestIsa(kAllowHeader);
  const std::size_t from = yaml.find("signatories:");
  const std::size_t to = yaml.find("retention:");
  yaml.replace(from, to - from, "signatories: []\n");
  auto loaded = LoadOne(yaml);
  ASSERT_TRUE(loaded.ok()) << DescribeAll(loaded.error());
  EXPECT_EQ(loaded->notices().size(), 4u);
}

TEST(PolicyLoader, HashesTheSetsBytesWhateverTheOrderGiven) {
  const std::string a = TestIsa(kAllowHeader);
  const std::string b = ReplaceAll(a, "ISA-TEST-2026", "ISA-OTHER-2026");
  auto one = LoadPolicyDocuments({{"a.yaml", a}, {"b.yaml", b}}, KnownAgencies());
  auto two = LoadPolicyDocuments({{"b.yaml", b}, {"a.yaml", a}}, KnownAgencies());
  auto changed =
      LoadPolicyDocuments({{"a.yaml", a + "# a comment\n"}, {"b.yaml", b}}, KnownAgencies());
  ASSERT_TRUE(one.ok() && two.ok() && changed.ok());
  EXPECT_EQ(one->hash(), two->hash());
  EXPECT_NE(one->hash(), changed->hash());
}

class PolicyDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("isagw-policy-loader-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(PolicyDirectory, ReadsYamlFilesAndIgnoresOthers) {
  Write("test.yaml", TestIsa(kAllowHeader));
  Write("README.md", "not a policy");
  auto loaded = LoadPolicySet(dir_, KnownAgencies());
  ASSERT_TRUE(loaded.ok()) << DescribeAll(loaded.error());
  EXPECT_EQ(loaded->agreements().size(), 1u);
}

TEST_F(PolicyDirectory, RefusesKeyFilesBesidePolicies) {
  Write("test.yaml", TestIsa(kAllowHeader));
  Write("ISA-TEST-2026.key", std::string(64, 'a'));
  const PolicyErrors errors = CheckPolicyDirectory(dir_, KnownAgencies());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "key_in_policy_directory");
  EXPECT_EQ(errors[0].file, "ISA-TEST-2026.key");
}

TEST_F(PolicyDirectory, RefusesAMissingDirectory) {
  const PolicyErrors errors = CheckPolicyDirectory(dir_ / "nope", KnownAgencies());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "io");
}

// A hostile policy file is refused with a reason, never a crash, a hang
// or an expansion of its aliases (threat CONF-D1).
TEST(PolicyLoader, RefusesHostileYamlWithoutCrashingOrExpandingIt) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "[";
  std::string laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    laughs += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) laughs += (i ? ", *a" : "*a") + std::to_string(level - 1);
    laughs += "]\n";
  }
  const std::string huge = "id: \"" + std::string(kMaxPolicyFileBytes, 'x') + "\"\n";
  struct Case {
    std::string name, text, code;
  };
  for (const Case& c :
       {Case{"deep.yaml", deep, "syntax"}, Case{"laughs.yaml", laughs, "unknown_key"},
        Case{"huge.yaml", huge, "too_large"},
        // yaml-cpp 0.7's LoadAll looped on a lone comma, allocating (found
        // by fuzz/policy_fuzzer.cc's neighbour, the config fuzzer).
        Case{"comma.yaml", ",\n", "syntax"}}) {
    auto loaded = LoadPolicyDocuments({{c.name, c.text}}, KnownAgencies());
    ASSERT_FALSE(loaded.ok()) << c.name;
    const auto& errors = loaded.error();
    EXPECT_TRUE(std::any_of(errors.begin(), errors.end(),
                            [&](const PolicyError& e) { return e.code == c.code; }))
        << c.name << ": " << DescribeAll(errors);
    EXPECT_LE(errors.size(), 40u) << c.name << ": the errors are not multiplied by the aliases";
  }
}

}  // namespace
}  // namespace isagw::policy
