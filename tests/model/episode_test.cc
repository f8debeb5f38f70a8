#include "gateway/model/episode.h"

#include <gtest/gtest.h>

namespace isagw::model {
namespace {

Event Record(EventKind kind, int version, std::optional<RiskLevel> risk = std::nullopt,
             std::string ref = "DB/21/2026/004512") {
  Event e;
  e.kind = kind;
  e.episode.police_ref = std::move(ref);
  e.episode.record_version = version;
  if (risk) e.episode.risk = RiskAssessment{*risk, std::nullopt};
  return e;
}

TEST(Episode, OpensMissingFromAMissingReport) {
  auto episode = Episode::Open(Record(EventKind::kMissingReported, 1, RiskLevel::kHigh));
  ASSERT_TRUE(episode.ok());
  EXPECT_EQ(episode->state(), EpisodeState::kMissing);
  EXPECT_EQ(episode->police_ref(), "DB/21/2026/004512");
  EXPECT_EQ(episode->current_risk(), RiskLevel::kHigh);
}

TEST(Episode, RefusesToOpenFromANonPoliceRecord) {
  auto episode = Episode::Open(Record(EventKind::kRhiRecorded, 1));
  ASSERT_FALSE(episode.ok());
  EXPECT_EQ(episode.error(), EpisodeError::kNotAPoliceRecord);
}

TEST(Episode, RefusesARecordWithoutVersion) {
  Event e = Record(EventKind::kMissingReported, 1);
  e.episode.record_version.reset();
  EXPECT_EQ(Episode::Open(e).error(), EpisodeError::kMissingReference);
}

TEST(Episode, FollowsMissingRiskFoundClosed) {
  auto episode = Episode::Open(Record(EventKind::kMissingReported, 1, RiskLevel::kMedium));
  ASSERT_TRUE(episode.ok());
  EXPECT_EQ(*episode->Apply(Record(EventKind::kRiskReviewed, 2, RiskLevel::kHigh)),
            Applied::kApplied);
  EXPECT_EQ(episode->state(), EpisodeState::kMissing);
  EXPECT_EQ(*episode->Apply(Record(EventKind::kFound, 3)), Applied::kApplied);
  EXPECT_EQ(episode->state(), EpisodeState::kFound);
  EXPECT_EQ(*episode->Apply(Record(EventKind::kClosed, 4)), Applied::kApplied);
  EXPECT_EQ(episode->state(), EpisodeState::kClosed);
  ASSERT_EQ(episode->risk_history().size(), 2u);
  EXPECT_EQ(episode->risk_history()[0].assessment.level, RiskLevel::kMedium);
  EXPECT_EQ(episode->risk_history()[1].record_version, 2);
}

TEST(Episode, RecognisesDuplicateAndStaleVersions) {
  auto episode = Episode::Open(Record(EventKind::kMissingReported, 1));
  ASSERT_TRUE(episode.ok());
  ASSERT_EQ(*episode->Apply(Record(EventKind::kFound, 3)), Applied::kApplied);
  EXPECT_EQ(*episode->Apply(Record(EventKind::kFound, 3)), Applied::kDuplicate);
  // A risk review that arrives after the later found record is stale.
  EXPECT_EQ(*episode->Apply(Record(EventKind::kRiskReviewed, 2, RiskLevel::kLow)),
            Applied::kStale);
  EXPECT_EQ(episode->state(), EpisodeState::kFound);
  EXPECT_EQ(episode->latest_record_version(), 3);
  EXPECT_FALSE(episode->current_risk().has_value());
}

TEST(Episode, RecognisesReplaysEvenAfterClosure) {
  auto episode = Episode::Open(Record(EventKind::kMissingReported, 1));
  ASSERT_TRUE(episode.ok());
  ASSERT_TRUE(episode->Apply(Record(EventKind::kClosed, 2)).ok());
  EXPECT_EQ(*episode->Apply(Record(EventKind::kMissingReported, 1)), Applied::kStale);
  EXPECT_EQ(episode->Apply(Record(EventKind::kRiskReviewed, 3)).error(), EpisodeError::kClosed);
}

TEST(Episode, RefusesARecordForAnotherOccurrence) {
  auto episode = Episode::Open(Record(EventKind::kMissingReported, 1));
  ASSERT_TRUE(episode.ok());
  auto applied = episode->Apply(Record(EventKind::kFound, 2, std::nullopt, "DB/21/2026/004513"));
  EXPECT_EQ(applied.error(), EpisodeError::kWrongEpisode);
}

TEST(Episode, RefusesMissingAgainAfterFound) {
  auto episode = Episode::Open(Record(EventKind::kMissingReported, 1));
  ASSERT_TRUE(episode.ok());
  ASSERT_TRUE(episode->Apply(Record(EventKind::kFound, 2)).ok());
  EXPECT_EQ(episode->Apply(Record(EventKind::kMissingReported, 3)).error(),
            EpisodeError::kMissingAfterFound);
}

TEST(Episode, OpensFoundWhenTheFirstRecordSeenIsFound) {
  auto episode = Episode::Open(Record(EventKind::kFound, 4));
  ASSERT_TRUE(episode.ok());
  EXPECT_EQ(episode->state(), EpisodeState::kFound);
  EXPECT_EQ(*episode->Apply(Record(EventKind::kMissingReported, 1)), Applied::kStale);
}

TEST(Episode, KeepsTimesFromTheRecords) {
  using namespace std::chrono;
  Event missing = Record(EventKind::kMissingReported, 1);
  missing.episode.last_seen_at = sys_days{2026y / November / 22} + 19h + 5min;
  Event found = Record(EventKind::kFound, 2);
  found.episode.found_at = sys_days{2026y / November / 23} + 8h;
  auto episode = Episode::Open(missing);
  ASSERT_TRUE(episode.ok());
  ASSERT_TRUE(episode->Apply(found).ok());
  EXPECT_EQ(episode->missing_since(), missing.episode.last_seen_at);
  EXPECT_EQ(episode->found_at(), found.episode.found_at);
}

TEST(Episode, RecordsARiskOnlyWhenItChanges) {
  auto episode = Episode::Open(Record(EventKind::kMissingReported, 1, RiskLevel::kHigh));
  ASSERT_TRUE(episode.ok());
  ASSERT_TRUE(episode->Apply(Record(EventKind::kRiskReviewed, 2, RiskLevel::kHigh)).ok());
  EXPECT_EQ(episode->risk_history().size(), 1u);
}

}  // namespace
}  // namespace isagw::model
