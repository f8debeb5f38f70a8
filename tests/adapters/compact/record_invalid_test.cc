// One invalid input per row, each refused with exactly one error whose
// pointer and code are asserted.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adapters/compact/compact.h"
#include "test_records.h"

namespace isagw::adapters::compact {
namespace {

using testing::Apply;
using testing::Change;
using testing::FormatsExample;
using testing::kRemove;
using testing::OnlyError;
using testing::Quoted;

struct InvalidRecord {
  const char* name;
  std::vector<Change> changes;
  std::string pointer;
  std::string code;
};

void PrintTo(const InvalidRecord& c, std::ostream* os) { *os << c.name; }

std::string Repeat(char c, std::size_t n) { return Quoted(std::string(n, c)); }

const std::vector<InvalidRecord>& InvalidRecords() {
  static const std::vector<InvalidRecord> cases = {
      // RecordType
      {"UnknownRecordType", {{"RecordType", R"("LOST")"}}, "/RecordType", "enum"},
      {"LowerCaseRecordType", {{"RecordType", R"("missing_report")"}}, "/RecordType", "enum"},
      {"IntelligenceRecord", {{"RecordType", R"("INTELLIGENCE")"}}, "/RecordType", "enum"},
      {"MissingRecordType", {{"RecordType", kRemove}}, "/RecordType", "required"},
      {"NumericRecordType", {{"RecordType", "1"}}, "/RecordType", "type"},
      // ForceCode
      {"LowerCaseForceCode", {{"ForceCode", R"("derbys")"}}, "/ForceCode", "pattern"},
      {"ForceCodeWithDigits", {{"ForceCode", R"("DB21")"}}, "/ForceCode", "pattern"},
      {"EmptyForceCode", {{"ForceCode", R"("")"}}, "/ForceCode", "empty"},
      {"MissingForceCode", {{"ForceCode", kRemove}}, "/ForceCode", "required"},
      // OccurrenceRef
      {"OccurrenceRefWithDashes",
       {{"OccurrenceRef", R"("DB-21-2026-004512")"}},
       "/OccurrenceRef",
       "pattern"},
      {"LowerCaseOccurrenceRef",
       {{"OccurrenceRef", R"("db/21/2026/004512")"}},
       "/OccurrenceRef",
       "pattern"},
      {"ShortOccurrenceNumber",
       {{"OccurrenceRef", R"("DB/21/2026/451")"}},
       "/OccurrenceRef",
       "pattern"},
      {"MissingOccurrenceRef", {{"OccurrenceRef", kRemove}}, "/OccurrenceRef", "required"},
      // RecordVersion
      {"RecordVersionAsString", {{"RecordVersion", R"("1")"}}, "/RecordVersion", "type"},
      {"RecordVersionZero", {{"RecordVersion", "0"}}, "/RecordVersion", "range"},
      {"NegativeRecordVersion", {{"RecordVersion", "-3"}}, "/RecordVersion", "range"},
      {"FractionalRecordVersion", {{"RecordVersion", "1.5"}}, "/RecordVersion", "type"},
      {"HugeRecordVersion", {{"RecordVersion", "3000000000"}}, "/RecordVersion", "range"},
      {"BooleanRecordVersion", {{"RecordVersion", "true"}}, "/RecordVersion", "type"},
      {"MissingRecordVersion", {{"RecordVersion", kRemove}}, "/RecordVersion", "required"},
      // Times
      {"Rfc3339ReportedTime",
       {{"ReportedDateTime", R"("2026-11-22T21:40:00Z")"}},
       "/ReportedDateTime",
       "datetime"},
      {"ReportedOnTheThirtyFirstOfNovember",
       {{"ReportedDateTime", R"("31/11/2026 21:40")"}},
       "/ReportedDateTime",
       "datetime"},
      {"ReportedAtHour24",
       {{"ReportedDateTime", R"("22/11/2026 24:00")"}},
       "/ReportedDateTime",
       "datetime"},
      {"ReportedWithSeconds",
       {{"ReportedDateTime", R"("22/11/2026 21:40:00")"}},
       "/ReportedDateTime",
       "datetime"},
      {"MissingReportedTime", {{"ReportedDateTime", kRemove}}, "/ReportedDateTime", "required"},
      {"TwoDigitYearLastSeen",
       {{"LastSeenDateTime", R"("22/11/26 19:05")"}},
       "/LastSeenDateTime",
       "datetime"},
      {"LastSeenInTheSpringGap",
       {{"LastSeenDateTime", R"("29/03/2026 01:30")"}},
       "/LastSeenDateTime",
       "nonexistent_local_time"},
      {"MissingLastSeenTime", {{"LastSeenDateTime", kRemove}}, "/LastSeenDateTime", "required"},
      {"FoundTimeInWords",
       {{"FoundDateTime", R"("22/11/2026 7pm")"}},
       "/FoundDateTime",
       "datetime"},
      {"FoundInTheSpringGap",
       {{"LastSeenDateTime", R"("28/03/2026 19:05")"}, {"FoundDateTime", R"("29/03/2026 01:00")"}},
       "/FoundDateTime",
       "nonexistent_local_time"},
      {"FoundBeforeLastSeen",
       {{"FoundDateTime", R"("22/11/2026 19:04")"}},
       "/FoundDateTime",
       "inconsistent"},
      {"SafeAndWellOnTheThirtiethOfFebruary",
       {{"SafeAndWellDateTime", R"("30/02/2026 10:00")"}},
       "/SafeAndWellDateTime",
       "datetime"},
      {"SafeAndWellBeforeFound",
       {{"FoundDateTime", R"("23/11/2026 10:00")"},
        {"SafeAndWellDateTime", R"("23/11/2026 09:00")"}},
       "/SafeAndWellDateTime",
       "inconsistent"},
      {"SafeAndWellTimeButNotCompleted",
       {{"SafeAndWellDateTime", R"("23/11/2026 09:00")"}, {"SafeAndWellCompleted", R"("N")"}},
       "/SafeAndWellCompleted",
       "inconsistent"},
      // The child
      {"EmptyForename", {{"MisperForename", R"("")"}}, "/MisperForename", "empty"},
      {"OverlongForename", {{"MisperForename", Repeat('a', 201)}}, "/MisperForename", "too_long"},
      {"NumericSurname", {{"MisperSurname", "42"}}, "/MisperSurname", "type"},
      {"IsoDateOfBirth", {{"MisperDOB", R"("2010-05-04")"}}, "/MisperDOB", "date"},
      {"DateOfBirthOnTheTwentyNinthOfFebruary2011",
       {{"MisperDOB", R"("29/02/2011")"}},
       "/MisperDOB",
       "date"},
      {"DateOfBirthWithoutLeadingZeros", {{"MisperDOB", R"("4/5/2010")"}}, "/MisperDOB", "date"},
      {"DateOfBirthInTheNextCentury",
       {{"MisperDOB", R"("01/01/2099")"}},
       "/MisperDOB",
       "inconsistent"},
      {"DateOfBirthOfAnAdult", {{"MisperDOB", R"("04/05/1990")"}}, "/MisperDOB", "implausible"},
      {"GenderInWords", {{"Gender", R"("Male")"}}, "/Gender", "enum"},
      {"LowerCaseGender", {{"Gender", R"("m")"}}, "/Gender", "enum"},
      {"NullGender", {{"Gender", "null"}}, "/Gender", "type"},
      {"DfeEthnicityCode",
       {{"SelfDefinedEthnicity", R"("WBRI")"}},
       "/SelfDefinedEthnicity",
       "enum"},
      {"UnknownEthnicityCode",
       {{"SelfDefinedEthnicity", R"("W3")"}},
       "/SelfDefinedEthnicity",
       "enum"},
      {"NhsNumberWithSpaces", {{"NHSNumber", R"("943 476 5919")"}}, "/NHSNumber", "pattern"},
      {"NhsNumberWithBadCheckDigit",
       {{"NHSNumber", R"("9434765918")"}},
       "/NHSNumber",
       "nhs_checksum"},
      {"NhsNumberAsNumber", {{"NHSNumber", "9434765919"}}, "/NHSNumber", "type"},
      {"PostcodeDistrictOnly", {{"HomePostcode", R"("DE22")"}}, "/HomePostcode", "postcode"},
      {"PostcodeInWords", {{"HomePostcode", R"("NEAR THE PARK")"}}, "/HomePostcode", "postcode"},
      {"NumericPostcode", {{"HomePostcode", "22"}}, "/HomePostcode", "type"},
      {"OverlongHomeAddress", {{"HomeAddress", Repeat('x', 501)}}, "/HomeAddress", "too_long"},
      {"LookedAfterInWords", {{"LookedAfter", R"("YES")"}}, "/LookedAfter", "enum"},
      {"LookedAfterAsBoolean", {{"LookedAfter", "true"}}, "/LookedAfter", "type"},
      {"TwoDigitResponsibleLa", {{"ResponsibleLA", R"("86")"}}, "/ResponsibleLA", "la_number"},
      {"GssCodeAsResponsibleLa",
       {{"ResponsibleLA", R"("E06000015")"}},
       "/ResponsibleLA",
       "la_number"},
      {"NumericResponsibleLa", {{"ResponsibleLA", "860"}}, "/ResponsibleLA", "type"},
      // The episode
      {"MissingFromCareHome", {{"MissingFrom", R"("CARE_HOME")"}}, "/MissingFrom", "enum"},
      {"RiskGradingWithUnderscore", {{"RiskGrading", R"("VERY_LOW")"}}, "/RiskGrading", "enum"},
      {"LowerCaseRiskGrading", {{"RiskGrading", R"("high")"}}, "/RiskGrading", "enum"},
      {"RationaleWithoutGrading", {{"RiskGrading", kRemove}}, "/RiskGrading", "required"},
      {"OverlongRationale", {{"RiskRationale", Repeat('r', 4001)}}, "/RiskRationale", "too_long"},
      {"CseConcernInWords", {{"CSEConcern", R"("Yes")"}}, "/CSEConcern", "enum"},
      {"CceConcernAsBoolean", {{"CCEConcern", "true"}}, "/CCEConcern", "type"},
      {"CountyLinesConcernUnknown",
       {{"CountyLinesConcern", R"("U")"}},
       "/CountyLinesConcern",
       "enum"},
      {"EmptyTraffickingConcern",
       {{"TraffickingConcern", R"("")"}},
       "/TraffickingConcern",
       "empty"},
      {"OverlongCircumstances",
       {{"Circumstances", Repeat('c', 4001)}},
       "/Circumstances",
       "too_long"},
      {"EmptyLastSeenLocation", {{"LastSeenLocation", R"("")"}}, "/LastSeenLocation", "empty"},
      {"FoundLocationAsList", {{"FoundLocation", R"(["Derby"])"}}, "/FoundLocation", "type"},
      {"FoundByAFriend", {{"FoundBy", R"("FRIEND")"}}, "/FoundBy", "enum"},
      {"SafeAndWellCompletedInWords",
       {{"SafeAndWellCompleted", R"("YES")"}},
       "/SafeAndWellCompleted",
       "enum"},
      {"NullOfficerInCase", {{"OfficerInCase", "null"}}, "/OfficerInCase", "type"},
      {"OverlongOfficerInCase",
       {{"OfficerInCase", Repeat('o', 201)}},
       "/OfficerInCase",
       "too_long"},
      {"NegativePreviousEpisodes", {{"PreviousEpisodes", "-1"}}, "/PreviousEpisodes", "range"},
      {"PreviousEpisodesAsString", {{"PreviousEpisodes", R"("3")"}}, "/PreviousEpisodes", "type"},
      // Kind-specific requirements
      {"RiskReviewWithoutGrading",
       {{"RecordType", R"("RISK_REVIEW")"}, {"RiskGrading", kRemove}, {"RiskRationale", kRemove}},
       "/RiskGrading",
       "required"},
      {"FoundWithoutFoundTime", {{"RecordType", R"("FOUND")"}}, "/FoundDateTime", "required"},
      // Fields the format does not define
      {"UnknownField", {{"Colour", R"("red")"}}, "/Colour", "unknown_field"},
      {"UnknownFieldWithSlash", {{"a/b", "1"}}, "/a~1b", "unknown_field"},
      {"CanonicalFieldName",
       {{"police_ref", R"("DB/21/2026/004512")"}},
       "/police_ref",
       "unknown_field"},
      // Strict JSON
      {"DuplicateKey", {{"Gender", R"("M","Gender":"F")"}}, "/Gender", "duplicate_key"},
      {"InvalidUtf8", {{"MisperForename", "\"Al\xC3\x28x\""}}, "", "invalid_utf8"},
      {"OverlongUtf8Encoding", {{"MisperSurname", "\"\xC0\xAF\""}}, "", "invalid_utf8"},
      {"TooDeep",
       {{"Circumstances", std::string(33, '[') + std::string(33, ']')}},
       "/Circumstances/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0",
       "too_deep"},
      {"Oversize", {{"Circumstances", Repeat('z', 300 * 1024)}}, "", "too_large"},
      {"TrailingComma", {{"Gender", R"("M",)"}}, "/Gender", "syntax"},
  };
  return cases;
}

class CompactInvalidRecord : public ::testing::TestWithParam<InvalidRecord> {};

TEST_P(CompactInvalidRecord, IsRefusedWithOneErrorNamingTheField) {
  const InvalidRecord& c = GetParam();
  const std::string text = Apply(FormatsExample(), c.changes);
  const FieldError e = OnlyError(Decode(text, {}));
  EXPECT_EQ(e.pointer, c.pointer);
  EXPECT_EQ(e.code, c.code);
  EXPECT_FALSE(e.reason.empty());
}

INSTANTIATE_TEST_SUITE_P(Table, CompactInvalidRecord, ::testing::ValuesIn(InvalidRecords()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(CompactInvalidRecords, TheTableHasAtLeastSixtyCases) {
  EXPECT_GE(InvalidRecords().size(), 60u);
}

TEST(CompactInvalidRecords, TheBaseRecordIsValid) {
  EXPECT_TRUE(Decode(FormatsExample().dump(), {}).ok());
}

TEST(CompactInvalidRecords, ANonObjectDocumentIsATypeError) {
  const FieldError e = OnlyError(Decode(R"(["MISSING_REPORT"])", {}));
  EXPECT_EQ(e.pointer, "");
  EXPECT_EQ(e.code, "type");
}

TEST(CompactInvalidRecords, ReportsEveryErrorInTheExportsFieldOrder) {
  const std::string text = Apply(FormatsExample(), {{"NHSNumber", R"("9434765918")"},
                                                    {"Gender", R"("Q")"},
                                                    {"OccurrenceRef", kRemove},
                                                    {"Extra", "1"},
                                                    {"RecordVersion", R"("2")"}});
  auto result = Decode(text, {});
  ASSERT_FALSE(result.ok());
  const FieldErrors expected = {
      {"/OccurrenceRef", "required", "OccurrenceRef is required"},
      {"/RecordVersion", "type", "RecordVersion must be an integer"},
      {"/Gender", "enum", "Gender must be one of M, F, X, U"},
      {"/NHSNumber", "nhs_checksum", "NHSNumber fails the modulus-11 check"},
      {"/Extra", "unknown_field", "the field is not part of the compact format"},
  };
  EXPECT_EQ(result.error(), expected) << testing::Describe(result.error());
}

TEST(CompactInvalidRecords, IntelligenceIsRefusedAloneWhateverElseIsWrong) {
  const std::string text = Apply(FormatsExample(), {{"RecordType", R"("INTELLIGENCE")"},
                                                    {"LocationsVisited", R"("Derby")"},
                                                    {"Gender", R"("Q")"}});
  const FieldError e = OnlyError(Decode(text, {}));
  EXPECT_EQ(e, (FieldError{"/RecordType", "enum", "INTELLIGENCE records only flow to police"}));
}

TEST(CompactInvalidRecords, RespectsAConfiguredSizeLimit) {
  DecodeOptions options;
  options.limits.max_bytes = 100;
  const FieldError e = OnlyError(Decode(FormatsExample().dump(), options));
  EXPECT_EQ(e.code, "too_large");
}

TEST(CompactInvalidRecords, ReasonsNeverQuoteTheValues) {
  // Distinctive invalid values in many fields at once.
  const std::string text = Apply(FormatsExample(), {{"MisperForename", Repeat('Q', 300)},
                                                    {"MisperDOB", R"("QQ/QQ/QQQQ")"},
                                                    {"NHSNumber", R"("QQQQQQQQQQ")"},
                                                    {"HomePostcode", R"("QQQ")"},
                                                    {"LastSeenDateTime", R"("QQ")"},
                                                    {"ResponsibleLA", R"("QQQ")"},
                                                    {"Gender", R"("QQQ")"},
                                                    {"ForceCode", R"("qqq")"},
                                                    {"OccurrenceRef", R"("QQQ")"},
                                                    {"QQQ", R"("QQQ")"}});
  auto result = Decode(text, {});
  ASSERT_FALSE(result.ok());
  EXPECT_GE(result.error().size(), 10u);
  for (const FieldError& e : result.error()) {
    EXPECT_EQ(e.reason.find("QQ"), std::string::npos) << e.reason;
    EXPECT_EQ(e.reason.find("qq"), std::string::npos) << e.reason;
  }
}

}  // namespace
}  // namespace isagw::adapters::compact
