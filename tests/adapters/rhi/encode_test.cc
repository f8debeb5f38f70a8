// Encoding Events into the rhi forms: every field each form carries
// survives the round trip, the fields it cannot carry are listed exactly,
// and events the format cannot carry are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "adapters/canonical/canonical.h"
#include "adapters/rhi/rhi.h"
#include "rhi_test_support.h"
#include "tests/common/timestamp_literal.h"

namespace isagw::adapters::rhi {
namespace {

using ::isagw::testing::At;

using nlohmann::json;
using testing::Describe;

// An rhi_recorded Event with every field the interview form carries.
model::Event FullInterviewEvent() {
  model::Event e;
  e.kind = model::EventKind::kRhiRecorded;
  e.child.forename = "Alex";
  e.child.surname = "Example";
  e.child.date_of_birth = *model::ParseIsoDate("2010-05-04");
  e.child.council_person_id = model::CouncilPersonId{std::nullopt, "DCC-4471029"};
  e.episode.police_ref = "DB/21/2026/004512";
  model::ReturnHomeInterview r;
  r.provider_id = "BF-DERBY";
  r.interview_id = "BF-RHI-2026-00871";
  r.police_refs = {"DB/21/2026/004512", "DB/21/2026/004388"};
  r.returned_at = At("2026-11-23T07:30:00Z");
  r.offered_at = At("2026-11-23T15:00:00Z");
  r.completed_at = At("2026-11-24T16:30:00Z");
  r.outcome = model::RhiOutcome::kCompleted;
  r.outcome_reason = "Held at school";
  r.conducted_by = model::Interviewer{"Sam Fictional", "RHI worker", true};
  r.where_stayed = {{"A flat in Derby DE23 6UQ", "Derby", "DE23 6UQ"},
                    {"A friend's house", "Stoke-on-Trent", std::nullopt}};
  r.with_whom = {{"Jordan", "older friend", 19, true}, {std::nullopt, "boyfriend", 17, false}};
  r.push_factors = {model::PushFactor::kMentalHealth, model::PushFactor::kBullying};
  r.pull_factors = {model::PullFactor::kSubstances};
  r.harm = model::Harm{false, false, true, true, true, false};
  r.exploitation_indicators = {model::Exploitation::kCce, model::Exploitation::kTrafficking};
  r.child_account = "Went to a flat in Derby.";
  r.disclosures = "Was given cannabis.";
  r.child_views = "Wants a new key worker.";
  r.risks_identified = {"Criminal exploitation", "Criminal exploitation"};
  r.actions = {{model::ActionType::kReferral, "Exploitation team", "Screening"},
               {model::ActionType::kSignpost, std::nullopt, std::nullopt}};
  r.consent = model::Consent{false, true, true, "Risk of significant harm"};
  e.rhi = std::move(r);
  return e;
}

// An rhi_referred Event with every field the referral form carries.
model::Event FullReferralEvent() {
  model::Event e;
  e.kind = model::EventKind::kRhiReferred;
  e.header.message_id = "DCC-RHIREF-2026-0412";
  e.header.sent_at = At("2026-11-23T09:15:00Z");
  e.header.from_la = "831";
  e.child.forename = "Alex";
  e.child.surname = "Example";
  e.child.date_of_birth = *model::ParseIsoDate("2010-05-04");
  e.child.council_person_id = model::CouncilPersonId{"831", "DCC-4471029"};
  e.child.home = model::Address{std::nullopt, "DE22 3AB"};
  e.child.placement = model::Placement{std::nullopt, "DE23 8FX", std::nullopt};
  e.child.social_worker = model::SocialWorker{"Pat Imaginary", "Children in Care 2",
                                              "01332 000 123", "pat@derby.example.gov.uk"};
  e.episode.police_ref = "DB/21/2026/004512";
  e.episode.risk = model::RiskAssessment{model::RiskLevel::kHigh, "Previous concerns"};
  e.episode.exploitation = {false, true, true, false, std::nullopt};
  model::ReturnHomeInterview r;
  r.provider_id = "BF-DERBY";
  r.police_refs = {"DB/21/2026/004512"};
  r.returned_at = At("2026-11-23T07:30:00Z");
  e.rhi = std::move(r);
  return e;
}

model::Event RoundTrip(const model::Event& event) {
  auto encoded = Encode(event);
  EXPECT_TRUE(encoded.ok()) << Describe(encoded.error());
  if (!encoded.ok()) return {};
  auto decoded = Decode(*encoded, {});
  EXPECT_TRUE(decoded.ok()) << Describe(decoded.error());
  if (!decoded.ok()) return {};
  return decoded->event;
}

TEST(RhiEncoder, RoundTripsEveryFieldTheInterviewFormCarries) {
  const model::Event event = FullInterviewEvent();
  EXPECT_EQ(RoundTrip(event), event);
}

TEST(RhiEncoder, RoundTripsEveryFieldTheReferralFormCarries) {
  const model::Event event = FullReferralEvent();
  EXPECT_EQ(RoundTrip(event), event);
}

TEST(RhiEncoder, WritesTheFormFirstAndTimesInUtc) {
  model::Event event = FullInterviewEvent();
  auto encoded = Encode(event);
  ASSERT_TRUE(encoded.ok()) << Describe(encoded.error());
  EXPECT_EQ(encoded->rfind(R"({"form":"return-home-interview","version":1,)", 0), 0u);
  const json document = json::parse(*encoded);
  EXPECT_EQ(document.at("returned_at"), "2026-11-23T07:30:00Z");
  EXPECT_EQ(document.at("consent_overridden_reason"), "Risk of significant harm");
  EXPECT_EQ(document.at("child").at("first_name"), "Alex");
}

TEST(RhiEncoder, WritesOneReferenceAsPoliceReferenceAndSeveralAsAList) {
  model::Event event = FullInterviewEvent();
  json several = json::parse(*Encode(event));
  EXPECT_FALSE(several.contains("police_reference"));
  EXPECT_EQ(several.at("police_references"), json({"DB/21/2026/004512", "DB/21/2026/004388"}));

  event.rhi->police_refs = {"DB/21/2026/004512"};
  json one = json::parse(*Encode(event));
  EXPECT_EQ(one.at("police_reference"), "DB/21/2026/004512");
  EXPECT_FALSE(one.contains("police_references"));
}

TEST(RhiEncoder, PutsTheEpisodeReferenceFirst) {
  model::Event event = FullInterviewEvent();
  event.episode.police_ref = "DB/21/2026/004388";
  json document = json::parse(*Encode(event));
  EXPECT_EQ(document.at("police_references"), json({"DB/21/2026/004388", "DB/21/2026/004512"}));
}

TEST(RhiEncoder, UsesTheEpisodeReferenceWhenTheInterviewHasNone) {
  model::Event event = FullInterviewEvent();
  event.rhi->police_refs.clear();
  json document = json::parse(*Encode(event));
  EXPECT_EQ(document.at("police_reference"), "DB/21/2026/004512");
}

TEST(RhiEncoder, RefusesAnEpisodeReferenceMissingFromTheInterviewsReferences) {
  model::Event event = FullInterviewEvent();
  event.episode.police_ref = "DB/21/2026/009999";
  auto encoded = Encode(event);
  ASSERT_FALSE(encoded.ok());
  EXPECT_EQ(encoded.error().size(), 1u);
  EXPECT_EQ(encoded.error()[0].pointer, "/episode/police_ref");
  EXPECT_EQ(encoded.error()[0].code, "not_representable");
}

TEST(RhiEncoder, RefusesEveryOtherKindOfEvent) {
  for (const auto& [kind, name] : model::kEventKindNames.entries) {
    if (kind == model::EventKind::kRhiRecorded || kind == model::EventKind::kRhiReferred) continue;
    model::Event event = FullInterviewEvent();
    event.kind = kind;
    auto encoded = Encode(event);
    ASSERT_FALSE(encoded.ok()) << name;
    EXPECT_EQ(encoded.error(),
              (FieldErrors{{"/kind", "not_representable",
                            "the rhi format carries only rhi_recorded and rhi_referred"}}))
        << name;
  }
}

std::vector<std::pair<std::string, std::string>> PointersAndCodes(const FieldErrors& errors) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : errors) out.emplace_back(e.pointer, e.code);
  return out;
}

TEST(RhiEncoder, RefusesAnInterviewLackingWhatTheFormRequires) {
  model::Event event;
  event.kind = model::EventKind::kRhiRecorded;
  auto no_rhi = Encode(event);
  ASSERT_FALSE(no_rhi.ok());
  EXPECT_EQ(PointersAndCodes(no_rhi.error()),
            (std::vector<std::pair<std::string, std::string>>{{"/rhi", "not_representable"}}));

  event.rhi.emplace();
  auto empty = Encode(event);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(PointersAndCodes(empty.error()), (std::vector<std::pair<std::string, std::string>>{
                                                 {"/rhi/provider_id", "not_representable"},
                                                 {"/rhi/interview_id", "not_representable"},
                                                 {"/rhi/returned_at", "not_representable"},
                                                 {"/rhi/outcome", "not_representable"},
                                                 {"/rhi/police_refs", "not_representable"},
                                                 {"/child/forename", "not_representable"},
                                                 {"/child/surname", "not_representable"},
                                             }));
}

TEST(RhiEncoder, RefusesAReferralLackingWhatTheFormRequires) {
  model::Event event;
  event.kind = model::EventKind::kRhiReferred;
  auto encoded = Encode(event);
  ASSERT_FALSE(encoded.ok());
  EXPECT_EQ(PointersAndCodes(encoded.error()), (std::vector<std::pair<std::string, std::string>>{
                                                   {"/header/from_la", "not_representable"},
                                                   {"/rhi/police_refs", "not_representable"},
                                                   {"/child/forename", "not_representable"},
                                                   {"/child/surname", "not_representable"},
                                                   {"/rhi/returned_at", "not_representable"},
                                               }));
}

TEST(RhiEncoder, RefusesAnEventThatWouldBreakTheFormsShapeOrContradictItself) {
  model::Event event = FullInterviewEvent();
  event.rhi->outcome = model::RhiOutcome::kDeclined;  // yet completed_at is set
  event.rhi->child_account = std::string(8001, 'x');
  event.rhi->risks_identified.assign(101, "risk");
  event.rhi->outcome_reason = "";
  auto encoded = Encode(event);
  ASSERT_FALSE(encoded.ok());
  EXPECT_EQ(PointersAndCodes(encoded.error()), (std::vector<std::pair<std::string, std::string>>{
                                                   {"/outcome_reason", "not_representable"},
                                                   {"/child_account", "not_representable"},
                                                   {"/risks_identified", "not_representable"},
                                                   {"/completed_at", "not_representable"},
                                               }));
  EXPECT_NE(encoded.error()[1].reason.find("too_long"), std::string::npos);
}

TEST(RhiEncoder, SendsValuesTheIsaMaskedOrPseudonymisedAsTheyAre) {
  model::Event event = FullReferralEvent();
  event.child.home->postcode = "DE22";  // masked to the district
  event.child.placement.reset();        // withheld
  event.child.social_worker->phone = "01332 *** ***";
  event.episode.police_ref = "p:5f2b9c0e";  // keyed hash
  event.rhi->police_refs = {"p:5f2b9c0e"};
  auto encoded = Encode(event);
  ASSERT_TRUE(encoded.ok()) << Describe(encoded.error());
  const json document = json::parse(*encoded);
  EXPECT_EQ(document.at("contact"), json({{"home_postcode", "DE22"}}));
  EXPECT_EQ(document.at("police_reference"), "p:5f2b9c0e");
  // A provider's own documents are still held to the full rules.
  EXPECT_FALSE(Decode(*encoded, {}).ok());
}

TEST(RhiEncoder, SendsACompletedInterviewWhoseCompletionTimeWasWithheld) {
  model::Event event = FullInterviewEvent();
  event.rhi->completed_at.reset();
  auto encoded = Encode(event);
  ASSERT_TRUE(encoded.ok()) << Describe(encoded.error());
  EXPECT_EQ(json::parse(*encoded).at("outcome"), "completed");
}

TEST(RhiEncoder, RefusesTextThatIsNotUtf8) {
  model::Event event = FullInterviewEvent();
  event.rhi->child_views = "\xC3\x28";
  auto encoded = Encode(event);
  ASSERT_FALSE(encoded.ok());
  EXPECT_EQ(encoded.error()[0].code, "invalid_utf8");
}

TEST(RhiEncoder, ReferralFallsBackToThePoliceFoundTime) {
  model::Event event = FullReferralEvent();
  event.rhi.reset();
  event.episode.found_at = At("2026-11-23T06:45:00Z");
  json document = json::parse(*Encode(event));
  EXPECT_EQ(document.at("returned_at"), "2026-11-23T06:45:00Z");
  EXPECT_EQ(document.at("police_reference"), "DB/21/2026/004512");
  EXPECT_FALSE(document.contains("provider_id"));
}

TEST(RhiEncoder, ReferralLeavesOutAnotherCouncilsPersonId) {
  model::Event event = FullReferralEvent();
  event.child.council_person_id = model::CouncilPersonId{"860", "LCS-778812"};
  json other = json::parse(*Encode(event));
  EXPECT_FALSE(other.contains("council_person_id"));
  event.child.council_person_id = model::CouncilPersonId{std::nullopt, "LCS-778812"};
  json unknown = json::parse(*Encode(event));
  EXPECT_EQ(unknown.at("council_person_id"), "LCS-778812");
}

// ---- what each form loses, measured on the canonical all-fields example ----

// Decodes docs/examples/canonical/all-fields.json as an event of `kind`,
// sends it through the rhi form and back, and lists the canonical leaves
// that did not survive.
std::vector<std::string> LostThroughRhi(model::EventKind kind) {
  const auto path = testing::ExamplesDir() / "canonical" / "all-fields.json";
  auto all = canonical::Decode(testing::ReadFile(path), {});
  EXPECT_TRUE(all.ok()) << Describe(all.error());
  if (!all.ok()) return {};
  model::Event event = all->event;
  event.kind = kind;
  const model::Event back = RoundTrip(event);
  json before = canonical::ToJson(event);
  json after = canonical::ToJson(back);
  return testing::LostLeaves(before, after);
}

// Canonical fields neither form has a place for.
const std::vector<std::string> kNeverCarried = {
    "/child/ethnicity/code",
    "/child/ethnicity/scheme",
    "/child/home/text",
    "/child/legal_status",
    "/child/looked_after",
    "/child/nhs_number",
    "/child/placement/provider",
    "/child/placement/type",
    "/child/responsible_la",
    "/child/sex",
    "/episode/circumstances",
    "/episode/force_code",
    "/episode/found_at",
    "/episode/found_by",
    "/episode/found_location/description",
    "/episode/found_location/postcode",
    "/episode/last_seen_at",
    "/episode/last_seen_location/description",
    "/episode/last_seen_location/postcode",
    "/episode/missing_from",
    "/episode/missing_type",
    "/episode/officer_in_case",
    "/episode/previous_episodes",
    "/episode/record_version",
    "/episode/reported_at",
    "/episode/safe_and_well_at",
    "/episode/safe_and_well_completed",
    "/escalation/detail",
    "/escalation/episode_count",
    "/escalation/raised_at",
    "/escalation/reason",
    "/escalation/window_days",
    "/header/to_la",
};

std::vector<std::string> Sorted(std::vector<std::string> pointers) {
  std::sort(pointers.begin(), pointers.end());
  return pointers;
}

std::vector<std::string> Plus(std::vector<std::string> base, std::vector<std::string> more) {
  base.insert(base.end(), more.begin(), more.end());
  return Sorted(std::move(base));
}

TEST(RhiEncoder, InterviewFormLosesExactlyTheseCanonicalFields) {
  EXPECT_EQ(Sorted(LostThroughRhi(model::EventKind::kRhiRecorded)),
            Plus(kNeverCarried, {
                                    // who sent it, and whose person ID it is
                                    "/header/from_la",
                                    "/header/message_id",
                                    "/header/sent_at",
                                    "/child/council_person_id/la",
                                    // the referral's contact, risk and social worker
                                    "/child/home/postcode",
                                    "/child/placement/postcode",
                                    "/child/social_worker/email",
                                    "/child/social_worker/name",
                                    "/child/social_worker/phone",
                                    "/child/social_worker/team",
                                    "/episode/risk/level",
                                    "/episode/risk/rationale",
                                    "/episode/exploitation/cce",
                                    "/episode/exploitation/county_lines",
                                    "/episode/exploitation/cse",
                                    "/episode/exploitation/radicalisation",
                                    "/episode/exploitation/trafficking",
                                }));
}

TEST(RhiEncoder, ReferralFormLosesExactlyTheseCanonicalFields) {
  EXPECT_EQ(Sorted(LostThroughRhi(model::EventKind::kRhiReferred)),
            Plus(kNeverCarried, {
                                    // all-fields holds council 860's person ID but comes
                                    // from council 861: the referral form cannot say so
                                    "/child/council_person_id/la",
                                    "/child/council_person_id/person_id",
                                    // what only an interview says
                                    "/rhi/actions/0/detail",
                                    "/rhi/actions/0/to",
                                    "/rhi/actions/0/type",
                                    "/rhi/actions/1/detail",
                                    "/rhi/actions/1/to",
                                    "/rhi/actions/1/type",
                                    "/rhi/child_account",
                                    "/rhi/child_views",
                                    "/rhi/completed_at",
                                    "/rhi/conducted_by/independent_of_care",
                                    "/rhi/conducted_by/name",
                                    "/rhi/conducted_by/role",
                                    "/rhi/consent/health",
                                    "/rhi/consent/overridden_reason",
                                    "/rhi/consent/placing_authority",
                                    "/rhi/consent/police",
                                    "/rhi/disclosures",
                                    "/rhi/exploitation_indicators/0",
                                    "/rhi/exploitation_indicators/1",
                                    "/rhi/harm/criminal_activity",
                                    "/rhi/harm/emotional",
                                    "/rhi/harm/physical",
                                    "/rhi/harm/self_harm",
                                    "/rhi/harm/sexual",
                                    "/rhi/harm/substance_misuse",
                                    "/rhi/interview_id",
                                    "/rhi/offered_at",
                                    "/rhi/outcome",
                                    "/rhi/outcome_reason",
                                    "/rhi/pull_factors/0",
                                    "/rhi/pull_factors/1",
                                    "/rhi/push_factors/0",
                                    "/rhi/push_factors/1",
                                    "/rhi/risks_identified/0",
                                    "/rhi/risks_identified/1",
                                    "/rhi/where_stayed/0/description",
                                    "/rhi/where_stayed/0/postcode",
                                    "/rhi/where_stayed/0/town",
                                    "/rhi/where_stayed/1/description",
                                    "/rhi/where_stayed/1/town",
                                    "/rhi/with_whom/0/adult_of_concern",
                                    "/rhi/with_whom/0/approx_age",
                                    "/rhi/with_whom/0/name",
                                    "/rhi/with_whom/0/relationship",
                                    "/rhi/with_whom/1/adult_of_concern",
                                    "/rhi/with_whom/1/approx_age",
                                    "/rhi/with_whom/1/name",
                                    "/rhi/with_whom/1/relationship",
                                }));
}

}  // namespace
}  // namespace isagw::adapters::rhi
