// Decode refuses what docs/model.md refuses, naming the field and the code.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "adapters/canonical/canonical.h"
#include "adapters/canonical/limits.h"
#include "example_files.h"
#include "tests/common/field_errors_text.h"

namespace isagw::adapters::canonical {
namespace {

using nlohmann::json;

json Example(const std::string& name) {
  return json::parse(testing::ReadFile(testing::ExamplesDir() / "canonical" / (name + ".json")));
}

using ::isagw::testing::Describe;

// One change to a valid example: set `value` at `at`, or remove `at`
// when `value` is nullopt.
struct InvalidCase {
  std::string name;  // reads as a sentence after "Refuses"
  std::string example;
  std::string at;
  std::optional<json> value;
  std::string pointer;  // the single error expected
  std::string code;
};

void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

json Apply(json document, const InvalidCase& c) {
  const json::json_pointer at(c.at);
  if (c.value) {
    document[at] = *c.value;
  } else {
    document.at(at.parent_pointer()).erase(at.back());
  }
  return document;
}

class CanonicalDecoderRefuses : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(CanonicalDecoderRefuses, WithOneErrorNamingTheFieldAndCode) {
  const InvalidCase& c = GetParam();
  const json document = Apply(Example(c.example), c);
  auto decoded = Decode(document.dump(), {});
  ASSERT_FALSE(decoded.ok());
  ASSERT_EQ(decoded.error().size(), 1u) << Describe(decoded.error());
  EXPECT_EQ(decoded.error()[0].pointer, c.pointer);
  EXPECT_EQ(decoded.error()[0].code, c.code);
  EXPECT_FALSE(decoded.error()[0].reason.empty());
}

const std::string kAll = "all-fields";

std::vector<InvalidCase> Cases() {
  const std::string long_name(201, 'a');
  const std::string long_narrative(kMaxNarrativeChars + 1, 'a');
  json many_refs = json::array();
  for (int i = 0; i < 101; ++i) many_refs.push_back("ST/21/2026/004512");
  return {
      // the envelope
      {"MissingModel", kAll, "/model", std::nullopt, "/model", "required"},
      {"AnotherModelVersion", kAll, "/model", "isagw.canonical/2", "/model", "enum"},
      {"ModelAsNumber", kAll, "/model", 1, "/model", "type"},
      {"MissingKind", kAll, "/kind", std::nullopt, "/kind", "required"},
      {"UnknownKind", kAll, "/kind", "lost", "/kind", "enum"},
      {"KindAsNumber", kAll, "/kind", 3, "/kind", "type"},
      // unknown fields at every level
      {"UnknownTopLevelField", kAll, "/extra", 1, "/extra", "unknown_field"},
      {"UnknownChildField", kAll, "/child/nickname", "x", "/child/nickname", "unknown_field"},
      {"UnknownPlacementField", kAll, "/child/placement/address", "x", "/child/placement/address",
       "unknown_field"},
      {"UnknownFieldInArrayItem", kAll, "/rhi/with_whom/0/phone", "x", "/rhi/with_whom/0/phone",
       "unknown_field"},
      {"UnknownEscalationField", kAll, "/escalation/owner", "x", "/escalation/owner",
       "unknown_field"},
      // JSON types
      {"NullChild", kAll, "/child", nullptr, "/child", "type"},
      {"NullForename", kAll, "/child/forename", nullptr, "/child/forename", "type"},
      {"NhsNumberAsNumber", kAll, "/child/nhs_number", 9990000018LL, "/child/nhs_number", "type"},
      {"ExploitationFlagAsText", kAll, "/episode/exploitation/cse", "Y",
       "/episode/exploitation/cse", "type"},
      {"FactorsNotAList", kAll, "/rhi/pull_factors", "friends", "/rhi/pull_factors", "type"},
      {"ListItemOfWrongType", kAll, "/rhi/risks_identified/1", 7, "/rhi/risks_identified/1",
       "type"},
      {"RecordVersionWithFraction", kAll, "/episode/record_version", 1.5, "/episode/record_version",
       "type"},
      {"AgeAsText", kAll, "/rhi/with_whom/0/approx_age", "24", "/rhi/with_whom/0/approx_age",
       "type"},
      // timestamps and dates
      {"TimestampWithOffset", kAll, "/header/sent_at", "2026-11-25T09:15:00+01:00",
       "/header/sent_at", "datetime"},
      {"TimestampWithFraction", kAll, "/header/sent_at", "2026-11-25T09:15:00.5Z",
       "/header/sent_at", "datetime"},
      {"TimestampWithoutT", kAll, "/episode/reported_at", "2026-11-22 21:40:00Z",
       "/episode/reported_at", "datetime"},
      {"TimestampWithoutZone", kAll, "/rhi/offered_at", "2026-11-24T10:00:00", "/rhi/offered_at",
       "datetime"},
      {"TimestampOnImpossibleDay", kAll, "/escalation/raised_at", "2026-02-30T10:00:00Z",
       "/escalation/raised_at", "datetime"},
      {"ImpossibleDateOfBirth", kAll, "/child/date_of_birth", "2010-02-30", "/child/date_of_birth",
       "date"},
      {"DateOfBirthInUkOrder", kAll, "/child/date_of_birth", "04/05/2010", "/child/date_of_birth",
       "date"},
      {"DateOfBirthInTheNextCentury", kAll, "/child/date_of_birth", "2099-01-01",
       "/child/date_of_birth", "inconsistent"},
      {"DateOfBirthOfAnAdult", kAll, "/child/date_of_birth", "1990-05-04", "/child/date_of_birth",
       "implausible"},
      // identifiers
      {"NhsNumberWithBadCheckDigit", kAll, "/child/nhs_number", "9990000019", "/child/nhs_number",
       "nhs_checksum"},
      {"NhsNumberWithSpaces", kAll, "/child/nhs_number", "999 000 0018", "/child/nhs_number",
       "pattern"},
      {"LowerCasePoliceRef", kAll, "/episode/police_ref", "st/21/2026/004512",
       "/episode/police_ref", "pattern"},
      {"MalformedPoliceRefInList", kAll, "/rhi/police_refs/1", "ST-21-2026-004387",
       "/rhi/police_refs/1", "pattern"},
      {"ForceCodeInMixedCase", kAll, "/episode/force_code", "Staffs", "/episode/force_code",
       "pattern"},
      {"TwoDigitLaNumber", kAll, "/header/from_la", "86", "/header/from_la", "la_number"},
      {"GssCodeAsLaNumber", kAll, "/child/council_person_id/la", "E06000015",
       "/child/council_person_id/la", "la_number"},
      {"FourDigitResponsibleLa", kAll, "/child/responsible_la", "8600", "/child/responsible_la",
       "la_number"},
      {"EmailWithoutAt", kAll, "/child/social_worker/email", "jo.sample.example.org",
       "/child/social_worker/email", "pattern"},
      {"PhoneWithLetters", kAll, "/child/social_worker/phone", "call the office",
       "/child/social_worker/phone", "pattern"},
      // postcodes
      {"LowerCasePostcode", kAll, "/child/home/postcode", "de22 3ab", "/child/home/postcode",
       "postcode"},
      {"PostcodeWithoutSpace", kAll, "/child/placement/postcode", "ST47QB",
       "/child/placement/postcode", "postcode"},
      {"NotAPostcodeInLocation", kAll, "/episode/last_seen_location/postcode", "bus station",
       "/episode/last_seen_location/postcode", "postcode"},
      {"DistrictOnlyPostcodeWherePlaceStayed", kAll, "/rhi/where_stayed/0/postcode", "DE1",
       "/rhi/where_stayed/0/postcode", "postcode"},
      // code lists
      {"SexAsPoliceCode", kAll, "/child/sex", "M", "/child/sex", "enum"},
      {"UnknownLegalStatus", kAll, "/child/legal_status", "C3", "/child/legal_status", "enum"},
      {"UnknownPlacementType", kAll, "/child/placement/type", "U7", "/child/placement/type",
       "enum"},
      {"PoliceEthnicityCodeUnderDfeScheme", kAll, "/child/ethnicity/code", "W1",
       "/child/ethnicity/code", "enum"},
      {"UnknownEthnicityScheme", kAll, "/child/ethnicity/scheme", "ons", "/child/ethnicity/scheme",
       "enum"},
      {"RiskLevelInCapitals", kAll, "/episode/risk/level", "HIGH", "/episode/risk/level", "enum"},
      {"UnknownPushFactor", kAll, "/rhi/push_factors/0", "arguments", "/rhi/push_factors/0",
       "enum"},
      {"UnknownActionType", kAll, "/rhi/actions/1/type", "meeting", "/rhi/actions/1/type", "enum"},
      {"UnknownEscalationReason", kAll, "/escalation/reason", "urgent", "/escalation/reason",
       "enum"},
      {"UnknownLookedAfterAnswer", kAll, "/child/looked_after", "Y", "/child/looked_after", "enum"},
      // required members of objects
      {"EthnicityWithoutCode", kAll, "/child/ethnicity/code", std::nullopt, "/child/ethnicity/code",
       "required"},
      {"CouncilPersonIdWithoutPersonId", kAll, "/child/council_person_id/person_id", std::nullopt,
       "/child/council_person_id/person_id", "required"},
      {"RiskWithoutLevel", kAll, "/episode/risk/level", std::nullopt, "/episode/risk/level",
       "required"},
      {"ActionWithoutType", kAll, "/rhi/actions/0/type", std::nullopt, "/rhi/actions/0/type",
       "required"},
      {"EscalationWithoutReason", kAll, "/escalation/reason", std::nullopt, "/escalation/reason",
       "required"},
      // numbers
      {"RecordVersionZero", kAll, "/episode/record_version", 0, "/episode/record_version", "range"},
      {"NegativePreviousEpisodes", kAll, "/episode/previous_episodes", -1,
       "/episode/previous_episodes", "range"},
      {"HugePreviousEpisodes", kAll, "/episode/previous_episodes", 1ULL << 40,
       "/episode/previous_episodes", "range"},
      {"AgeOver120", kAll, "/rhi/with_whom/1/approx_age", 121, "/rhi/with_whom/1/approx_age",
       "range"},
      {"WindowOfZeroDays", kAll, "/escalation/window_days", 0, "/escalation/window_days", "range"},
      // text
      {"ForenameOver200Characters", kAll, "/child/forename", long_name, "/child/forename",
       "too_long"},
      {"ChildAccountOverTheNarrativeLimit", kAll, "/rhi/child_account", long_narrative,
       "/rhi/child_account", "too_long"},
      {"MoreThan100PoliceRefs", kAll, "/rhi/police_refs", many_refs, "/rhi/police_refs",
       "too_long"},
      {"EmptyForename", kAll, "/child/forename", "", "/child/forename", "empty"},
      {"BlankSurname", kAll, "/child/surname", " \t ", "/child/surname", "empty"},
      {"EmptyNhsNumber", kAll, "/child/nhs_number", "", "/child/nhs_number", "empty"},
      {"EmptyRiskIdentified", kAll, "/rhi/risks_identified/0", "", "/rhi/risks_identified/0",
       "empty"},
      // times in an impossible order
      {"FoundBeforeLastSeen", kAll, "/episode/found_at", "2026-11-22T19:00:00Z",
       "/episode/found_at", "inconsistent"},
      {"SafeAndWellBeforeFound", kAll, "/episode/safe_and_well_at", "2026-11-23T14:00:00Z",
       "/episode/safe_and_well_at", "inconsistent"},
      {"InterviewCompletedBeforeOffered", kAll, "/rhi/completed_at", "2026-11-24T09:00:00Z",
       "/rhi/completed_at", "inconsistent"},
      // kind rules
      {"MissingReportWithoutPoliceRef", "missing_reported", "/episode/police_ref", std::nullopt,
       "/episode/police_ref", "required"},
      {"ClosedEpisodeWithoutPoliceRef", "closed", "/episode/police_ref", std::nullopt,
       "/episode/police_ref", "required"},
      {"FoundWithoutFoundAt", "found", "/episode/found_at", std::nullopt, "/episode/found_at",
       "required"},
      {"RiskReviewWithoutRisk", "risk_reviewed", "/episode/risk", std::nullopt, "/episode/risk",
       "required"},
      {"InterviewRecordWithoutInterview", "rhi_recorded", "/rhi", std::nullopt, "/rhi", "required"},
      {"InterviewRecordWithoutOutcome", "rhi_recorded", "/rhi/outcome", std::nullopt,
       "/rhi/outcome", "required"},
      {"EscalationEventWithoutEscalation", "escalation", "/escalation", std::nullopt, "/escalation",
       "required"},
      {"EscalationOnAMissingReport", "missing_reported", "/escalation", json{{"reason", "other"}},
       "/escalation", "inconsistent"},
      {"InterviewOnAFoundReport", "found", "/rhi", json{{"outcome", "completed"}}, "/rhi",
       "inconsistent"},
  };
}

INSTANTIATE_TEST_SUITE_P(Table, CanonicalDecoderRefuses, ::testing::ValuesIn(Cases()),
                         [](const auto& test_param) { return test_param.param.name; });

TEST(CanonicalDecoder, CountsLengthInCharactersNotBytes) {
  json document = Example("all-fields");
  std::string accented;
  for (int i = 0; i < 200; ++i) accented += "\xC3\xA9";  // 200 characters, 400 bytes
  document["child"]["forename"] = accented;
  auto decoded = Decode(document.dump(), {});
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.child.forename, accented);
}

TEST(CanonicalDecoder, CollectsEveryErrorInDocumentOrder) {
  json document = Example("all-fields");
  document["child"]["nhs_number"] = "9990000019";
  document["child"]["home"]["postcode"] = "de22 3ab";
  document["child"]["shoe_size"] = 5;
  document["episode"]["record_version"] = 0;
  document["rhi"]["with_whom"][1]["approx_age"] = -1;
  document["rhi"]["push_factors"][1] = "homesick";
  document["escalation"]["reason"] = "urgent";
  auto decoded = Decode(document.dump(), {});
  ASSERT_FALSE(decoded.ok());
  const FieldErrors expected = {
      {"/child/nhs_number", "nhs_checksum", ""},    {"/child/home/postcode", "postcode", ""},
      {"/child/shoe_size", "unknown_field", ""},    {"/episode/record_version", "range", ""},
      {"/rhi/with_whom/1/approx_age", "range", ""}, {"/rhi/push_factors/1", "enum", ""},
      {"/escalation/reason", "enum", ""},
  };
  ASSERT_EQ(decoded.error().size(), expected.size()) << Describe(decoded.error());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(decoded.error()[i].pointer, expected[i].pointer) << i;
    EXPECT_EQ(decoded.error()[i].code, expected[i].code) << i;
  }
}

TEST(CanonicalDecoder, ReportsKindRulesAfterFieldErrors) {
  json document = Example("missing_reported");
  document["episode"].erase("police_ref");
  document["child"]["date_of_birth"] = "2010-13-01";
  document["kind"] = "found";
  auto decoded = Decode(document.dump(), {});
  ASSERT_FALSE(decoded.ok());
  ASSERT_EQ(decoded.error().size(), 3u) << Describe(decoded.error());
  EXPECT_EQ(decoded.error()[0].pointer, "/child/date_of_birth");
  EXPECT_EQ(decoded.error()[0].code, "date");
  EXPECT_EQ(decoded.error()[1].pointer, "/episode/police_ref");
  EXPECT_EQ(decoded.error()[1].code, "required");
  EXPECT_EQ(decoded.error()[2].pointer, "/episode/found_at");
  EXPECT_EQ(decoded.error()[2].code, "required");
}

TEST(CanonicalDecoder, ChangingAllFieldsKindMakesItsSectionsInconsistent) {
  json document = Example("all-fields");
  document["kind"] = "missing_reported";
  auto decoded = Decode(document.dump(), {});
  ASSERT_FALSE(decoded.ok());
  ASSERT_EQ(decoded.error().size(), 2u) << Describe(decoded.error());
  EXPECT_EQ(decoded.error()[0], (FieldError{"/escalation", "inconsistent",
                                            "only escalation events carry an escalation"}));
  EXPECT_EQ(decoded.error()[1].pointer, "/rhi");
}

TEST(CanonicalDecoder, ReasonsNeverQuoteTheValue) {
  json document = Example("all-fields");
  document["child"]["nhs_number"] = "9990000019";
  document["child"]["forename"] = std::string(300, 'Q');
  document["child"]["sex"] = "Zebedee";
  document["episode"]["police_ref"] = "Zebedee";
  auto decoded = Decode(document.dump(), {});
  ASSERT_FALSE(decoded.ok());
  ASSERT_EQ(decoded.error().size(), 4u);
  for (const auto& e : decoded.error()) {
    EXPECT_EQ(e.reason.find("Zebedee"), std::string::npos) << e.pointer;
    EXPECT_EQ(e.reason.find("9990000019"), std::string::npos) << e.pointer;
    EXPECT_EQ(e.reason.find("QQQ"), std::string::npos) << e.pointer;
  }
}

TEST(CanonicalDecoder, DoesNotAddKindRuleErrorsToASectionOfTheWrongType) {
  json document = Example("rhi_recorded");
  document["rhi"] = "completed";
  auto decoded = Decode(document.dump(), {});
  ASSERT_FALSE(decoded.ok());
  ASSERT_EQ(decoded.error().size(), 1u) << Describe(decoded.error());
  EXPECT_EQ(decoded.error()[0].pointer, "/rhi");
  EXPECT_EQ(decoded.error()[0].code, "type");

  json missing = Example("missing_reported");
  missing["episode"] = json::array();
  auto refused = Decode(missing.dump(), {});
  ASSERT_FALSE(refused.ok());
  ASSERT_EQ(refused.error().size(), 1u) << Describe(refused.error());
  EXPECT_EQ(refused.error()[0].pointer, "/episode");
}

TEST(CanonicalDecoder, AcceptsEveryCanonicalNameOfEveryCodeList) {
  json document = Example("all-fields");
  for (const auto& [sex, name] : model::kSexNames.entries) {
    document["child"]["sex"] = name;
    EXPECT_TRUE(Decode(document.dump(), {}).ok()) << name;
  }
  for (const auto& [level, name] : model::kRiskLevelNames.entries) {
    document["episode"]["risk"]["level"] = name;
    auto decoded = Decode(document.dump(), {});
    ASSERT_TRUE(decoded.ok()) << name;
    EXPECT_EQ(decoded->event.episode.risk->level, level);
  }
  for (const auto& [outcome, name] : model::kRhiOutcomeNames.entries) {
    document["rhi"]["outcome"] = name;
    auto decoded = Decode(document.dump(), {});
    ASSERT_TRUE(decoded.ok()) << name;
    EXPECT_EQ(decoded->event.rhi->outcome, outcome);
  }
  json push = json::array();
  for (const auto& [factor, name] : model::kPushFactorNames.entries) push.push_back(name);
  json pull = json::array();
  for (const auto& [factor, name] : model::kPullFactorNames.entries) pull.push_back(name);
  document["rhi"]["push_factors"] = push;
  document["rhi"]["pull_factors"] = pull;
  auto decoded = Decode(document.dump(), {});
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.rhi->push_factors.size(), model::kPushFactorNames.entries.size());
  EXPECT_EQ(decoded->event.rhi->pull_factors.size(), model::kPullFactorNames.entries.size());
}

TEST(CanonicalDecoder, AcceptsEthnicityCodesOfEitherScheme) {
  json document = Example("all-fields");
  document["child"]["ethnicity"] = {{"scheme", "police_16plus1"}, {"code", "B2"}};
  auto police = Decode(document.dump(), {});
  ASSERT_TRUE(police.ok()) << Describe(police.error());
  EXPECT_EQ(police->event.child.ethnicity,
            (model::Ethnicity{model::EthnicityScheme::kPolice16Plus1, "B2"}));
  document["child"]["ethnicity"] = {{"scheme", "dfe"}, {"code", "WROM"}};
  EXPECT_TRUE(Decode(document.dump(), {}).ok());
}

TEST(CanonicalDecoder, AcceptsTheLargestAndSmallestNumbersInRange) {
  json document = Example("all-fields");
  document["episode"]["record_version"] = 2147483647;
  document["episode"]["previous_episodes"] = 0;
  document["rhi"]["with_whom"][0]["approx_age"] = 120;
  document["rhi"]["with_whom"][1]["approx_age"] = 0;
  auto decoded = Decode(document.dump(), {});
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.episode.record_version, 2147483647);
  document["episode"]["record_version"] = 2147483648LL;
  auto refused = Decode(document.dump(), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().at(0).code, "range");
}

// Every pointer to a value in `document`, depth first.
void CollectPointers(const json& value, const std::string& at, std::vector<std::string>& out) {
  if (!at.empty()) out.push_back(at);
  if (value.is_object()) {
    for (const auto& [key, member] : value.items())
      CollectPointers(member, JoinPointer(at, key), out);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      CollectPointers(value[i], JoinPointer(at, std::to_string(i)), out);
    }
  }
}

// A value of another JSON type than `value`.
json OtherType(const json& value) {
  if (value.is_string()) return 7;
  if (value.is_number()) return "7";
  if (value.is_boolean()) return "true";
  if (value.is_array()) return json{{"a", 1}};
  return "x";
}

TEST(CanonicalDecoder, NamesAnyFieldOfAllFieldsThatHasTheWrongJsonType) {
  const json all_fields = Example("all-fields");
  std::vector<std::string> pointers;
  CollectPointers(all_fields, "", pointers);
  ASSERT_GT(pointers.size(), 100u);
  for (const auto& pointer : pointers) {
    json document = all_fields;
    const json::json_pointer at(pointer);
    document[at] = OtherType(all_fields[at]);
    auto decoded = Decode(document.dump(), {});
    ASSERT_FALSE(decoded.ok()) << pointer;
    ASSERT_EQ(decoded.error().size(), 1u) << pointer << "\n" << Describe(decoded.error());
    EXPECT_EQ(decoded.error()[0].pointer, pointer);
    EXPECT_EQ(decoded.error()[0].code, "type") << pointer;
  }
}

TEST(CanonicalDecoder, RefusesAnUnknownFieldInEveryObjectOfAllFields) {
  const json all_fields = Example("all-fields");
  std::vector<std::string> pointers{""};
  CollectPointers(all_fields, "", pointers);
  int objects = 0;
  for (const auto& pointer : pointers) {
    const json::json_pointer at(pointer);
    if (!all_fields[at].is_object()) continue;
    ++objects;
    json document = all_fields;
    document[at]["zz_unknown"] = 1;
    auto decoded = Decode(document.dump(), {});
    ASSERT_FALSE(decoded.ok()) << pointer;
    ASSERT_EQ(decoded.error().size(), 1u) << pointer;
    EXPECT_EQ(decoded.error()[0].pointer, pointer + "/zz_unknown");
    EXPECT_EQ(decoded.error()[0].code, "unknown_field");
  }
  EXPECT_GT(objects, 20);
}

TEST(CanonicalDecoder, RefusesADocumentThatIsNotAnObject) {
  auto decoded = Decode("[1,2]", {});
  ASSERT_FALSE(decoded.ok());
  ASSERT_EQ(decoded.error().size(), 1u);
  EXPECT_EQ(decoded.error()[0].pointer, "");
  EXPECT_EQ(decoded.error()[0].code, "type");
}

TEST(CanonicalDecoder, AppliesTheStrictJsonRules) {
  auto duplicate = Decode(
      R"({"model":"isagw.canonical/1","kind":"found","child":{"forename":"A","forename":"B"}})",
      {});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().at(0).pointer, "/child/forename");
  EXPECT_EQ(duplicate.error().at(0).code, "duplicate_key");

  DecodeOptions small;
  small.limits.max_bytes = 64;
  auto too_large = Decode(Example("all-fields").dump(), small);
  ASSERT_FALSE(too_large.ok());
  EXPECT_EQ(too_large.error().at(0).code, "too_large");

  auto bad_utf8 = Decode("{\"model\":\"\xC3\x28\"}", {});
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.error().at(0).code, "invalid_utf8");
}

TEST(CanonicalDecoder, TreatsEmptyObjectsAndArraysAsAbsent) {
  json document = Example("found");
  document["header"] = json::object();
  document["episode"]["found_location"] = json::object();
  document["episode"]["exploitation"] = json::object();
  auto decoded = Decode(document.dump(), {});
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.header, model::MessageHeader{});
  EXPECT_FALSE(decoded->event.episode.found_location);
  EXPECT_TRUE(decoded->event.episode.exploitation.Empty());

  json rhi = Example("rhi_recorded");
  rhi["rhi"]["where_stayed"] = json::array({json::object()});
  rhi["rhi"]["push_factors"] = json::array();
  rhi["rhi"]["harm"] = json::object();
  auto decoded_rhi = Decode(rhi.dump(), {});
  ASSERT_TRUE(decoded_rhi.ok()) << Describe(decoded_rhi.error());
  EXPECT_TRUE(decoded_rhi->event.rhi->where_stayed.empty());
  EXPECT_TRUE(decoded_rhi->event.rhi->push_factors.empty());
  EXPECT_FALSE(decoded_rhi->event.rhi->harm);
}

TEST(CanonicalDecoder, LenientModeDropsAndListsUnknownFields) {
  json document = Example("missing_reported");
  const auto strict_event = Decode(document.dump(), {});
  ASSERT_TRUE(strict_event.ok());
  document["x_force_system"] = "COMPACT";
  document["child"]["nickname"] = "Al";
  document["episode"]["last_seen_location"]["grid_ref"] = {{"e", 1}, {"n", 2}};

  auto strict = Decode(document.dump(), {});
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.error().size(), 3u);

  DecodeOptions lenient;
  lenient.lenient = true;
  auto decoded = Decode(document.dump(), lenient);
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event, strict_event->event);
  EXPECT_EQ(decoded->dropped_fields,
            (std::vector<std::string>{"/child/nickname", "/episode/last_seen_location/grid_ref",
                                      "/x_force_system"}));
}

TEST(CanonicalDecoder, LenientModeStillRefusesBadValues) {
  json document = Example("missing_reported");
  document["extra"] = true;
  document["child"]["sex"] = "M";
  DecodeOptions lenient;
  lenient.lenient = true;
  auto decoded = Decode(document.dump(), lenient);
  ASSERT_FALSE(decoded.ok());
  ASSERT_EQ(decoded.error().size(), 1u);
  EXPECT_EQ(decoded.error()[0].pointer, "/child/sex");
}

TEST(CanonicalDecoder, EscapesUnknownKeysInPointers) {
  json document = Example("closed");
  document["child"]["a/b~c"] = 1;
  auto decoded = Decode(document.dump(), {});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().at(0).pointer, "/child/a~1b~0c");
}

TEST(CanonicalShapeChecks, AcceptMaskedAndPseudonymisedValues) {
  json document = Example("missing_reported");
  document["child"]["home"]["postcode"] = "DE22";
  document["child"]["nhs_number"] = "p:3f9a1c";
  document["episode"]["last_seen_location"].erase("description");
  document["episode"]["last_seen_location"]["postcode"] = "DE1";
  document["episode"]["police_ref"] = "p:77ab01";
  EXPECT_FALSE(FromJson(document, {}).ok());
  auto decoded = FromJson(document, {}, Checks::kShape);
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.child.home->postcode, "DE22");
  EXPECT_EQ(decoded->event.episode.police_ref, "p:77ab01");
}

TEST(CanonicalShapeChecks, SkipKindRulesForRedactedEvents) {
  json document = Example("rhi_recorded");
  document["rhi"].erase("outcome");
  document.erase("header");
  EXPECT_FALSE(FromJson(document, {}).ok());
  EXPECT_TRUE(FromJson(document, {}, Checks::kShape).ok());
}

TEST(CanonicalShapeChecks, StillRefuseUnknownFieldsTypesAndCodes) {
  json document = Example("missing_reported");
  document["child"]["nickname"] = "Al";
  document["child"]["sex"] = "M";
  document["child"]["legal_status"] = "C9";
  document["episode"]["reported_at"] = "22/11/2026 21:40";
  document["episode"]["record_version"] = "1";
  auto decoded = FromJson(document, {}, Checks::kShape);
  ASSERT_FALSE(decoded.ok());
  std::vector<std::string> pointers;
  for (const auto& e : decoded.error()) pointers.push_back(e.pointer + " " + e.code);
  EXPECT_EQ(pointers,
            (std::vector<std::string>{
                "/child/sex enum", "/child/legal_status enum", "/child/nickname unknown_field",
                "/episode/record_version type", "/episode/reported_at datetime"}));
}

}  // namespace
}  // namespace isagw::adapters::canonical
