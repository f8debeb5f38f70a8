#include "gateway/pipeline/episode_snapshot.h"

#include <gtest/gtest.h>

#include "gateway/pipeline/child_key.h"

namespace isagw::pipeline {
namespace {

using namespace std::chrono;

model::Event Record(model::EventKind kind, int version, model::RiskLevel level) {
  model::Event e;
  e.kind = kind;
  e.episode.police_ref = "DB/21/2026/004512";
  e.episode.force_code = "DERBYS";
  e.episode.record_version = version;
  e.episode.reported_at = sys_days{2026y / November / 22} + 21h;
  e.episode.risk = model::RiskAssessment{level, "phone off"};
  return e;
}

TEST(EpisodeSnapshot, RestoresAnEpisodeThatAppliesTheNextRecordAsTheOriginalWould) {
  auto episode = model::Episode::Open(Record(model::EventKind::kMissingReported, 1,
                                             model::RiskLevel::kMedium));
  ASSERT_TRUE(episode.ok());
  ASSERT_TRUE(episode->Apply(Record(model::EventKind::kRiskReviewed, 2, model::RiskLevel::kHigh)).ok());

  auto restored = EpisodeFromJson(EpisodeToJson(*episode));
  ASSERT_TRUE(restored.ok()) << restored.error();
  EXPECT_EQ(restored->police_ref(), episode->police_ref());
  EXPECT_EQ(restored->state(), episode->state());
  EXPECT_EQ(restored->latest_record_version(), 2);
  EXPECT_EQ(restored->risk_history(), episode->risk_history());
  EXPECT_EQ(restored->missing_since(), episode->missing_since());

  auto again = restored->Apply(Record(model::EventKind::kRiskReviewed, 2, model::RiskLevel::kHigh));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, model::Applied::kDuplicate);
}

TEST(EpisodeSnapshot, RefusesASnapshotTheGatewayDidNotWrite) {
  EXPECT_FALSE(EpisodeFromJson("{}").ok());
  EXPECT_FALSE(EpisodeFromJson("not json").ok());
  EXPECT_FALSE(EpisodeFromJson(R"({"v":1,"police_ref":"X","state":"lost","latest_record_version":1})").ok());
}

TEST(ChildKeys, TheSameChildYieldsTheSameKeysWhateverTheSpelling) {
  ChildLinkKey key{};
  key.fill(1);
  model::Child a;
  a.nhs_number = "9434765919";
  a.forename = "Mary-Jane";
  a.surname = "O'Neil";
  a.date_of_birth = 2010y / May / 4;
  model::Child b = a;
  b.forename = "mary jane";
  b.surname = "ONEIL";
  const auto keys = ChildKeysOf(a, key);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].rfind("nhs:", 0), 0u);
  EXPECT_EQ(keys[1].rfind("ndob:", 0), 0u);
  EXPECT_EQ(ChildKeysOf(b, key), keys);
  EXPECT_EQ(keys[0].find("9434765919"), std::string::npos);
}

TEST(ChildKeys, AnotherKeyOrAnotherChildGivesOtherKeys) {
  ChildLinkKey key{};
  key.fill(1);
  ChildLinkKey other{};
  other.fill(2);
  model::Child a;
  a.nhs_number = "9434765919";
  model::Child b;
  b.nhs_number = "9990000026";
  EXPECT_NE(ChildKeysOf(a, key), ChildKeysOf(a, other));
  EXPECT_NE(ChildKeysOf(a, key), ChildKeysOf(b, key));
  EXPECT_TRUE(ChildKeysOf(model::Child{}, key).empty());
}

}  // namespace
}  // namespace isagw::pipeline
