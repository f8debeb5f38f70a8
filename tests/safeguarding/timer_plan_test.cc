// TimerPlan: which timers a record arms and cancels, as a pure function of
// the area's rules and the episode after the record.
#include "gateway/safeguarding/timer_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace isagw::safeguarding {
namespace {

using namespace std::chrono;

model::Timestamp T0() { return sys_days{2026y / May / 4} + 9h; }

AreaRules Rules() {
  AreaRules r;
  r.id = "SG-T";
  r.rhi_due = RhiDueRule{{"SG-T", "§1", 3}, 72h, 24h, {policy::Role::kHostLa}};
  r.long_missing = {{{"SG-T", "§2", 4}, 72h, {policy::Role::kHostLa}},
                    {{"SG-T", "§3", 5}, 48h + 1min, {policy::Role::kPlacingLa}}};
  r.repeat_episodes = {{{"SG-T", "§4", 6}, 3, 90, {policy::Role::kHostLa}}};
  r.high_risk = HighRiskRule{{"SG-T", "§5", 7}, model::RiskLevel::kHigh, {policy::Role::kHostLa}};
  return r;
}

model::Event Record(model::EventKind kind, int version, const char* risk = "medium") {
  model::Event e;
  e.kind = kind;
  e.episode.police_ref = "DB/21/2026/000001";
  e.episode.record_version = version;
  e.episode.last_seen_at = T0();
  model::RiskAssessment assessment;
  assessment.level = *model::kRiskLevelNames.Find(risk);
  e.episode.risk = assessment;
  if (kind == model::EventKind::kFound) e.episode.found_at = T0() + 10h;
  return e;
}

std::optional<int> NoOtherEpisodes(int, int) { return 0; }

TEST(TimerPlan, AMissingReportArmsEachLongMissingTimerFromTheTimeLastSeen) {
  auto episode = model::Episode::Open(Record(model::EventKind::kMissingReported, 1));
  ASSERT_TRUE(episode.ok());
  const TimerPlan plan = PlanForPoliceRecord(
      Rules(), {&*episode, true, std::nullopt, "m1", T0() + 1h}, NoOtherEpisodes);
  ASSERT_EQ(plan.arm.size(), 2u);
  EXPECT_EQ(plan.arm[0].kind, "long_missing");
  EXPECT_EQ(plan.arm[0].due_at, T0() + 72h);
  EXPECT_EQ(plan.arm[1].due_at, T0() + 48h + 1min);
  EXPECT_TRUE(plan.cancel.empty());
  auto spec = SpecFromJson(plan.arm[1].spec_json);
  ASSERT_TRUE(spec.ok());
  // Neither 72 hours nor five days: the generic reason, the rule cited.
  EXPECT_EQ(spec->reason, model::EscalationReason::kMissingLong);
  EXPECT_EQ(spec->notify, Audience{policy::Role::kPlacingLa});
  EXPECT_EQ(spec->detail, "SG-T §3: missing 2881 minutes or longer");
}

TEST(TimerPlan, AFoundRecordCancelsLongMissingAndArmsTheInterviewAndItsReminder) {
  auto episode = model::Episode::Open(Record(model::EventKind::kMissingReported, 1));
  ASSERT_TRUE(episode.ok());
  ASSERT_TRUE(episode->Apply(Record(model::EventKind::kFound, 2)).ok());
  const TimerPlan plan = PlanForPoliceRecord(
      Rules(), {&*episode, false, model::RiskLevel::kMedium, "m2", T0() + 11h}, NoOtherEpisodes);
  ASSERT_EQ(plan.cancel.size(), 1u);
  EXPECT_EQ(plan.cancel[0].kind, "long_missing");
  ASSERT_EQ(plan.arm.size(), 2u);
  EXPECT_EQ(plan.arm[0].kind, "rhi_due");
  EXPECT_EQ(plan.arm[0].due_at, T0() + 10h + 72h);
  EXPECT_EQ(plan.arm[1].kind, "rhi_due_soon");
  EXPECT_EQ(plan.arm[1].due_at, T0() + 10h + 48h);
}

TEST(TimerPlan, RepeatsAlertOnlyWhenTheCountIsReachedExactly) {
  auto episode = model::Episode::Open(Record(model::EventKind::kMissingReported, 1));
  ASSERT_TRUE(episode.ok());
  for (int others : {1, 2, 3}) {
    int window_asked = 0;
    const TimerPlan plan = PlanForPoliceRecord(
        Rules(), {&*episode, true, std::nullopt, "m1", T0()}, [&](int window, int at_most) {
          window_asked = window;
          return std::optional<int>(std::min(others, at_most));
        });
    EXPECT_EQ(window_asked, 90);
    const bool repeat = std::any_of(plan.arm.begin(), plan.arm.end(), [](const store::Timer& t) {
      return t.kind == "repeat_episodes";
    });
    EXPECT_EQ(repeat, others == 2) << others;
  }
  // Not a new episode: nothing is counted.
  const TimerPlan later =
      PlanForPoliceRecord(Rules(), {&*episode, false, model::RiskLevel::kMedium, "m2", T0()},
                          [](int, int) -> std::optional<int> {
                            ADD_FAILURE() << "counted for a record that did not open the episode";
                            return 2;
                          });
  EXPECT_EQ(later.arm.size(), 2u);
}

// Thresholds sharing a window (the usual 3, 5 and 9 in 90 days) are one
// count of the store, up to the largest; each still alerts at its own.
TEST(TimerPlan, RepeatThresholdsAskTheStoreOnceAWindow) {
  AreaRules rules = Rules();
  rules.repeat_episodes = {{{"SG-T", "§4a", 6}, 3, 90, {policy::Role::kHostLa}},
                           {{"SG-T", "§4b", 7}, 9, 90, {policy::Role::kHostLa}},
                           {{"SG-T", "§4c", 8}, 5, 90, {policy::Role::kHostLa}},
                           {{"SG-T", "§4d", 9}, 2, 30, {policy::Role::kHostLa}}};
  auto episode = model::Episode::Open(Record(model::EventKind::kMissingReported, 1));
  ASSERT_TRUE(episode.ok());
  const auto repeats = [](const TimerPlan& plan) {
    std::vector<std::string> ids;
    for (const store::Timer& t : plan.arm) {
      if (t.kind == "repeat_episodes") ids.push_back(t.id.substr(t.id.rfind('|') + 1));
    }
    return ids;
  };
  for (int others_in_90 = 0; others_in_90 <= 12; ++others_in_90) {
    const int others_in_30 = std::min(others_in_90, 1);
    std::vector<std::pair<int, int>> asked;
    const TimerPlan plan = PlanForPoliceRecord(
        rules, {&*episode, true, std::nullopt, "m1", T0()}, [&](int window, int at_most) {
          asked.emplace_back(window, at_most);
          return std::optional<int>(std::min(window == 90 ? others_in_90 : others_in_30, at_most));
        });
    EXPECT_EQ(asked, (std::vector<std::pair<int, int>>{{30, 2}, {90, 9}})) << others_in_90;
    std::vector<std::string> expected;
    if (others_in_90 == 2) expected.emplace_back("3/90");
    if (others_in_90 == 8) expected.emplace_back("9/90");
    if (others_in_90 == 4) expected.emplace_back("5/90");
    if (others_in_30 == 1) expected.emplace_back("2/30");
    EXPECT_EQ(repeats(plan), expected) << others_in_90;
  }
}

TEST(TimerPlan, AnRhiRecordCancelsUnlessTheInterviewWasNotOffered) {
  const TimerPlan done = PlanForRhiRecord({"A/1", "B/2"}, model::RhiOutcome::kDeclined);
  EXPECT_EQ(done.cancel.size(), 4u);
  EXPECT_TRUE(PlanForRhiRecord({"A/1"}, model::RhiOutcome::kNotOffered).empty());
}

TEST(TimerPlan, SpecsRoundTripAndMalformedOnesAreRefused) {
  TimerSpec spec;
  spec.reason = model::EscalationReason::kRepeatEpisodes;
  spec.source = {"SG-T", "§4", 6};
  spec.notify = {policy::Role::kHostLa, policy::Role::kPoliceForce};
  spec.episode_count = 3;
  spec.window_days = 90;
  spec.detail = "SG-T §4: episode 3 within 90 days";
  auto back = SpecFromJson(SpecToJson(spec).dump());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, spec);
  EXPECT_FALSE(SpecFromJson("[]").ok());
  EXPECT_FALSE(SpecFromJson(R"({"reason":"nope","rules":"x","clause":"y","notify":[]})").ok());
  EXPECT_FALSE(
      SpecFromJson(R"({"reason":"other","rules":"x","clause":"y","notify":["mayor"]})").ok());
}

}  // namespace
}  // namespace isagw::safeguarding
