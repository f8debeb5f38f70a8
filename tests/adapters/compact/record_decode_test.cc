// What each police field becomes in the canonical model.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "adapters/compact/compact.h"
#include "test_records.h"

namespace isagw::adapters::compact {
namespace {

using namespace std::chrono;
using testing::Apply;
using testing::Change;
using testing::FormatsExample;
using testing::kRemove;
using testing::OnlyError;

model::Event DecodeOk(const std::string& text, const DecodeOptions& options = {}) {
  auto decoded = Decode(text, options);
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : testing::Describe(decoded.error()));
  return decoded.ok() ? decoded->event : model::Event{};
}

std::string Utc(const std::optional<model::Timestamp>& t) {
  return t ? model::FormatTimestamp(*t) : "absent";
}

TEST(CompactDecoder, MapsTheFormatsExample) {
  const model::Event e = DecodeOk(FormatsExample().dump());
  EXPECT_EQ(e.kind, model::EventKind::kMissingReported);
  EXPECT_EQ(e.episode.force_code, "DERBYS");
  EXPECT_EQ(e.episode.police_ref, "DB/21/2026/004512");
  EXPECT_EQ(e.episode.record_version, 1);
  EXPECT_EQ(Utc(e.episode.reported_at), "2026-11-22T21:40:00Z");
  EXPECT_EQ(Utc(e.episode.last_seen_at), "2026-11-22T19:05:00Z");
  EXPECT_EQ(e.child.forename, "Alex");
  EXPECT_EQ(e.child.surname, "Example");
  EXPECT_EQ(e.child.date_of_birth, model::Date{2010y / May / 4});
  EXPECT_EQ(e.child.sex, model::Sex::kMale);
  EXPECT_EQ(e.episode.missing_from, model::MissingFrom::kResidential);
  EXPECT_EQ(e.child.looked_after, model::Answer::kYes);
  EXPECT_EQ(e.child.responsible_la, "860");
  ASSERT_TRUE(e.episode.risk.has_value());
  EXPECT_EQ(e.episode.risk->level, model::RiskLevel::kHigh);
  EXPECT_EQ(e.episode.risk->rationale, "Previous CCE concerns");
  EXPECT_EQ(e.episode.exploitation.cce, true);
  EXPECT_EQ(e.episode.exploitation.cse, false);
  EXPECT_EQ(e.episode.exploitation.county_lines, std::nullopt);  // not stated
  EXPECT_EQ(e.episode.last_seen_location,
            (model::Location{"Derby Bus Station DE1 2AY", "DE1 2AY"}));
  EXPECT_EQ(e.episode.circumstances, "Left the home after an argument");
  EXPECT_EQ(e.child.home, (model::Address{std::nullopt, "DE22 3AB"}));
  EXPECT_EQ(e.episode.officer_in_case, "PC 1234");
  EXPECT_EQ(e.header, model::MessageHeader{});  // the format has no header
}

TEST(CompactDecoder, MapsEveryRecordType) {
  const std::pair<const char*, model::EventKind> types[] = {
      {"MISSING_REPORT", model::EventKind::kMissingReported},
      {"RISK_REVIEW", model::EventKind::kRiskReviewed},
      {"FOUND", model::EventKind::kFound},
      {"CLOSED", model::EventKind::kClosed}};
  for (const auto& [code, kind] : types) {
    const auto text = Apply(FormatsExample(), {{"RecordType", testing::Quoted(code)},
                                               {"FoundDateTime", R"("23/11/2026 08:00")"}});
    EXPECT_EQ(DecodeOk(text).kind, kind) << code;
  }
}

TEST(CompactDecoder, MapsTheRemainingFields) {
  const auto text = Apply(FormatsExample(), {{"RecordType", R"("FOUND")"},
                                             {"FoundDateTime", R"("23/11/2026 08:10")"},
                                             {"SafeAndWellDateTime", R"("23/11/2026 09:30")"},
                                             {"SelfDefinedEthnicity", R"("W1")"},
                                             {"NHSNumber", R"("9434765919")"},
                                             {"HomeAddress", R"("12 Example Road, Derby")"},
                                             {"HomePostcode", R"("de223ab")"},
                                             {"CountyLinesConcern", R"("Y")"},
                                             {"TraffickingConcern", R"("N")"},
                                             {"FoundLocation", R"("Found at a flat, Normanton")"},
                                             {"FoundBy", R"("SELF_RETURN")"},
                                             {"SafeAndWellCompleted", R"("Y")"},
                                             {"PreviousEpisodes", "4"}});
  const model::Event e = DecodeOk(text);
  EXPECT_EQ(Utc(e.episode.found_at), "2026-11-23T08:10:00Z");
  EXPECT_EQ(Utc(e.episode.safe_and_well_at), "2026-11-23T09:30:00Z");
  EXPECT_EQ(e.child.ethnicity, (model::Ethnicity{model::EthnicityScheme::kPolice16Plus1, "W1"}));
  EXPECT_EQ(e.child.nhs_number, "9434765919");
  EXPECT_EQ(e.child.home, (model::Address{"12 Example Road, Derby", "DE22 3AB"}));
  EXPECT_EQ(e.episode.exploitation.county_lines, true);
  EXPECT_EQ(e.episode.exploitation.trafficking, false);
  EXPECT_EQ(e.episode.exploitation.radicalisation, std::nullopt);
  EXPECT_EQ(e.episode.found_location,
            (model::Location{"Found at a flat, Normanton", std::nullopt}));
  EXPECT_EQ(e.episode.found_by, model::FoundBy::kSelfReturn);
  EXPECT_EQ(e.episode.safe_and_well_completed, true);
  EXPECT_EQ(e.episode.previous_episodes, 4);
}

TEST(CompactDecoder, MapsEveryGenderMissingFromAndLookedAfterCode) {
  const std::pair<const char*, model::Sex> genders[] = {{"M", model::Sex::kMale},
                                                        {"F", model::Sex::kFemale},
                                                        {"X", model::Sex::kOther},
                                                        {"U", model::Sex::kUnknown}};
  for (const auto& [code, sex] : genders) {
    EXPECT_EQ(DecodeOk(Apply(FormatsExample(), {{"Gender", testing::Quoted(code)}})).child.sex,
              sex);
  }
  const std::pair<const char*, model::MissingFrom> places[] = {
      {"HOME", model::MissingFrom::kHome},
      {"FOSTER", model::MissingFrom::kFoster},
      {"RESIDENTIAL", model::MissingFrom::kResidential},
      {"SUPPORTED", model::MissingFrom::kSupported},
      {"HOSPITAL", model::MissingFrom::kHospital},
      {"OTHER", model::MissingFrom::kOther}};
  for (const auto& [code, from] : places) {
    EXPECT_EQ(DecodeOk(Apply(FormatsExample(), {{"MissingFrom", testing::Quoted(code)}}))
                  .episode.missing_from,
              from);
  }
  const std::pair<const char*, model::Answer> answers[] = {
      {"Y", model::Answer::kYes}, {"N", model::Answer::kNo}, {"U", model::Answer::kUnknown}};
  for (const auto& [code, answer] : answers) {
    EXPECT_EQ(DecodeOk(Apply(FormatsExample(), {{"LookedAfter", testing::Quoted(code)}}))
                  .child.looked_after,
              answer);
  }
}

TEST(CompactDecoder, MapsEveryRiskGradingIncludingTheLegacyOnes) {
  const std::pair<const char*, model::RiskLevel> gradings[] = {
      {"NO APPARENT RISK", model::RiskLevel::kNoApparentRisk},
      {"ABSENT", model::RiskLevel::kAbsent},
      {"VERY LOW", model::RiskLevel::kVeryLow},
      {"LOW", model::RiskLevel::kLow},
      {"MEDIUM", model::RiskLevel::kMedium},
      {"HIGH", model::RiskLevel::kHigh}};
  for (const auto& [code, level] : gradings) {
    const model::Event e =
        DecodeOk(Apply(FormatsExample(), {{"RiskGrading", testing::Quoted(code)}}));
    ASSERT_TRUE(e.episode.risk.has_value()) << code;
    EXPECT_EQ(e.episode.risk->level, level) << code;
  }
}

TEST(CompactDecoder, MapsEveryFoundByCode) {
  const std::pair<const char*, model::FoundBy> codes[] = {
      {"POLICE", model::FoundBy::kPolice},
      {"SELF_RETURN", model::FoundBy::kSelfReturn},
      {"CARER", model::FoundBy::kCarer},
      {"OTHER_AGENCY", model::FoundBy::kOtherAgency},
      {"OTHER", model::FoundBy::kOther}};
  for (const auto& [code, by] : codes) {
    EXPECT_EQ(
        DecodeOk(Apply(FormatsExample(), {{"FoundBy", testing::Quoted(code)}})).episode.found_by,
        by);
  }
}

TEST(CompactDecoder, TreatsAnEmptyResponsibleLaAsAbsent) {
  const model::Event e = DecodeOk(Apply(FormatsExample(), {{"ResponsibleLA", R"("")"}}));
  EXPECT_EQ(e.child.responsible_la, std::nullopt);
}

TEST(CompactDecoder, TakesTheHomePostcodeFromTheAddressWhenNoneIsGiven) {
  const model::Event e = DecodeOk(Apply(
      FormatsExample(), {{"HomePostcode", kRemove}, {"HomeAddress", R"("4 Park Lane, st4 7qb")"}}));
  EXPECT_EQ(e.child.home, (model::Address{"4 Park Lane, st4 7qb", "ST4 7QB"}));
}

TEST(CompactDecoder, PrefersTheHomePostcodeFieldToOneInTheAddress) {
  const model::Event e =
      DecodeOk(Apply(FormatsExample(), {{"HomeAddress", R"("4 Park Lane, ST4 7QB")"}}));
  EXPECT_EQ(e.child.home, (model::Address{"4 Park Lane, ST4 7QB", "DE22 3AB"}));
}

TEST(CompactDecoder, AcceptsARecordWithOnlyTheCommonRequiredFieldsWhenClosed) {
  const model::Event e = DecodeOk(R"({"RecordType":"CLOSED","ForceCode":"NOTTS",
      "OccurrenceRef":"NT/04/2026/0777","RecordVersion":5})");
  EXPECT_EQ(e.kind, model::EventKind::kClosed);
  EXPECT_EQ(e.child, model::Child{});
  EXPECT_EQ(e.episode.record_version, 5);
}

TEST(CompactDecoder, LenientModeDropsAndListsUnknownFields) {
  DecodeOptions lenient;
  lenient.lenient = true;
  const auto text = Apply(FormatsExample(), {{"Colour", R"("red")"}, {"x/y", "1"}});
  auto decoded = Decode(text, lenient);
  ASSERT_TRUE(decoded.ok()) << testing::Describe(decoded.error());
  EXPECT_EQ(decoded->dropped_fields, (std::vector<std::string>{"/Colour", "/x~1y"}));
  EXPECT_EQ(decoded->event, DecodeOk(FormatsExample().dump()));
}

TEST(CompactDecoder, LenientModeStillRefusesInvalidKnownFields) {
  DecodeOptions lenient;
  lenient.lenient = true;
  const FieldError e =
      OnlyError(Decode(Apply(FormatsExample(), {{"Gender", R"("Q")"}, {"Colour", "1"}}), lenient));
  EXPECT_EQ(e.pointer, "/Gender");
}

// UK local time rules (adapters/common/uk_time.h).
TEST(CompactDecoderTime, WinterTimesAreUtc) {
  const model::Event e = DecodeOk(Apply(FormatsExample(), {}));
  EXPECT_EQ(Utc(e.episode.last_seen_at), "2026-11-22T19:05:00Z");
}

TEST(CompactDecoderTime, SummerTimesAreOneHourAheadOfUtc) {
  const model::Event e =
      DecodeOk(Apply(FormatsExample(), {{"LastSeenDateTime", R"("01/07/2026 12:00")"},
                                        {"ReportedDateTime", R"("01/07/2026 13:15")"}}));
  EXPECT_EQ(Utc(e.episode.last_seen_at), "2026-07-01T11:00:00Z");
  EXPECT_EQ(Utc(e.episode.reported_at), "2026-07-01T12:15:00Z");
}

TEST(CompactDecoderTime, RefusesTheSkippedSpringHourButAcceptsItsEdges) {
  auto last_seen = [](const char* local) {
    return Decode(Apply(FormatsExample(), {{"LastSeenDateTime", testing::Quoted(local)},
                                           {"ReportedDateTime", R"("29/03/2026 03:00")"}}),
                  {});
  };
  EXPECT_EQ(Utc(last_seen("29/03/2026 00:59")->event.episode.last_seen_at), "2026-03-29T00:59:00Z");
  EXPECT_EQ(OnlyError(last_seen("29/03/2026 01:00")).code, "nonexistent_local_time");
  EXPECT_EQ(OnlyError(last_seen("29/03/2026 01:59")).code, "nonexistent_local_time");
  EXPECT_EQ(Utc(last_seen("29/03/2026 02:00")->event.episode.last_seen_at), "2026-03-29T01:00:00Z");
}

TEST(CompactDecoderTime, TheRepeatedAutumnHourTakesTheEarlierInstant) {
  const model::Event e =
      DecodeOk(Apply(FormatsExample(), {{"LastSeenDateTime", R"("25/10/2026 01:30")"},
                                        {"ReportedDateTime", R"("25/10/2026 01:45")"}}));
  EXPECT_EQ(Utc(e.episode.last_seen_at), "2026-10-25T00:30:00Z");  // BST, not GMT
  EXPECT_EQ(Utc(e.episode.reported_at), "2026-10-25T00:45:00Z");
}

TEST(CompactDecoderTime, FoundInTheRepeatedHourAfterLastSeenInItIsConsistent) {
  // Both read as the first pass, so their order is kept.
  const model::Event e =
      DecodeOk(Apply(FormatsExample(), {{"LastSeenDateTime", R"("25/10/2026 01:10")"},
                                        {"FoundDateTime", R"("25/10/2026 01:50")"}}));
  EXPECT_EQ(Utc(e.episode.found_at), "2026-10-25T00:50:00Z");
}

}  // namespace
}  // namespace isagw::adapters::compact
