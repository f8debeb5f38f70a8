// The example rules in policies/safeguarding/ load and say what their
// comments say.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tests/common/temp_dir.h"
#include "tests/safeguarding/safeguarding_test_util.h"

namespace isagw::safeguarding {
namespace {

using policy::Role;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using testing::ExampleRegistry;
using testing::ExampleRules;
using testing::ExampleRulesDir;

TEST(ExampleRules, EveryFileLoadsOnItsOwn) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(ExampleRulesDir())) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    const std::string name = entry.path().filename().string();
    auto loaded =
        LoadRuleDocuments({{name, isagw::testing::ReadText(entry.path())}}, ExampleRegistry());
    ASSERT_TRUE(loaded.ok()) << name << "\n" << config::ToString(loaded.error());
    EXPECT_EQ(loaded->rules().size(), 1u) << name;
  }
  EXPECT_EQ(files, 3);
}

TEST(ExampleRules, LoadTogetherWithOneFilePerArea) {
  const RuleSet& rules = ExampleRules();
  ASSERT_EQ(rules.rules().size(), 3u);
  EXPECT_EQ(rules.hash().size(), 64u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"la-staffordshire", "SG-STAFFS-2026"},
      {"la-stoke", "SG-STAFFS-2026"},
      {"la-derby", "SG-DERBY-2026"},
      {"la-croydon", "SG-CROYDON-2026"}};
  for (const auto& [area, id] : expected) {
    const AreaRules* r = rules.ForArea(area);
    ASSERT_NE(r, nullptr) << area;
    EXPECT_EQ(r->id, id) << area;
  }
  EXPECT_EQ(rules.ForArea("la-nottingham"), nullptr);
  EXPECT_EQ(rules.ForArea("la-bradford"), nullptr);
}

TEST(ExampleRules, StaffordshireKeepsTheFullClock) {
  const AreaRules* r = ExampleRules().ForArea("la-staffordshire");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->file, "sg-staffs-2026.yaml");
  ASSERT_TRUE(r->rhi_due.has_value());
  EXPECT_EQ(r->rhi_due->due_after, hours(72));
  EXPECT_EQ(r->rhi_due->warn_before, std::optional<std::chrono::seconds>(hours(24)));
  EXPECT_EQ(r->rhi_due->notify, (Audience{Role::kHostLa, Role::kCommissionedProvider}));
  EXPECT_EQ(r->rhi_due->source.rules_id, "SG-STAFFS-2026");
  EXPECT_EQ(r->rhi_due->source.clause, "§3.1");

  ASSERT_EQ(r->long_missing.size(), 2u);
  EXPECT_EQ(r->long_missing[0].after, hours(72));
  EXPECT_EQ(r->long_missing[1].after, days(5));
  EXPECT_TRUE(r->long_missing[1].notify.contains(Role::kPoliceForce));

  // Staffordshire 21a: 3, 5 and 9 episodes in a rolling 90 days.
  std::vector<std::pair<int, int>> repeat;
  for (const RepeatRule& rule : r->repeat_episodes)
    repeat.emplace_back(rule.count, rule.window_days);
  EXPECT_EQ(repeat, (std::vector<std::pair<int, int>>{{3, 90}, {5, 90}, {9, 90}}));

  ASSERT_TRUE(r->high_risk.has_value());
  EXPECT_EQ(r->high_risk->at_least, model::RiskLevel::kHigh);
  ASSERT_TRUE(r->urgent_alerts.has_value());
  EXPECT_EQ(r->urgent_alerts->acknowledgement, Acknowledgement::kBusiness);
  EXPECT_EQ(r->urgent_alerts->within, minutes(30));
  EXPECT_EQ(r->urgent_alerts->at_least, model::RiskLevel::kHigh);
}

TEST(ExampleRules, DerbyCallsAMeetingAtThreeEpisodesInThirtyDays) {
  const AreaRules* r = ExampleRules().ForArea("la-derby");
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->repeat_episodes.size(), 1u);
  EXPECT_EQ(r->repeat_episodes[0].count, 3);
  EXPECT_EQ(r->repeat_episodes[0].window_days, 30);
  ASSERT_TRUE(r->rhi_due.has_value());
  EXPECT_EQ(r->rhi_due->due_after, hours(72));
  EXPECT_FALSE(r->rhi_due->warn_before.has_value());
  ASSERT_EQ(r->long_missing.size(), 2u);
  EXPECT_TRUE(r->high_risk.has_value());
  EXPECT_FALSE(r->urgent_alerts.has_value());
}

TEST(ExampleRules, CroydonEscalatesAt72HoursAndFiveDays) {
  const AreaRules* r = ExampleRules().ForArea("la-croydon");
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->long_missing.size(), 2u);
  EXPECT_EQ(r->long_missing[0].after, hours(72));  // Croydon 6: closer examination
  EXPECT_EQ(r->long_missing[1].after, days(5));    // Croydon 7: Director oversight
  ASSERT_TRUE(r->rhi_due.has_value());
  EXPECT_EQ(r->rhi_due->due_after, hours(72));  // Croydon 5
  EXPECT_TRUE(r->repeat_episodes.empty());
}

}  // namespace
}  // namespace isagw::safeguarding
