// Encode/ToJson write each Event in its one canonical form.
#include <gtest/gtest.h>

#include "adapters/canonical/canonical.h"

namespace isagw::adapters::canonical {
namespace {

using namespace std::chrono;
using nlohmann::json;

model::Event MinimalFound() {
  model::Event e;
  e.kind = model::EventKind::kFound;
  e.episode.police_ref = "DB/21/2026/004512";
  e.episode.found_at = sys_days{2026y / November / 23} + 14h + 30min;
  return e;
}

TEST(CanonicalEncoder, WritesOnlyWhatTheEventHolds) {
  EXPECT_EQ(ToJson(MinimalFound()), json::parse(R"({
    "model": "isagw.canonical/1", "kind": "found",
    "episode": {"police_ref": "DB/21/2026/004512", "found_at": "2026-11-23T14:30:00Z"}})"));
}

TEST(CanonicalEncoder, LeavesOutEmptyObjectsAndArrays) {
  model::Event e = MinimalFound();
  e.kind = model::EventKind::kRhiReferred;
  e.child.home = model::Address{};
  e.child.social_worker = model::SocialWorker{};
  e.episode.found_location = model::Location{};
  e.rhi = model::ReturnHomeInterview{};
  e.rhi->harm = model::Harm{};
  e.rhi->where_stayed.push_back(model::PlaceStayed{});
  e.rhi->provider_id = "BRIGHTER-FUTURES";
  const json j = ToJson(e);
  EXPECT_FALSE(j.contains("child"));
  EXPECT_FALSE(j.at("episode").contains("found_location"));
  EXPECT_EQ(j.at("rhi"), json({{"provider_id", "BRIGHTER-FUTURES"}}));
  EXPECT_FALSE(j.contains("header"));
}

TEST(CanonicalEncoder, WritesCodesDatesAndFlagsByTheirCanonicalNames) {
  model::Event e = MinimalFound();
  e.child.date_of_birth = 2010y / May / 4;
  e.child.sex = model::Sex::kNotStated;
  e.child.looked_after = model::Answer::kUnknown;
  e.episode.found_by = model::FoundBy::kSelfReturn;
  e.episode.exploitation.county_lines = false;
  e.episode.risk = model::RiskAssessment{model::RiskLevel::kNoApparentRisk, std::nullopt};
  const json j = ToJson(e);
  EXPECT_EQ(j.at("child").at("date_of_birth"), "2010-05-04");
  EXPECT_EQ(j.at("child").at("sex"), "not_stated");
  EXPECT_EQ(j.at("child").at("looked_after"), "unknown");
  EXPECT_EQ(j.at("episode").at("found_by"), "self_return");
  EXPECT_EQ(j.at("episode").at("exploitation"), json({{"county_lines", false}}));
  EXPECT_EQ(j.at("episode").at("risk"), json({{"level", "no_apparent_risk"}}));
}

TEST(CanonicalEncoder, EncodedTextDecodesToTheSameEvent) {
  model::Event e = MinimalFound();
  e.child.forename = "Zoë";
  e.escalation.reset();
  auto encoded = Encode(e);
  ASSERT_TRUE(encoded.ok());
  auto decoded = Decode(*encoded, {});
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->event, e);
}

TEST(CanonicalEncoder, RefusesTextThatIsNotUtf8InsteadOfThrowing) {
  model::Event e = MinimalFound();
  e.child.forename = std::string("A\xFF");
  auto encoded = Encode(e);
  ASSERT_FALSE(encoded.ok());
  ASSERT_EQ(encoded.error().size(), 1u);
  EXPECT_EQ(encoded.error()[0].code, "invalid_utf8");
}

}  // namespace
}  // namespace isagw::adapters::canonical
