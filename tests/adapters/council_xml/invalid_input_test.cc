// Invalid documents, one fault each: every case names the exact element
// path and code of the single error it must produce. Each starts from a
// small valid document (test_documents.cc) and changes one thing.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "adapters/council_xml/council_xml.h"
#include "test_documents.h"

namespace isagw::adapters::council_xml {
namespace {

using testing::Describe;
using testing::ReplaceOnce;

enum class Base { kMissing, kRhi, kEscalation };

struct InvalidCase {
  const char* name;
  Base base;
  std::vector<std::pair<std::string, std::string>> edits;  // replace first with second
  std::string pointer;
  std::string code;
};

// Test names say enough; keep GoogleTest from dumping the bytes.
void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

std::string Build(const InvalidCase& c) {
  std::string xml = c.base == Base::kMissing ? testing::MissingNotificationXml()
                    : c.base == Base::kRhi   ? testing::RhiSummaryXml()
                                             : testing::EscalationXml();
  for (const auto& [from, to] : c.edits) xml = ReplaceOnce(xml, from, to);
  return xml;
}

const std::string k201(201, 'a');
const std::string k4001(4001, 'a');

std::string ManyRisks(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "<Risk>r</Risk>";
  return out;
}

const std::vector<InvalidCase>& Cases() {
  static const std::vector<InvalidCase> cases = {
      // the root
      {"UnknownEventType", Base::kMissing, {{"type=\"MissingNotification\"", "type=\"Missing\""}},
       "/CouncilEvent/@type", "enum"},
      {"MissingEventType", Base::kMissing, {{" type=\"MissingNotification\"", ""}},
       "/CouncilEvent/@type", "required"},
      {"UnknownRootAttribute", Base::kMissing,
       {{"type=\"MissingNotification\"", "type=\"MissingNotification\" version=\"1\""}},
       "/CouncilEvent/@version", "unknown_field"},
      {"RootWithoutNamespace", Base::kMissing, {{" xmlns=\"urn:isagw:council:1\"", ""}},
       "/CouncilEvent", "namespace"},
      {"RootInAnotherVersionsNamespace", Base::kMissing,
       {{"urn:isagw:council:1", "urn:isagw:council:2"}}, "/CouncilEvent", "namespace"},
      {"WrongRootElement", Base::kMissing,
       {{"<CouncilEvent ", "<Event "}, {"</CouncilEvent>", "</Event>"}}, "/Event",
       "unknown_field"},
      {"TextBetweenElements", Base::kMissing, {{"<Child>", "<Child>stray"}}, "/CouncilEvent/Child",
       "type"},
      // header
      {"HeaderMissing", Base::kEscalation,
       {{"<Header><MessageId>DBY-1</MessageId><SentAt>2026-12-01T12:00:00Z</SentAt>"
         "<FromLA>831</FromLA></Header>",
         ""}},
       "/CouncilEvent/Header", "required"},
      {"MessageIdMissing", Base::kMissing, {{"<MessageId>LCS-860-1</MessageId>", ""}},
       "/CouncilEvent/Header/MessageId", "required"},
      {"SentAtMissing", Base::kMissing, {{"<SentAt>2026-11-22T21:41:00Z</SentAt>", ""}},
       "/CouncilEvent/Header/SentAt", "required"},
      {"SentAtWithoutT", Base::kMissing, {{"2026-11-22T21:41:00Z", "2026-11-22 21:41:00Z"}},
       "/CouncilEvent/Header/SentAt", "datetime"},
      {"SentAtNotARealDay", Base::kMissing, {{"2026-11-22T21:41:00Z", "2026-02-30T21:41:00Z"}},
       "/CouncilEvent/Header/SentAt", "datetime"},
      {"SentAtWithFractions", Base::kMissing, {{"2026-11-22T21:41:00Z", "2026-11-22T21:41:00.5Z"}},
       "/CouncilEvent/Header/SentAt", "datetime"},
      {"SentAtInTheSkippedSpringHour", Base::kMissing,
       {{"2026-11-22T21:41:00Z", "2026-03-29T01:30:00"}}, "/CouncilEvent/Header/SentAt",
       "nonexistent_local_time"},
      {"FromLaOfTwoDigits", Base::kMissing, {{"<FromLA>860</FromLA>", "<FromLA>86</FromLA>"}},
       "/CouncilEvent/Header/FromLA", "la_number"},
      {"FromLaMissing", Base::kMissing, {{"<FromLA>860</FromLA>", ""}},
       "/CouncilEvent/Header/FromLA", "required"},
      {"ToLaOfLetters", Base::kMissing, {{"<ToLA>831</ToLA>", "<ToLA>ABC</ToLA>"}},
       "/CouncilEvent/Header/ToLA", "la_number"},
      // child
      {"PersonIdMissing", Base::kMissing, {{"<PersonId>LCS-778812</PersonId>", ""}},
       "/CouncilEvent/Child/PersonId", "required"},
      {"PersonIdEmpty", Base::kMissing,
       {{"<PersonId>LCS-778812</PersonId>", "<PersonId></PersonId>"}},
       "/CouncilEvent/Child/PersonId", "empty"},
      {"PersonIdLaOfFourDigits", Base::kRhi, {{"la=\"860\"", "la=\"8600\""}},
       "/CouncilEvent/Child/PersonId/@la", "la_number"},
      {"NhsNumberWithWrongCheckDigit", Base::kMissing, {{"9434765919", "9434765918"}},
       "/CouncilEvent/Child/NHSNumber", "nhs_checksum"},
      {"NhsNumberWithSpaces", Base::kMissing, {{"9434765919", "943 476 5919"}},
       "/CouncilEvent/Child/NHSNumber", "pattern"},
      {"ForenameEmpty", Base::kMissing, {{"<Forename>Alex</Forename>", "<Forename/>"}},
       "/CouncilEvent/Child/Forename", "empty"},
      {"ForenameOnlySpaces", Base::kMissing, {{"<Forename>Alex</Forename>", "<Forename>   </Forename>"}},
       "/CouncilEvent/Child/Forename", "empty"},
      {"ForenameTooLong", Base::kMissing,
       {{"<Forename>Alex</Forename>", "<Forename>" + k201 + "</Forename>"}},
       "/CouncilEvent/Child/Forename", "too_long"},
      {"ForenameTwice", Base::kMissing,
       {{"<Forename>Alex</Forename>", "<Forename>Alex</Forename><Forename>Al</Forename>"}},
       "/CouncilEvent/Child/Forename[2]", "duplicate_key"},
      {"DateOfBirthNotARealDay", Base::kMissing, {{"2010-05-04", "2010-02-30"}},
       "/CouncilEvent/Child/DateOfBirth", "date"},
      {"DateOfBirthInUkOrder", Base::kMissing, {{"2010-05-04", "04/05/2010"}},
       "/CouncilEvent/Child/DateOfBirth", "date"},
      {"DateOfBirthInTheNextCentury", Base::kMissing, {{"2010-05-04", "2099-01-01"}},
       "/CouncilEvent/Child/DateOfBirth", "inconsistent"},
      {"DateOfBirthOfAnAdult", Base::kMissing, {{"2010-05-04", "1990-05-04"}},
       "/CouncilEvent/Child/DateOfBirth", "implausible"},
      {"SexAsALetter", Base::kMissing, {{"<Sex>1</Sex>", "<Sex>M</Sex>"}},
       "/CouncilEvent/Child/Sex", "enum"},
      {"EthnicityAPoliceCode", Base::kMissing, {{"WBRI", "W1"}}, "/CouncilEvent/Child/Ethnicity",
       "enum"},
      {"EthnicityNotInTheDfeList", Base::kMissing, {{"WBRI", "ZZZZ"}},
       "/CouncilEvent/Child/Ethnicity", "enum"},
      {"HomePostcodeCutShort", Base::kMissing,
       {{"<Postcode>DE22 3AB</Postcode>", "<Postcode>DE22 3A</Postcode>"}},
       "/CouncilEvent/Child/Home/Postcode", "postcode"},
      {"PlacementPostcodeOnlyADistrict", Base::kMissing,
       {{"<Postcode>ST4 7QB</Postcode>", "<Postcode>ST4</Postcode>"}},
       "/CouncilEvent/Child/Placement/Postcode", "postcode"},
      {"LookedAfterAsYes", Base::kMissing,
       {{"<LookedAfter>true</LookedAfter>", "<LookedAfter>yes</LookedAfter>"}},
       "/CouncilEvent/Child/LookedAfter", "enum"},
      {"LegalStatusNotIn903", Base::kMissing, {{"<LegalStatus>C2</LegalStatus>",
                                                "<LegalStatus>C3</LegalStatus>"}},
       "/CouncilEvent/Child/LegalStatus", "enum"},
      {"PlacementTypeNotIn903", Base::kMissing, {{"<Type>K2</Type>", "<Type>U7</Type>"}},
       "/CouncilEvent/Child/Placement/Type", "enum"},
      {"EmailWithoutAt", Base::kMissing, {{"jo@example.org", "jo.example.org"}},
       "/CouncilEvent/Child/SocialWorker/Email", "pattern"},
      {"PhoneInWords", Base::kMissing, {{"01785 000000", "call the office"}},
       "/CouncilEvent/Child/SocialWorker/Phone", "pattern"},
      {"UnknownChildElement", Base::kMissing,
       {{"<Surname>Example</Surname>", "<Surname>Example</Surname><Nickname>Al</Nickname>"}},
       "/CouncilEvent/Child/Nickname", "unknown_field"},
      {"ElementOfAnotherNamespace", Base::kMissing,
       {{"<Surname>Example</Surname>",
         "<Surname>Example</Surname><x:Surname xmlns:x=\"urn:other\">Other</x:Surname>"}},
       "/CouncilEvent/Child/x:Surname", "unknown_field"},
      {"ElementInsideText", Base::kMissing,
       {{"<Forename>Alex</Forename>", "<Forename>Al<b>e</b>x</Forename>"}},
       "/CouncilEvent/Child/Forename/b", "unknown_field"},
      // episode
      {"EpisodeMissing", Base::kMissing,
       {{"<Episode>", "<!--"}, {"</Episode>", "-->"}}, "/CouncilEvent/Episode", "required"},
      {"PoliceRefMissing", Base::kMissing, {{"<PoliceRef>DB/21/2026/004512</PoliceRef>", ""}},
       "/CouncilEvent/Episode/PoliceRef", "required"},
      {"PoliceRefWithTwoDigitYear", Base::kMissing, {{"DB/21/2026/004512", "DB/21/26/004512"}},
       "/CouncilEvent/Episode/PoliceRef", "pattern"},
      {"ForceCodeInLowerCase", Base::kMissing, {{"DERBYS", "derbys"}},
       "/CouncilEvent/Episode/ForceCode", "pattern"},
      {"MissingTypeUnknown", Base::kMissing, {{"<MissingType>M</MissingType>",
                                               "<MissingType>X</MissingType>"}},
       "/CouncilEvent/Episode/MissingType", "enum"},
      {"MissingFromInLowerCase", Base::kMissing, {{"Residential", "residential"}},
       "/CouncilEvent/Episode/MissingFrom", "enum"},
      {"FoundByInWords", Base::kMissing, {{"<FoundBy>Police</FoundBy>",
                                           "<FoundBy>Police officer</FoundBy>"}},
       "/CouncilEvent/Episode/FoundBy", "enum"},
      {"RiskLevelInCapitals", Base::kMissing, {{"<RiskLevel>High</RiskLevel>",
                                                "<RiskLevel>HIGH</RiskLevel>"}},
       "/CouncilEvent/Episode/RiskLevel", "enum"},
      {"RiskRationaleWithoutLevel", Base::kMissing, {{"<RiskLevel>High</RiskLevel>", ""}},
       "/CouncilEvent/Episode/RiskLevel", "required"},
      {"SecondConcernUnknown", Base::kMissing, {{"<Concern>CSE</Concern>",
                                                 "<Concern>Gangs</Concern>"}},
       "/CouncilEvent/Episode/Exploitation/Concern[2]", "enum"},
      {"EndBeforeStart", Base::kMissing, {{"<End/>", "<End>2026-11-22T18:00:00Z</End>"}},
       "/CouncilEvent/Episode/End", "inconsistent"},
      {"StartWithImpossibleOffset", Base::kMissing,
       {{"2026-11-22T19:05:00Z", "2026-11-22T19:05:00+25:00"}}, "/CouncilEvent/Episode/Start",
       "datetime"},
      {"LocationPostcodeInvalid", Base::kMissing,
       {{"<Description>Derby Bus Station DE1 2AY</Description>",
         "<Description>Derby Bus Station</Description><Postcode>XX</Postcode>"}},
       "/CouncilEvent/Episode/LastSeenLocation/Postcode", "postcode"},
      {"CircumstancesTooLong", Base::kMissing,
       {{"Left after an argument", k4001}}, "/CouncilEvent/Episode/Circumstances", "too_long"},
      {"InterviewOnAMissingNotification", Base::kMissing,
       {{"</Episode>", "</Episode><Rhi><Outcome>completed</Outcome></Rhi>"}},
       "/CouncilEvent/Rhi", "inconsistent"},
      {"EscalationOnAMissingNotification", Base::kMissing,
       {{"</Episode>", "</Episode><Escalation><Reason>other</Reason></Escalation>"}},
       "/CouncilEvent/Escalation", "inconsistent"},
      {"FoundNotificationWithOpenEpisode", Base::kMissing,
       {{"MissingNotification", "FoundNotification"}}, "/CouncilEvent/Episode/End", "required"},
      {"RiskUpdateWithoutLevel", Base::kMissing,
       {{"MissingNotification", "RiskUpdate"},
        {"<RiskLevel>High</RiskLevel>", ""},
        {"<RiskRationale>Previous exploitation concerns</RiskRationale>", ""}},
       "/CouncilEvent/Episode/RiskLevel", "required"},
      // interview
      {"RhiSummaryWithoutInterview", Base::kRhi, {{"<Rhi>", "<!--"}, {"</Rhi>", "-->"}},
       "/CouncilEvent/Rhi", "required"},
      {"OutcomeMissing", Base::kRhi, {{"<Outcome>completed</Outcome>", ""}},
       "/CouncilEvent/Rhi/Outcome", "required"},
      {"OutcomeCapitalised", Base::kRhi, {{"<Outcome>completed</Outcome>",
                                           "<Outcome>Completed</Outcome>"}},
       "/CouncilEvent/Rhi/Outcome", "enum"},
      {"SecondActionWithoutType", Base::kRhi, {{"<Type>safety_plan</Type>", ""}},
       "/CouncilEvent/Rhi/Actions/Action[2]/Type", "required"},
      {"SecondActionOfUnknownType", Base::kRhi, {{"<Type>safety_plan</Type>", "<Type>call</Type>"}},
       "/CouncilEvent/Rhi/Actions/Action[2]/Type", "enum"},
      {"FirstActionRecipientTooLong", Base::kRhi, {{"<To>MASH</To>", "<To>" + k201 + "</To>"}},
       "/CouncilEvent/Rhi/Actions/Action[1]/To", "too_long"},
      {"SecondPoliceRefInvalid", Base::kRhi, {{"MP/01/2026/123457", "MP-01-2026-123457"}},
       "/CouncilEvent/Rhi/PoliceRefs/PoliceRef[2]", "pattern"},
      {"PullFactorAsPushFactor", Base::kRhi, {{"<Factor>boredom</Factor>",
                                               "<Factor>friends</Factor>"}},
       "/CouncilEvent/Rhi/PushFactors/Factor[1]", "enum"},
      {"ApproxAgeTooHigh", Base::kRhi, {{"<ApproxAge>15</ApproxAge>", "<ApproxAge>130</ApproxAge>"}},
       "/CouncilEvent/Rhi/WithWhom/Person[1]/ApproxAge", "range"},
      {"ApproxAgeInWords", Base::kRhi, {{"<ApproxAge>15</ApproxAge>",
                                         "<ApproxAge>fifteen</ApproxAge>"}},
       "/CouncilEvent/Rhi/WithWhom/Person[1]/ApproxAge", "type"},
      {"HarmAsDigit", Base::kRhi, {{"<Physical>false</Physical>", "<Physical>0</Physical>"}},
       "/CouncilEvent/Rhi/Harm/Physical", "enum"},
      {"IndicatorInCanonicalSpelling", Base::kRhi, {{"<Indicator>CSE</Indicator>",
                                                     "<Indicator>cse</Indicator>"}},
       "/CouncilEvent/Rhi/ExploitationIndicators/Indicator[1]", "enum"},
      {"CompletedBeforeOffered", Base::kRhi, {{"2026-10-28T16:00:00Z", "2026-10-27T09:00:00Z"}},
       "/CouncilEvent/Rhi/CompletedAt", "inconsistent"},
      {"ChildAccountIsNotPartOfTheSummary", Base::kRhi,
       {{"<Outcome>completed</Outcome>",
         "<Outcome>completed</Outcome><ChildAccount>text</ChildAccount>"}},
       "/CouncilEvent/Rhi/ChildAccount", "unknown_field"},
      {"NamesOfCompanionsAreNotPartOfTheSummary", Base::kRhi,
       {{"<Relationship>friend</Relationship>", "<Name>Someone</Name>"}},
       "/CouncilEvent/Rhi/WithWhom/Person[1]/Name", "unknown_field"},
      {"TooManyRisks", Base::kRhi, {{"<Risk>Adult of concern</Risk>", ManyRisks(101)}},
       "/CouncilEvent/Rhi/RisksIdentified", "too_long"},
      // escalation
      {"EscalationReasonMissing", Base::kEscalation, {{"<Reason>repeat_episodes</Reason>", ""}},
       "/CouncilEvent/Escalation/Reason", "required"},
      {"EscalationReasonUnknown", Base::kEscalation, {{"repeat_episodes", "repeat"}},
       "/CouncilEvent/Escalation/Reason", "enum"},
      {"EscalationMissing", Base::kEscalation,
       {{"<Escalation>", "<!--"}, {"</Escalation>", "-->"}}, "/CouncilEvent/Escalation",
       "required"},
      {"WindowOfNoDays", Base::kEscalation, {{"<WindowDays>90</WindowDays>",
                                              "<WindowDays>0</WindowDays>"}},
       "/CouncilEvent/Escalation/WindowDays", "range"},
      {"WindowOfElevenYears", Base::kEscalation, {{"<WindowDays>90</WindowDays>",
                                                   "<WindowDays>4000</WindowDays>"}},
       "/CouncilEvent/Escalation/WindowDays", "range"},
      {"NegativeEpisodeCount", Base::kEscalation, {{"<EpisodeCount>3</EpisodeCount>",
                                                    "<EpisodeCount>-1</EpisodeCount>"}},
       "/CouncilEvent/Escalation/EpisodeCount", "range"},
      {"EpisodeCountWithAPlusSign", Base::kEscalation, {{"<EpisodeCount>3</EpisodeCount>",
                                                         "<EpisodeCount>+3</EpisodeCount>"}},
       "/CouncilEvent/Escalation/EpisodeCount", "type"},
      {"EpisodeCountBeyondAnyInteger", Base::kEscalation,
       {{"<EpisodeCount>3</EpisodeCount>", "<EpisodeCount>99999999999</EpisodeCount>"}},
       "/CouncilEvent/Escalation/EpisodeCount", "range"},
  };
  return cases;
}

class CouncilXmlInvalidInput : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(CouncilXmlInvalidInput, IsRefusedWithExactlyOneErrorAtThePath) {
  const InvalidCase& c = GetParam();
  auto decoded = Decode(Build(c), DecodeOptions{});
  ASSERT_FALSE(decoded.ok());
  ASSERT_EQ(decoded.error().size(), 1u) << Describe(decoded.error());
  EXPECT_EQ(decoded.error()[0].pointer, c.pointer) << Describe(decoded.error());
  EXPECT_EQ(decoded.error()[0].code, c.code) << Describe(decoded.error());
  EXPECT_FALSE(decoded.error()[0].reason.empty());
}

INSTANTIATE_TEST_SUITE_P(Table, CouncilXmlInvalidInput, ::testing::ValuesIn(Cases()),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(CouncilXmlInvalidInput, TheTableHasAtLeast45Cases) { EXPECT_GE(Cases().size(), 45u); }

TEST(CouncilXmlInvalidInput, EveryBaseDocumentIsValid) {
  for (const std::string& xml : {testing::MissingNotificationXml(), testing::RhiSummaryXml(),
                                 testing::EscalationXml()}) {
    auto decoded = Decode(xml, DecodeOptions{});
    EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : Describe(decoded.error()));
  }
}

}  // namespace
}  // namespace isagw::adapters::council_xml
