// Decoding the rhi forms: what is accepted, how it is normalised, and
// every way a document is refused (exact pointer and code).
#include <gtest/gtest.h>

#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "adapters/rhi/rhi.h"
#include "rhi_test_support.h"
#include "tests/common/timestamp_literal.h"

namespace isagw::adapters::rhi {
namespace {

using ::isagw::testing::At;

using nlohmann::json;
using testing::Describe;

// A valid interview with something in every field.
const char* const kInterviewDocument = R"({
  "form": "return-home-interview", "version": 1,
  "provider_id": "BF-DERBY", "interview_id": "BF-RHI-2026-00871",
  "police_reference": "DB/21/2026/004512", "council_person_id": "DCC-4471029",
  "child": {"first_name": "Alex", "last_name": "Example", "date_of_birth": "2010-05-04"},
  "returned_at": "2026-11-23T07:30:00Z", "offered_at": "2026-11-23T15:00:00Z",
  "completed_at": "2026-11-24T16:30:00Z", "outcome": "completed",
  "outcome_reason": "Held at school",
  "conducted_by": {"name": "Sam Fictional", "role": "RHI worker", "independent_of_care": true},
  "where_stayed": [{"description": "A flat in Derby DE23 6UQ", "town": "Derby"},
                   {"description": "A friend's house", "postcode": "ST4 7QB"}],
  "with_whom": [{"name": "Jordan", "relationship": "older friend", "approx_age": 19,
                 "adult_of_concern": true}],
  "push_factors": ["conflict_with_carers", "boredom"],
  "pull_factors": ["friends", "older_adults"],
  "harm": {"physical": false, "sexual": false, "emotional": true, "substance_misuse": true,
           "criminal_activity": true, "self_harm": false},
  "exploitation_indicators": ["cce"],
  "child_account": "Went to a flat in Derby.", "disclosures": "Was given cannabis.",
  "child_views": "Wants a new key worker.",
  "risks_identified": ["Criminal exploitation"],
  "actions": [{"type": "referral", "to": "Exploitation team", "detail": "Screening"}],
  "consent_to_share": {"police": false, "placing_authority": true, "health": true},
  "consent_overridden_reason": "Risk of significant harm"
})";

// A valid referral with something in every field.
const char* const kReferralDocument = R"({
  "form": "rhi-referral", "version": 1,
  "referral_id": "DCC-RHIREF-2026-0412", "referred_at": "2026-11-23T09:15:00Z",
  "referring_la": "831", "provider_id": "BF-DERBY",
  "police_reference": "DB/21/2026/004512", "council_person_id": "DCC-4471029",
  "child": {"first_name": "Alex", "last_name": "Example", "date_of_birth": "2010-05-04"},
  "returned_at": "2026-11-23T07:30:00Z",
  "contact": {"home_postcode": "DE22 3AB", "placement_postcode": "DE23 8FX"},
  "risk": {"level": "high", "rationale": "Previous exploitation concerns"},
  "exploitation": {"cse": false, "cce": true, "county_lines": true, "trafficking": false,
                   "radicalisation": false},
  "social_worker": {"name": "Pat Imaginary", "team": "Children in Care 2",
                    "phone": "01332 000 123", "email": "pat@derby.example.gov.uk"}
})";

enum class Form { kInterview, kReferral };

json Base(Form form) {
  return json::parse(form == Form::kInterview ? kInterviewDocument : kReferralDocument);
}

Result<Decoded, FieldErrors> DecodeJson(const json& document, bool lenient = false) {
  DecodeOptions options;
  options.lenient = lenient;
  return Decode(document.dump(), options);
}

TEST(RhiDecoder, AcceptsTheBaseDocumentsOfBothForms) {
  auto interview = DecodeJson(Base(Form::kInterview));
  ASSERT_TRUE(interview.ok()) << Describe(interview.error());
  EXPECT_EQ(interview->event.kind, model::EventKind::kRhiRecorded);
  auto referral = DecodeJson(Base(Form::kReferral));
  ASSERT_TRUE(referral.ok()) << Describe(referral.error());
  EXPECT_EQ(referral->event.kind, model::EventKind::kRhiReferred);
}

// ---- one refusal per case: a JSON Patch (RFC 6902) to a valid base ----

struct InvalidCase {
  const char* name;
  Form form;
  const char* patch;
  const char* pointer;
  const char* code;
};

void PrintTo(const InvalidCase& c, std::ostream* out) { *out << c.name; }

std::string Repeat(const char* text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// Patches too long to write out by hand.
const std::string kLongId =
    R"([{"op":"replace","path":"/provider_id","value":")" + std::string(101, 'x') + R"("}])";
const std::string kLongName =
    R"([{"op":"replace","path":"/child/last_name","value":")" + std::string(201, 'x') + R"("}])";
const std::string kLongPlace =
    R"([{"op":"replace","path":"/where_stayed/1/description","value":")" + std::string(501, 'x') +
    R"("}])";
const std::string kLongAccount =
    R"([{"op":"replace","path":"/child_account","value":")" + std::string(8001, 'x') + R"("}])";
const std::string kLongReason =
    R"([{"op":"replace","path":"/outcome_reason","value":")" + std::string(4001, 'x') + R"("}])";
const std::string kManyRisks = R"([{"op":"replace","path":"/risks_identified","value":[)" +
                               Repeat(R"("risk",)", 100) + R"("risk"]}])";

const InvalidCase kInvalidCases[] = {
    // form and version
    {"RefusesADocumentWithoutForm", Form::kInterview, R"([{"op":"remove","path":"/form"}])",
     "/form", "required"},
    {"RefusesAnUnknownForm", Form::kInterview,
     R"([{"op":"replace","path":"/form","value":"return-home-interview-v2"}])", "/form", "enum"},
    {"RefusesAFormThatIsNotAString", Form::kInterview,
     R"([{"op":"replace","path":"/form","value":1}])", "/form", "type"},
    {"RefusesADocumentWithoutVersion", Form::kInterview, R"([{"op":"remove","path":"/version"}])",
     "/version", "required"},
    {"RefusesAnUnsupportedVersion", Form::kInterview,
     R"([{"op":"replace","path":"/version","value":2}])", "/version", "range"},
    {"RefusesAVersionWrittenAsAString", Form::kInterview,
     R"([{"op":"replace","path":"/version","value":"1"}])", "/version", "type"},
    {"RefusesAFractionalVersion", Form::kReferral,
     R"([{"op":"replace","path":"/version","value":1.5}])", "/version", "type"},
    // identifiers
    {"RefusesAnInterviewWithoutProviderId", Form::kInterview,
     R"([{"op":"remove","path":"/provider_id"}])", "/provider_id", "required"},
    {"RefusesAnInterviewWithoutInterviewId", Form::kInterview,
     R"([{"op":"remove","path":"/interview_id"}])", "/interview_id", "required"},
    {"RefusesAnEmptyInterviewId", Form::kInterview,
     R"([{"op":"replace","path":"/interview_id","value":""}])", "/interview_id", "empty"},
    {"RefusesABlankProviderId", Form::kInterview,
     R"([{"op":"replace","path":"/provider_id","value":"   "}])", "/provider_id", "empty"},
    {"RefusesAProviderIdOverOneHundredCharacters", Form::kInterview, kLongId.c_str(),
     "/provider_id", "too_long"},
    {"RefusesANumericProviderId", Form::kInterview,
     R"([{"op":"replace","path":"/provider_id","value":42}])", "/provider_id", "type"},
    {"RefusesAnEmptyCouncilPersonId", Form::kInterview,
     R"([{"op":"replace","path":"/council_person_id","value":""}])", "/council_person_id", "empty"},
    // police references
    {"RefusesAnInterviewWithoutAnyPoliceReference", Form::kInterview,
     R"([{"op":"remove","path":"/police_reference"}])", "/police_reference", "required"},
    {"RefusesBothPoliceReferenceForms", Form::kInterview,
     R"([{"op":"add","path":"/police_references","value":["DB/21/2026/004513"]}])",
     "/police_references", "inconsistent"},
    {"RefusesAPoliceReferenceOfTheWrongShape", Form::kInterview,
     R"([{"op":"replace","path":"/police_reference","value":"DB-21-2026-004512"}])",
     "/police_reference", "pattern"},
    {"RefusesAnEmptyListOfPoliceReferences", Form::kInterview,
     R"([{"op":"remove","path":"/police_reference"},
         {"op":"add","path":"/police_references","value":[]}])",
     "/police_references", "empty"},
    {"RefusesARepeatedPoliceReference", Form::kInterview,
     R"([{"op":"remove","path":"/police_reference"},
         {"op":"add","path":"/police_references",
          "value":["DB/21/2026/004512","DB/21/2026/004512"]}])",
     "/police_references/1", "inconsistent"},
    {"RefusesAMalformedItemOfPoliceReferences", Form::kInterview,
     R"([{"op":"remove","path":"/police_reference"},
         {"op":"add","path":"/police_references","value":["DB/21/2026/004512","db/21/2026/1"]}])",
     "/police_references/1", "pattern"},
    {"RefusesPoliceReferencesThatAreNotAList", Form::kInterview,
     R"([{"op":"remove","path":"/police_reference"},
         {"op":"add","path":"/police_references","value":"DB/21/2026/004512"}])",
     "/police_references", "type"},
    // child
    {"RefusesAnInterviewWithoutChild", Form::kInterview, R"([{"op":"remove","path":"/child"}])",
     "/child", "required"},
    {"RefusesAChildThatIsNotAnObject", Form::kInterview,
     R"([{"op":"replace","path":"/child","value":"Alex Example"}])", "/child", "type"},
    {"RefusesAChildWithoutFirstName", Form::kInterview,
     R"([{"op":"remove","path":"/child/first_name"}])", "/child/first_name", "required"},
    {"RefusesALastNameOverTwoHundredCharacters", Form::kInterview, kLongName.c_str(),
     "/child/last_name", "too_long"},
    {"RefusesChildFieldsTheFormDoesNotDefine", Form::kInterview,
     R"([{"op":"add","path":"/child/nhs_number","value":"9434765919"}])", "/child/nhs_number",
     "unknown_field"},
    {"RefusesAnImpossibleDateOfBirth", Form::kInterview,
     R"([{"op":"replace","path":"/child/date_of_birth","value":"2010-02-30"}])",
     "/child/date_of_birth", "date"},
    {"RefusesADateOfBirthInBritishOrder", Form::kInterview,
     R"([{"op":"replace","path":"/child/date_of_birth","value":"04/05/2010"}])",
     "/child/date_of_birth", "date"},
    {"RefusesADateOfBirthAfterTheReturn", Form::kInterview,
     R"([{"op":"replace","path":"/child/date_of_birth","value":"2026-11-24"}])",
     "/child/date_of_birth", "inconsistent"},
    {"RefusesADateOfBirthOfAnAdult", Form::kInterview,
     R"([{"op":"replace","path":"/child/date_of_birth","value":"1990-05-04"}])",
     "/child/date_of_birth", "implausible"},
    // times
    {"RefusesAnInterviewWithoutReturnedAt", Form::kInterview,
     R"([{"op":"remove","path":"/returned_at"}])", "/returned_at", "required"},
    {"RefusesAPoliceStyleTimestamp", Form::kInterview,
     R"([{"op":"replace","path":"/returned_at","value":"23/11/2026 07:30"}])", "/returned_at",
     "datetime"},
    {"RefusesALocalTimeSkippedWhenTheClocksGoForward", Form::kInterview,
     R"([{"op":"replace","path":"/returned_at","value":"2026-03-29T01:30:00"}])", "/returned_at",
     "nonexistent_local_time"},
    {"RefusesAnOffsetWithoutTwoDigitHours", Form::kInterview,
     R"([{"op":"replace","path":"/offered_at","value":"2026-11-23T15:00:00+1:00"}])", "/offered_at",
     "datetime"},
    {"RefusesMoreThanNineFractionDigits", Form::kInterview,
     R"([{"op":"replace","path":"/offered_at","value":"2026-11-23T15:00:00.1234567890Z"}])",
     "/offered_at", "datetime"},
    {"RefusesATimestampWithoutSeconds", Form::kInterview,
     R"([{"op":"replace","path":"/completed_at","value":"2026-11-24T16:30Z"}])", "/completed_at",
     "datetime"},
    // outcome and the consistency rules
    {"RefusesAnInterviewWithoutOutcome", Form::kInterview, R"([{"op":"remove","path":"/outcome"}])",
     "/outcome", "required"},
    {"RefusesAnOutcomeOutsideTheList", Form::kInterview,
     R"([{"op":"replace","path":"/outcome","value":"interviewed"}])", "/outcome", "enum"},
    {"RefusesAnOutcomeInCapitals", Form::kInterview,
     R"([{"op":"replace","path":"/outcome","value":"COMPLETED"}])", "/outcome", "enum"},
    {"RefusesACompletedOutcomeWithoutCompletedAt", Form::kInterview,
     R"([{"op":"remove","path":"/completed_at"}])", "/completed_at", "required"},
    {"RefusesCompletedAtWhenTheOutcomeIsNotCompleted", Form::kInterview,
     R"([{"op":"replace","path":"/outcome","value":"declined"}])", "/completed_at", "inconsistent"},
    {"RefusesAnOfferBeforeTheReturn", Form::kInterview,
     R"([{"op":"replace","path":"/offered_at","value":"2026-11-23T07:29:59Z"}])", "/offered_at",
     "inconsistent"},
    {"RefusesCompletionBeforeTheOffer", Form::kInterview,
     R"([{"op":"replace","path":"/completed_at","value":"2026-11-23T14:59:59Z"}])", "/completed_at",
     "inconsistent"},
    {"RefusesCompletionBeforeTheReturnWhenNoOfferIsGiven", Form::kInterview,
     R"([{"op":"remove","path":"/offered_at"},
         {"op":"replace","path":"/completed_at","value":"2026-11-23T07:00:00Z"}])",
     "/completed_at", "inconsistent"},
    {"RefusesAnOfferTimeWhenTheOutcomeSaysNotOffered", Form::kInterview,
     R"([{"op":"replace","path":"/outcome","value":"not_offered"},
         {"op":"remove","path":"/completed_at"}])",
     "/offered_at", "inconsistent"},
    {"RefusesAnOutcomeReasonOverFourThousandCharacters", Form::kInterview, kLongReason.c_str(),
     "/outcome_reason", "too_long"},
    // conducted_by, where_stayed, with_whom
    {"RefusesInterviewerFieldsTheFormDoesNotDefine", Form::kInterview,
     R"([{"op":"add","path":"/conducted_by/email","value":"sam@example.org"}])",
     "/conducted_by/email", "unknown_field"},
    {"RefusesIndependenceWrittenAsYes", Form::kInterview,
     R"([{"op":"replace","path":"/conducted_by/independent_of_care","value":"yes"}])",
     "/conducted_by/independent_of_care", "type"},
    {"RefusesWhereStayedThatIsNotAList", Form::kInterview,
     R"([{"op":"replace","path":"/where_stayed","value":{"town":"Derby"}}])", "/where_stayed",
     "type"},
    {"RefusesAPlaceThatIsNotAnObject", Form::kInterview,
     R"([{"op":"replace","path":"/where_stayed/0","value":"Derby"}])", "/where_stayed/0", "type"},
    {"RefusesAPlaceWithABadPostcode", Form::kInterview,
     R"([{"op":"replace","path":"/where_stayed/1/postcode","value":"ST4"}])",
     "/where_stayed/1/postcode", "postcode"},
    {"RefusesAPlaceDescriptionOverFiveHundredCharacters", Form::kInterview, kLongPlace.c_str(),
     "/where_stayed/1/description", "too_long"},
    {"RefusesAnApproximateAgeOverOneHundredAndTwenty", Form::kInterview,
     R"([{"op":"replace","path":"/with_whom/0/approx_age","value":121}])",
     "/with_whom/0/approx_age", "range"},
    {"RefusesANegativeApproximateAge", Form::kInterview,
     R"([{"op":"replace","path":"/with_whom/0/approx_age","value":-1}])", "/with_whom/0/approx_age",
     "range"},
    {"RefusesAFractionalApproximateAge", Form::kInterview,
     R"([{"op":"replace","path":"/with_whom/0/approx_age","value":19.5}])",
     "/with_whom/0/approx_age", "type"},
    {"RefusesAnAgeTooLargeForAnyInteger", Form::kInterview,
     R"([{"op":"replace","path":"/with_whom/0/approx_age","value":18446744073709551615}])",
     "/with_whom/0/approx_age", "range"},
    {"RefusesANullAdultOfConcern", Form::kInterview,
     R"([{"op":"replace","path":"/with_whom/0/adult_of_concern","value":null}])",
     "/with_whom/0/adult_of_concern", "type"},
    // factors, harm, exploitation
    {"RefusesAPushFactorOutsideTheList", Form::kInterview,
     R"([{"op":"replace","path":"/push_factors/1","value":"weather"}])", "/push_factors/1", "enum"},
    {"RefusesARepeatedPullFactor", Form::kInterview,
     R"([{"op":"replace","path":"/pull_factors/1","value":"friends"}])", "/pull_factors/1",
     "inconsistent"},
    {"RefusesAnExploitationIndicatorThatIsNotAString", Form::kInterview,
     R"([{"op":"replace","path":"/exploitation_indicators/0","value":1}])",
     "/exploitation_indicators/0", "type"},
    {"RefusesHarmFieldsTheFormDoesNotDefine", Form::kInterview,
     R"([{"op":"add","path":"/harm/neglect","value":true}])", "/harm/neglect", "unknown_field"},
    {"RefusesHarmWrittenAsANumber", Form::kInterview,
     R"([{"op":"replace","path":"/harm/physical","value":1}])", "/harm/physical", "type"},
    // narratives and lists of text
    {"RefusesAChildAccountOverEightThousandCharacters", Form::kInterview, kLongAccount.c_str(),
     "/child_account", "too_long"},
    {"RefusesEmptyDisclosures", Form::kInterview,
     R"([{"op":"replace","path":"/disclosures","value":""}])", "/disclosures", "empty"},
    {"RefusesAnEmptyRiskIdentified", Form::kInterview,
     R"([{"op":"replace","path":"/risks_identified/0","value":""}])", "/risks_identified/0",
     "empty"},
    {"RefusesMoreThanOneHundredRisks", Form::kInterview, kManyRisks.c_str(), "/risks_identified",
     "range"},
    {"RefusesAnActionWithoutType", Form::kInterview,
     R"([{"op":"remove","path":"/actions/0/type"}])", "/actions/0/type", "required"},
    {"RefusesAnActionTypeOutsideTheList", Form::kInterview,
     R"([{"op":"replace","path":"/actions/0/type","value":"phone_call"}])", "/actions/0/type",
     "enum"},
    {"RefusesConsentFieldsTheFormDoesNotDefine", Form::kInterview,
     R"([{"op":"add","path":"/consent_to_share/school","value":true}])", "/consent_to_share/school",
     "unknown_field"},
    {"RefusesAnOverriddenReasonThatIsNotText", Form::kInterview,
     R"([{"op":"replace","path":"/consent_overridden_reason","value":true}])",
     "/consent_overridden_reason", "type"},
    {"RefusesTopLevelFieldsTheFormDoesNotDefine", Form::kInterview,
     R"([{"op":"add","path":"/nickname","value":"Al"}])", "/nickname", "unknown_field"},
    {"RefusesCanonicalNamesInPlaceOfTheFormsNames", Form::kInterview,
     R"([{"op":"add","path":"/police_refs","value":["DB/21/2026/004512"]}])", "/police_refs",
     "unknown_field"},
    // the referral form
    {"RefusesAReferralWithoutReferringCouncil", Form::kReferral,
     R"([{"op":"remove","path":"/referring_la"}])", "/referring_la", "required"},
    {"RefusesAReferringCouncilThatIsNotALaNumber", Form::kReferral,
     R"([{"op":"replace","path":"/referring_la","value":"83"}])", "/referring_la", "la_number"},
    {"RefusesAReferralWithoutReturnedAt", Form::kReferral,
     R"([{"op":"remove","path":"/returned_at"}])", "/returned_at", "required"},
    {"RefusesAReferralWithoutPoliceReference", Form::kReferral,
     R"([{"op":"remove","path":"/police_reference"}])", "/police_reference", "required"},
    {"RefusesAReferralMadeBeforeTheReturn", Form::kReferral,
     R"([{"op":"replace","path":"/referred_at","value":"2026-11-23T07:00:00Z"}])", "/referred_at",
     "inconsistent"},
    {"RefusesARiskLevelOutsideTheList", Form::kReferral,
     R"([{"op":"replace","path":"/risk/level","value":"severe"}])", "/risk/level", "enum"},
    {"RefusesARiskWithoutLevel", Form::kReferral, R"([{"op":"remove","path":"/risk/level"}])",
     "/risk/level", "required"},
    {"RefusesABadHomePostcode", Form::kReferral,
     R"([{"op":"replace","path":"/contact/home_postcode","value":"DE22 AAB"}])",
     "/contact/home_postcode", "postcode"},
    {"RefusesTheFullAddressInContact", Form::kReferral,
     R"([{"op":"add","path":"/contact/home_address","value":"12 Example Road"}])",
     "/contact/home_address", "unknown_field"},
    {"RefusesAnExploitationConcernTheFormDoesNotDefine", Form::kReferral,
     R"([{"op":"add","path":"/exploitation/fgm","value":true}])", "/exploitation/fgm",
     "unknown_field"},
    {"RefusesASocialWorkerEmailWithoutDomain", Form::kReferral,
     R"([{"op":"replace","path":"/social_worker/email","value":"pat@"}])", "/social_worker/email",
     "pattern"},
    {"RefusesASocialWorkerPhoneWithLetters", Form::kReferral,
     R"([{"op":"replace","path":"/social_worker/phone","value":"01332 DERBY"}])",
     "/social_worker/phone", "pattern"},
    {"RefusesInterviewFieldsInAReferral", Form::kReferral,
     R"([{"op":"add","path":"/outcome","value":"completed"}])", "/outcome", "unknown_field"},
    {"RefusesReferralFieldsInAnInterview", Form::kInterview,
     R"([{"op":"add","path":"/referring_la","value":"831"}])", "/referring_la", "unknown_field"},
};

class RhiDecoderRefuses : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(RhiDecoderRefuses, NamingTheFieldAndTheCode) {
  const InvalidCase& c = GetParam();
  const json document = Base(c.form).patch(json::parse(c.patch));
  auto decoded = DecodeJson(document);
  ASSERT_FALSE(decoded.ok());
  ASSERT_EQ(decoded.error().size(), 1u) << Describe(decoded.error());
  EXPECT_EQ(decoded.error()[0].pointer, c.pointer);
  EXPECT_EQ(decoded.error()[0].code, c.code);
  EXPECT_FALSE(decoded.error()[0].reason.empty());
}

std::string CaseName(const ::testing::TestParamInfo<InvalidCase>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(InvalidDocuments, RhiDecoderRefuses, ::testing::ValuesIn(kInvalidCases),
                         CaseName);

TEST(RhiDecoder, HasAtLeastFortyFiveInvalidCases) { EXPECT_GE(std::size(kInvalidCases), 45u); }

// ---- strict JSON and whole-document refusals ----

TEST(RhiDecoder, RefusesADocumentThatIsNotAnObject) {
  auto decoded = Decode("[]", {});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error(), (FieldErrors{{"", "type", "must be an object"}}));
}

TEST(RhiDecoder, AppliesTheStrictJsonRules) {
  auto duplicate = Decode(R"({"form":"rhi-referral","version":1,"version":1})", {});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error()[0].code, "duplicate_key");
  EXPECT_EQ(duplicate.error()[0].pointer, "/version");

  auto bad_utf8 = Decode("{\"form\":\"\xC3\x28\"}", {});
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.error()[0].code, "invalid_utf8");

  DecodeOptions small;
  small.limits.max_bytes = 64;
  auto too_large = Decode(kInterviewDocument, small);
  ASSERT_FALSE(too_large.ok());
  EXPECT_EQ(too_large.error()[0].code, "too_large");
}

TEST(RhiDecoder, StopsAtAnUnknownVersionWithoutJudgingTheRest) {
  json document = Base(Form::kInterview);
  document["version"] = 2;
  document["outcome"] = "interviewed";
  document["nickname"] = "Al";
  auto decoded = DecodeJson(document);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(
      decoded.error(),
      (FieldErrors{{"/version", "range", "unsupported version: only version 1 is understood"}}));
}

TEST(RhiDecoder, CollectsEveryErrorInOnePass) {
  json document = Base(Form::kInterview);
  document.erase("provider_id");
  document["child"]["date_of_birth"] = "2010-13-01";
  document["with_whom"][0]["approx_age"] = 200;
  document["push_factors"].push_back("weather");
  document["harm"]["neglect"] = true;
  document["nickname"] = "Al";
  auto decoded = DecodeJson(document);
  ASSERT_FALSE(decoded.ok());
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& e : decoded.error()) got.emplace_back(e.pointer, e.code);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{
                     {"/provider_id", "required"},
                     {"/child/date_of_birth", "date"},
                     {"/with_whom/0/approx_age", "range"},
                     {"/push_factors/2", "enum"},
                     {"/harm/neglect", "unknown_field"},
                     {"/nickname", "unknown_field"},
                 }));
}

TEST(RhiDecoder, ReasonsNeverQuoteTheInput) {
  const std::string secret = "Zebedee-Secret-Value";
  json document = Base(Form::kInterview);
  document["police_reference"] = secret;
  document["outcome"] = secret;
  document["returned_at"] = secret;
  document["child"]["date_of_birth"] = secret;
  document["where_stayed"][1]["postcode"] = secret;
  document["push_factors"][0] = secret;
  document[secret] = secret;
  auto decoded = DecodeJson(document);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().size(), 7u) << Describe(decoded.error());
  for (const auto& e : decoded.error()) {
    EXPECT_EQ(e.reason.find("Zebedee"), std::string::npos) << e.reason;
  }
}

// ---- lenient senders ----

TEST(RhiDecoder, LenientModeDropsAndListsUnknownFieldsAtEveryLevel) {
  json document = Base(Form::kInterview);
  document["nickname"] = "Al";
  document["child"]["nhs_number"] = "9434765919";
  document["with_whom"][0]["phone"] = "07700 900000";
  document["harm"]["neglect"] = true;
  auto decoded = DecodeJson(document, /*lenient=*/true);
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->dropped_fields,
            (std::vector<std::string>{"/child/nhs_number", "/with_whom/0/phone", "/harm/neglect",
                                      "/nickname"}));
  // Nothing of the dropped fields reaches the event.
  auto strict = DecodeJson(Base(Form::kInterview));
  ASSERT_TRUE(strict.ok());
  EXPECT_EQ(decoded->event, strict->event);
}

TEST(RhiDecoder, LenientModeStillRefusesBadValuesOfKnownFields) {
  json document = Base(Form::kReferral);
  document["extra"] = 1;
  document["referring_la"] = "8310";
  auto decoded = DecodeJson(document, /*lenient=*/true);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().size(), 1u);
  EXPECT_EQ(decoded.error()[0].pointer, "/referring_la");
}

// ---- what decoding produces ----

TEST(RhiDecoder, MapsTheInterviewOntoTheCanonicalModel) {
  auto decoded = DecodeJson(Base(Form::kInterview));
  ASSERT_TRUE(decoded.ok());
  const model::Event& e = decoded->event;
  EXPECT_EQ(e.child.forename, "Alex");
  EXPECT_EQ(e.child.surname, "Example");
  ASSERT_TRUE(e.child.council_person_id);
  EXPECT_EQ(e.child.council_person_id->person_id, "DCC-4471029");
  EXPECT_EQ(e.child.council_person_id->la, std::nullopt);  // the form does not say whose
  EXPECT_EQ(e.episode.police_ref, "DB/21/2026/004512");
  ASSERT_TRUE(e.rhi);
  EXPECT_EQ(e.rhi->police_refs, std::vector<std::string>{"DB/21/2026/004512"});
  EXPECT_EQ(e.rhi->outcome, model::RhiOutcome::kCompleted);
  ASSERT_TRUE(e.rhi->consent);
  EXPECT_EQ(e.rhi->consent->overridden_reason, "Risk of significant harm");
  EXPECT_EQ(e.rhi->consent->police, false);
  EXPECT_EQ(e.header, model::MessageHeader{});
}

TEST(RhiDecoder, TakesTheEpisodeReferenceFromTheFirstOfSeveral) {
  json document = Base(Form::kInterview);
  document.erase("police_reference");
  document["police_references"] = {"ST/41/2026/003412", "ST/41/2026/003301"};
  auto decoded = DecodeJson(document);
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.episode.police_ref, "ST/41/2026/003412");
  EXPECT_EQ(decoded->event.rhi->police_refs,
            (std::vector<std::string>{"ST/41/2026/003412", "ST/41/2026/003301"}));
}

TEST(RhiDecoder, ReadsOffsetsAndZoneLessUkLocalTimesIntoUtc) {
  json document = Base(Form::kInterview);
  document["returned_at"] = "2026-07-14T18:20:00";         // BST, no zone
  document["offered_at"] = "2026-07-15T10:00:00+01:00";    // BST, offset
  document["completed_at"] = "2026-07-16T09:30:00-04:00";  // any offset
  document["child"]["date_of_birth"] = "2010-05-04";
  auto decoded = DecodeJson(document);
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.rhi->returned_at, At("2026-07-14T17:20:00Z"));
  EXPECT_EQ(decoded->event.rhi->offered_at, At("2026-07-15T09:00:00Z"));
  EXPECT_EQ(decoded->event.rhi->completed_at, At("2026-07-16T13:30:00Z"));

  document["returned_at"] = "2026-11-23T07:30:00";  // GMT, no zone
  document["offered_at"] = "2026-11-23T15:00:00Z";
  document["completed_at"] = "2026-11-24T16:30:00Z";
  decoded = DecodeJson(document);
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.rhi->returned_at, At("2026-11-23T07:30:00Z"));
}

TEST(RhiDecoder, TakesTheEarlierInstantInTheRepeatedAutumnHour) {
  json document = Base(Form::kInterview);
  document["returned_at"] = "2026-10-25T01:30:00";  // happens at 00:30Z and 01:30Z
  auto decoded = DecodeJson(document);
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.rhi->returned_at, At("2026-10-25T00:30:00Z"));
}

TEST(RhiDecoder, DropsFractionalSecondsRoundingDown) {
  json document = Base(Form::kInterview);
  document["returned_at"] = "2026-11-23T07:30:00.999Z";
  document["offered_at"] = "2026-11-23T15:00:00.5+00:00";
  auto decoded = DecodeJson(document);
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.rhi->returned_at, At("2026-11-23T07:30:00Z"));
  EXPECT_EQ(decoded->event.rhi->offered_at, At("2026-11-23T15:00:00Z"));
}

TEST(RhiDecoder, NormalisesPostcodesAndFindsThemInPlaceDescriptions) {
  json document = Base(Form::kInterview);
  document["where_stayed"] = {
      {{"description", "A flat in Derby DE23 6UQ"}},
      {{"description", "Near ST4 7QB"}, {"postcode", "de11ab"}},
      {{"description", "A park"}},
  };
  auto decoded = DecodeJson(document);
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  const auto& places = decoded->event.rhi->where_stayed;
  ASSERT_EQ(places.size(), 3u);
  EXPECT_EQ(places[0].postcode, "DE23 6UQ");
  EXPECT_EQ(places[0].description, "A flat in Derby DE23 6UQ");  // text kept whole
  EXPECT_EQ(places[1].postcode, "DE1 1AB");                      // the provider's own postcode wins
  EXPECT_EQ(places[2].postcode, std::nullopt);
}

TEST(RhiDecoder, CountsCharactersNotBytes) {
  json document = Base(Form::kInterview);
  std::string name;
  for (int i = 0; i < 200; ++i) name += "\xC3\xA9";  // U+00E9, two bytes each
  document["child"]["last_name"] = name;
  EXPECT_TRUE(DecodeJson(document).ok());
  document["child"]["last_name"] = name + "\xC3\xA9";
  auto decoded = DecodeJson(document);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error()[0].code, "too_long");
}

TEST(RhiDecoder, TreatsEmptyObjectsAndListsAsAbsent) {
  json document = Base(Form::kInterview);
  document["harm"] = json::object();
  document["conducted_by"] = json::object();
  document["push_factors"] = json::array();
  document["consent_to_share"] = json::object();
  document.erase("consent_overridden_reason");
  auto decoded = DecodeJson(document);
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.rhi->harm, std::nullopt);
  EXPECT_EQ(decoded->event.rhi->conducted_by, std::nullopt);
  EXPECT_TRUE(decoded->event.rhi->push_factors.empty());
  EXPECT_EQ(decoded->event.rhi->consent, std::nullopt);
}

TEST(RhiDecoder, AcceptsAMinimalInterview) {
  auto decoded = Decode(R"({"form":"return-home-interview","version":1,
    "provider_id":"C22","interview_id":"1","police_reference":"ST/41/2026/002876",
    "child":{"first_name":"Jamie","last_name":"Specimen"},
    "returned_at":"2026-07-14T17:20:00Z","outcome":"not_offered"})",
                        {});
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.child.date_of_birth, std::nullopt);
  EXPECT_EQ(decoded->event.rhi->outcome, model::RhiOutcome::kNotOffered);
}

TEST(RhiDecoder, MapsTheReferralOntoTheCanonicalModel) {
  auto decoded = DecodeJson(Base(Form::kReferral));
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  const model::Event& e = decoded->event;
  EXPECT_EQ(e.header.from_la, "831");
  EXPECT_EQ(e.header.message_id, "DCC-RHIREF-2026-0412");
  EXPECT_EQ(e.header.sent_at, At("2026-11-23T09:15:00Z"));
  // The person ID is the referring council's own.
  EXPECT_EQ(e.child.council_person_id, (model::CouncilPersonId{"831", "DCC-4471029"}));
  EXPECT_EQ(e.child.home, (model::Address{std::nullopt, "DE22 3AB"}));
  EXPECT_EQ(e.child.placement->postcode, "DE23 8FX");
  EXPECT_EQ(e.child.social_worker->email, "pat@derby.example.gov.uk");
  EXPECT_EQ(e.episode.risk->level, model::RiskLevel::kHigh);
  EXPECT_EQ(e.episode.exploitation.cce, true);
  EXPECT_EQ(e.episode.exploitation.cse, false);
  EXPECT_EQ(e.episode.police_ref, "DB/21/2026/004512");
  ASSERT_TRUE(e.rhi);
  EXPECT_EQ(e.rhi->provider_id, "BF-DERBY");
  EXPECT_EQ(e.rhi->returned_at, At("2026-11-23T07:30:00Z"));
  EXPECT_EQ(e.rhi->outcome, std::nullopt);
}

}  // namespace
}  // namespace isagw::adapters::rhi
