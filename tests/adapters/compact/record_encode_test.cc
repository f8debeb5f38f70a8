// Canonical events as police records, and what survives the round trip.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "adapters/canonical/canonical.h"
#include "adapters/compact/compact.h"
#include "test_events.h"
#include "test_records.h"

namespace isagw::adapters::compact {
namespace {

using namespace std::chrono;
using testing::FormatsExample;
using testing::OnlyError;

model::Event ExampleEvent() {
  auto decoded = Decode(FormatsExample().dump(), {});
  EXPECT_TRUE(decoded.ok());
  return decoded.ok() ? decoded->event : model::Event{};
}

nlohmann::json EncodeOk(const model::Event& event) {
  auto text = Encode(event);
  EXPECT_TRUE(text.ok()) << (text.ok() ? "" : testing::Describe(text.error()));
  return text.ok() ? nlohmann::json::parse(*text) : nlohmann::json{};
}

model::Event RoundTrip(const model::Event& event) {
  auto text = Encode(event);
  EXPECT_TRUE(text.ok()) << (text.ok() ? "" : testing::Describe(text.error()));
  if (!text.ok()) return {};
  auto decoded = Decode(*text, {});
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : testing::Describe(decoded.error()));
  return decoded.ok() ? decoded->event : model::Event{};
}

model::Timestamp At(sys_days day, hours h, minutes m) { return day + h + m; }

// all-fields.json as a police event: a police record never carries an
// interview or an escalation, so those are left out here and tested apart.
model::Event AllFieldsAsFound() {
  model::Event event = testing::AllFieldsEvent();
  event.kind = model::EventKind::kFound;
  event.rhi.reset();
  event.escalation.reset();
  return event;
}

TEST(CompactEncoder, WritesTheFormatsExampleBackAsTheSameRecord) {
  EXPECT_EQ(EncodeOk(ExampleEvent()), FormatsExample());
}

TEST(CompactEncoder, WritesFieldsInTheExportsOrder) {
  auto text = Encode(ExampleEvent());
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->rfind(R"({"RecordType":"MISSING_REPORT","ForceCode":"DERBYS",)"
                        R"("OccurrenceRef":"DB/21/2026/004512","RecordVersion":1,)",
                        0),
            0u);
}

TEST(CompactEncoder, RefusesKindsThePoliceFormatCannotCarry) {
  for (auto kind : {model::EventKind::kPlacementNotified, model::EventKind::kRhiReferred,
                    model::EventKind::kEscalation}) {
    model::Event event = ExampleEvent();
    event.kind = kind;
    const FieldError e = OnlyError(Encode(event));
    EXPECT_EQ(e.pointer, "/kind");
    EXPECT_EQ(e.code, "not_representable");
  }
}

TEST(CompactEncoder, RefusesAnEventWithoutTheFieldsEveryRecordNeeds) {
  model::Event event = ExampleEvent();
  event.episode.police_ref.reset();
  event.episode.force_code.reset();
  event.episode.record_version.reset();
  auto result = Encode(event);
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().size(), 3u) << testing::Describe(result.error());
  EXPECT_EQ(result.error()[0].pointer, "/episode/force_code");
  EXPECT_EQ(result.error()[1].pointer, "/episode/police_ref");
  EXPECT_EQ(result.error()[2].pointer, "/episode/record_version");
  for (const auto& e : result.error()) EXPECT_EQ(e.code, "required");
}

TEST(CompactEncoder, RefusesAnEventWithoutItsKindsRequiredFields) {
  model::Event found = ExampleEvent();
  found.kind = model::EventKind::kFound;
  FieldError e = OnlyError(Encode(found));
  EXPECT_EQ(e.pointer, "/episode/found_at");
  EXPECT_EQ(e.code, "required");

  model::Event missing = ExampleEvent();
  missing.episode.reported_at.reset();
  e = OnlyError(Encode(missing));
  EXPECT_EQ(e.pointer, "/episode/reported_at");
  EXPECT_EQ(e.code, "required");
}

TEST(CompactEncoder, WritesUtcAsUkLocalTime) {
  model::Event event = ExampleEvent();
  event.episode.last_seen_at = At(2026y / July / 1, 11h, 0min);
  event.episode.reported_at = At(2026y / December / 1, 11h, 0min);
  const nlohmann::json record = EncodeOk(event);
  EXPECT_EQ(record["LastSeenDateTime"], "01/07/2026 12:00");  // BST
  EXPECT_EQ(record["ReportedDateTime"], "01/12/2026 11:00");  // GMT
}

TEST(CompactEncoder, DropsSecondsTheFormatCannotHold) {
  model::Event event = ExampleEvent();
  event.episode.last_seen_at = At(2026y / November / 22, 19h, 5min) + 59s;
  EXPECT_EQ(EncodeOk(event)["LastSeenDateTime"], "22/11/2026 19:05");
}

TEST(CompactEncoder, TheSecondPassOfTheRepeatedHourReadsBackAsTheFirst) {
  model::Event event = ExampleEvent();
  event.episode.last_seen_at = At(2026y / October / 25, 1h, 30min);  // 01:30 GMT
  event.episode.reported_at = At(2026y / October / 25, 2h, 0min);
  EXPECT_EQ(EncodeOk(event)["LastSeenDateTime"], "25/10/2026 01:30");
  EXPECT_EQ(RoundTrip(event).episode.last_seen_at, At(2026y / October / 25, 0h, 30min));
}

TEST(CompactEncoder, RefusesTimesTheRepeatedHourWouldPutOutOfOrder) {
  // Last seen 01:45 BST, found 01:10 GMT (25 minutes later): in local time
  // the found time reads as earlier, which the police record cannot say.
  model::Event event = ExampleEvent();
  event.kind = model::EventKind::kFound;
  event.episode.last_seen_at = At(2026y / October / 25, 0h, 45min);
  event.episode.reported_at = At(2026y / October / 25, 0h, 50min);
  event.episode.found_at = At(2026y / October / 25, 1h, 10min);
  const FieldError e = OnlyError(Encode(event));
  EXPECT_EQ(e.pointer, "/episode/found_at");
  EXPECT_EQ(e.code, "inconsistent");
}

TEST(CompactEncoder, MapsDfeEthnicityToThePolice16Plus1Code) {
  model::Event event = ExampleEvent();
  event.child.ethnicity = model::Ethnicity{model::EthnicityScheme::kDfE, "WBRI"};
  EXPECT_EQ(EncodeOk(event)["SelfDefinedEthnicity"], "W1");
  event.child.ethnicity = model::Ethnicity{model::EthnicityScheme::kDfE, "WIRT"};
  EXPECT_EQ(EncodeOk(event)["SelfDefinedEthnicity"], "W9");  // lossy: no Traveller code
  event.child.ethnicity = model::Ethnicity{model::EthnicityScheme::kDfE, "ZZZZ"};
  const FieldError e = OnlyError(Encode(event));
  EXPECT_EQ(e.pointer, "/child/ethnicity/code");
  EXPECT_EQ(e.code, "enum");
}

TEST(CompactEncoder, WritesEverySexCodeAndNotStatedAsUnknown) {
  const std::pair<model::Sex, const char*> codes[] = {{model::Sex::kMale, "M"},
                                                      {model::Sex::kFemale, "F"},
                                                      {model::Sex::kOther, "X"},
                                                      {model::Sex::kUnknown, "U"},
                                                      {model::Sex::kNotStated, "U"}};
  for (const auto& [sex, code] : codes) {
    model::Event event = ExampleEvent();
    event.child.sex = sex;
    EXPECT_EQ(EncodeOk(event)["Gender"], code);
  }
}

TEST(CompactEncoder, KeepsALocationsPostcodeInItsText) {
  model::Event event = ExampleEvent();
  event.episode.last_seen_location = model::Location{"Derby Bus Station", "DE1 2AY"};
  event.episode.found_location = model::Location{std::nullopt, "NG1 5FS"};
  const nlohmann::json record = EncodeOk(event);
  EXPECT_EQ(record["LastSeenLocation"], "Derby Bus Station DE1 2AY");
  EXPECT_EQ(record["FoundLocation"], "NG1 5FS");
  EXPECT_EQ(RoundTrip(event).episode.last_seen_location,
            (model::Location{"Derby Bus Station DE1 2AY", "DE1 2AY"}));
}

TEST(CompactEncoder, RefusesInvalidUtf8NamingTheCanonicalField) {
  model::Event event = ExampleEvent();
  event.child.forename = "Al\xC3\x28x";
  const FieldError e = OnlyError(Encode(event));
  EXPECT_EQ(e.pointer, "/child/forename");
  EXPECT_EQ(e.code, "invalid_utf8");
}

TEST(CompactEncoder, RefusesTextLongerThanTheFormatAllows) {
  model::Event event = ExampleEvent();
  event.episode.circumstances = std::string(4001, 'c');
  const FieldError e = OnlyError(Encode(event));
  EXPECT_EQ(e.pointer, "/episode/circumstances");
  EXPECT_EQ(e.code, "too_long");
}

TEST(CompactEncoder, IgnoresAnInterviewOrEscalationOnAPoliceEvent) {
  model::Event with = testing::AllFieldsEvent();
  with.kind = model::EventKind::kFound;
  EXPECT_EQ(Encode(with).value(), Encode(AllFieldsAsFound()).value());
}

TEST(CompactRoundTrip, KeepsEveryFieldThePoliceRecordCarries) {
  const model::Event original = AllFieldsAsFound();
  model::Event expected = original;
  // What the police record has no field for (docs/formats/compact.md).
  expected.header = {};
  expected.child.council_person_id.reset();
  expected.child.legal_status.reset();
  expected.child.placement.reset();
  expected.child.social_worker.reset();
  expected.episode.missing_type.reset();
  expected.episode.exploitation.radicalisation.reset();
  // DfE WBRI travels as police W1.
  expected.child.ethnicity = model::Ethnicity{model::EthnicityScheme::kPolice16Plus1, "W1"};
  const model::Event back = RoundTrip(original);
  EXPECT_EQ(back, expected) << canonical::ToJson(back).dump(1) << "\nexpected\n"
                            << canonical::ToJson(expected).dump(1);
}

TEST(CompactRoundTrip, KeepsEveryPoliceKind) {
  for (auto kind : {model::EventKind::kMissingReported, model::EventKind::kRiskReviewed,
                    model::EventKind::kFound, model::EventKind::kClosed}) {
    model::Event event = AllFieldsAsFound();
    event.kind = kind;
    EXPECT_EQ(RoundTrip(event).kind, kind);
  }
}

TEST(CompactRoundTrip, ListsExactlyTheCanonicalFieldsCompactCannotCarry) {
  const model::Event original = AllFieldsAsFound();
  std::map<std::string, nlohmann::json> before, after;
  testing::Flatten(canonical::ToJson(original), "", before);
  testing::Flatten(canonical::ToJson(RoundTrip(original)), "", after);
  std::set<std::string> lost;
  for (const auto& [pointer, value] : before) {
    const auto it = after.find(pointer);
    if (it == after.end() || it->second != value) lost.insert(pointer);
  }
  for (const auto& [pointer, value] : after) {
    if (!before.count(pointer)) lost.insert(pointer + " (added)");
  }
  const std::set<std::string> expected = {
      "/header/message_id",
      "/header/sent_at",
      "/header/from_la",
      "/header/to_la",
      "/child/ethnicity/scheme",  // dfe -> police_16plus1
      "/child/ethnicity/code",    // WBRI -> W1
      "/child/council_person_id/la",
      "/child/council_person_id/person_id",
      "/child/legal_status",
      "/child/placement/type",
      "/child/placement/postcode",
      "/child/placement/provider",
      "/child/social_worker/name",
      "/child/social_worker/team",
      "/child/social_worker/phone",
      "/child/social_worker/email",
      "/episode/missing_type",
      "/episode/exploitation/radicalisation",
  };
  EXPECT_EQ(lost, expected);
}

// INTELLIGENCE: a return home interview, flattened for police.
model::Event AllFieldsAsRhi() {
  model::Event event = testing::AllFieldsEvent();
  event.kind = model::EventKind::kRhiRecorded;
  event.escalation.reset();
  return event;
}

TEST(CompactIntelligence, FlattensTheInterviewIntoOneRecord) {
  const nlohmann::json expected = nlohmann::json::parse(R"json({
    "RecordType": "INTELLIGENCE",
    "ForceCode": "STAFFS",
    "OccurrenceRef": "ST/21/2026/004512",
    "RelatedOccurrenceRefs": "ST/21/2026/004387",
    "IntelligenceSource": "RHI",
    "ProviderId": "BRIGHTER-FUTURES",
    "InterviewId": "RHI-2026-00931",
    "ReturnedDateTime": "23/11/2026 14:30",
    "InterviewOfferedDateTime": "24/11/2026 10:00",
    "InterviewCompletedDateTime": "24/11/2026 15:00",
    "InterviewOutcome": "COMPLETED",
    "MisperForename": "Alex",
    "MisperSurname": "Example",
    "MisperDOB": "04/05/2010",
    "Gender": "M",
    "SelfDefinedEthnicity": "W1",
    "NHSNumber": "9990000018",
    "LocationsVisited": "A flat above a shop, Derby, DE1 2AY; A friend's house, Stoke-on-Trent",
    "Associates": "Older male known as T (acquaintance, approx age 24, adult of concern); Friend from school (friend, approx age 15, not an adult of concern)",
    "ExploitationIndicators": "CCE;COUNTY_LINES",
    "PushFactors": "CONFLICT_WITH_CARERS;UNHAPPY_IN_PLACEMENT",
    "PullFactors": "OLDER_ADULTS;MONEY_OR_GIFTS",
    "HarmIndicators": "EMOTIONAL;SUBSTANCE_MISUSE;CRIMINAL_ACTIVITY",
    "RisksIdentified": "Child criminal exploitation; Association with adult of concern"
  })json");
  EXPECT_EQ(EncodeOk(AllFieldsAsRhi()), expected);
}

TEST(CompactIntelligence, NeverCarriesTheInterviewsNarrative) {
  const model::Event event = AllFieldsAsRhi();
  auto text = Encode(event);
  ASSERT_TRUE(text.ok());
  const model::ReturnHomeInterview& rhi = *event.rhi;
  for (const auto* narrative : {&rhi.child_account, &rhi.disclosures, &rhi.child_views,
                                &rhi.outcome_reason, &rhi.consent->overridden_reason}) {
    ASSERT_TRUE(narrative->has_value());
    EXPECT_EQ(text->find(**narrative), std::string::npos) << **narrative;
  }
}

TEST(CompactIntelligence, IsRefusedWhenDecoded) {
  auto text = Encode(AllFieldsAsRhi());
  ASSERT_TRUE(text.ok());
  const FieldError e = OnlyError(Decode(*text, {}));
  EXPECT_EQ(e, (FieldError{"/RecordType", "enum", "INTELLIGENCE records only flow to police"}));
}

TEST(CompactIntelligence, UsesTheEpisodesReferenceWhenTheInterviewHasNone) {
  model::Event event = AllFieldsAsRhi();
  event.rhi->police_refs.clear();
  const nlohmann::json record = EncodeOk(event);
  EXPECT_EQ(record["OccurrenceRef"], "ST/21/2026/004512");
  EXPECT_FALSE(record.contains("RelatedOccurrenceRefs"));
}

TEST(CompactIntelligence, RefusesAnInterviewWithoutAPoliceReference) {
  model::Event event = AllFieldsAsRhi();
  event.rhi->police_refs.clear();
  event.episode.police_ref.reset();
  const FieldError e = OnlyError(Encode(event));
  EXPECT_EQ(e.pointer, "/rhi/police_refs");
  EXPECT_EQ(e.code, "required");
}

TEST(CompactIntelligence, RefusesAMalformedPoliceReference) {
  model::Event event = AllFieldsAsRhi();
  event.rhi->police_refs[1] = "not-a-ref";
  const FieldError e = OnlyError(Encode(event));
  EXPECT_EQ(e.pointer, "/rhi/police_refs/1");
  EXPECT_EQ(e.code, "pattern");
}

TEST(CompactIntelligence, RefusesAnRhiEventWithoutItsInterview) {
  model::Event event = AllFieldsAsRhi();
  event.rhi.reset();
  const FieldError e = OnlyError(Encode(event));
  EXPECT_EQ(e.pointer, "/rhi");
  EXPECT_EQ(e.code, "required");
}

TEST(CompactIntelligence, KeepsListSeparatorsOutOfListItems) {
  model::Event event = AllFieldsAsRhi();
  event.rhi->risks_identified = {"Going out late; staying out", "Missing school"};
  EXPECT_EQ(EncodeOk(event)["RisksIdentified"], "Going out late, staying out; Missing school");
}

TEST(CompactIntelligence, NamesAnUnnamedAssociateAsNotKnown) {
  model::Event event = AllFieldsAsRhi();
  event.rhi->with_whom = {model::Associate{std::nullopt, "friend", std::nullopt, std::nullopt}};
  EXPECT_EQ(EncodeOk(event)["Associates"], "name not known (friend)");
}

TEST(CompactIntelligence, RefusesInvalidUtf8NamingTheCanonicalField) {
  model::Event event = AllFieldsAsRhi();
  event.rhi->interview_id = "RHI-\xFF";
  const FieldError e = OnlyError(Encode(event));
  EXPECT_EQ(e.pointer, "/rhi/interview_id");
  EXPECT_EQ(e.code, "invalid_utf8");
}

}  // namespace
}  // namespace isagw::adapters::compact
