#include "gateway/policy/engine.h"

#include <gtest/gtest.h>

#include "gateway/policy/redactor.h"
#include "tests/policy/policy_test_util.h"

namespace isagw::policy {
namespace {

using nlohmann::json;
using testing::At;
using testing::DescribeAll;
using testing::HostStaffs;
using testing::LoadOne;
using testing::Now;
using testing::Police;
using testing::ReplaceAll;
using testing::TestIsa;

json MissingReport() {
  return json::parse(R"({
    "model": "isagw.canonical/1",
    "kind": "missing_reported",
    "header": {"message_id": "M-1", "sent_at": "2026-11-22T21:41:00Z"},
    "child": {
      "forename": "Alex", "surname": "Example", "date_of_birth": "2010-05-04", "sex": "male",
      "ethnicity": {"scheme": "police_16plus1", "code": "W1"},
      "nhs_number": "9434765919",
      "home": {"text": "1 Example Street", "postcode": "ST1 2AB"},
      "social_worker": {"name": "Sam Worker", "phone": "01785 276543",
                        "email": "sam.worker@staffordshire.gov.uk"}
    },
    "episode": {
      "police_ref": "ST/21/2026/004512",
      "last_seen_at": "2026-11-22T19:05:00Z",
      "risk": {"level": "medium", "rationale": "Previous concerns"},
      "exploitation": {"cse": false}
    },
    "rhi": {
      "consent": {"police": false},
      "with_whom": [{"name": "Jo Adult", "approx_age": 30}, {"name": "Kim Friend"}]
    }
  })");
}

const FieldDecision* FieldAt(const Decision& decision, std::string_view pointer) {
  for (const auto& field : decision.fields) {
    if (field.pointer == pointer) return &field;
  }
  return nullptr;
}

class Engine : public ::testing::Test {
 protected:
  // Loads the test ISA with `rules` for police_force -> host_la.
  void Load(std::string_view rules) { LoadYaml(TestIsa(rules)); }
  void LoadYaml(const std::string& yaml) {
    auto loaded = LoadOne(yaml);
    ASSERT_TRUE(loaded.ok()) << DescribeAll(loaded.error());
    policies_.emplace(std::move(loaded).value());
  }
  Decision Decide(const json& event, const Party& from = Police(), const Party& to = HostStaffs(),
                  model::Timestamp now = Now()) {
    return policy::Decide(*policies_, event, from, to, now);
  }
  Fate FateAt(const Decision& decision, std::string_view pointer) {
    const FieldDecision* field = FieldAt(decision, pointer);
    EXPECT_NE(field, nullptr) << pointer;
    return field ? field->fate : Fate::kNoRule;
  }
  std::optional<PolicySet> policies_;
};

TEST_F(Engine, AllowSendsTheFieldCitingItsClause) {
  Load("      - clause: \"§1(a)\"\n        allow: child.forename\n");
  const Decision d = Decide(MissingReport());
  ASSERT_TRUE(d.allowed) << d.refusal_reason;
  EXPECT_EQ(d.isa_id(), "ISA-TEST-2026");
  EXPECT_EQ(d.flow_clause(), "ISA-TEST-2026 §1");
  EXPECT_EQ(d.flows[0].purpose, "safeguarding");
  const FieldDecision* forename = FieldAt(d, "/child/forename");
  ASSERT_NE(forename, nullptr);
  EXPECT_EQ(forename->fate, Fate::kSent);
  EXPECT_EQ(forename->clause, "ISA-TEST-2026 §1(a)");
  EXPECT_EQ(forename->path, "child.forename");
}

TEST_F(Engine, FieldsWithoutARuleAreNotSent) {
  Load("      - allow: child.forename\n");
  const Decision d = Decide(MissingReport());
  const FieldDecision* surname = FieldAt(d, "/child/surname");
  ASSERT_NE(surname, nullptr);
  EXPECT_EQ(surname->fate, Fate::kNoRule);
  EXPECT_TRUE(surname->clause.empty());
  EXPECT_EQ(FateAt(d, "/episode/risk/level"), Fate::kNoRule);
}

TEST_F(Engine, UnknownFieldsAreNeverSent) {
  Load("      - allow: [\"**\"]\n");
  json event = MissingReport();
  event["child"]["favourite_colour"] = "blue";
  event["surprise"] = {{"x", 1}};
  event["child"]["home"] = "not an object";
  const Decision d = Decide(event);
  ASSERT_TRUE(d.allowed);
  EXPECT_EQ(FateAt(d, "/child/favourite_colour"), Fate::kNoRule);
  EXPECT_EQ(FateAt(d, "/surprise"), Fate::kNoRule);
  EXPECT_EQ(FateAt(d, "/child/home"), Fate::kNoRule);
  EXPECT_EQ(FateAt(d, "/child/forename"), Fate::kSent);
  auto copy = Redact(event, d, KeyRing());
  ASSERT_TRUE(copy.ok());
  EXPECT_FALSE(copy->document["child"].contains("favourite_colour"));
  EXPECT_FALSE(copy->document.contains("surprise"));
  EXPECT_FALSE(copy->document["child"].contains("home"));
}

TEST_F(Engine, AnUnknownKeyThatIsNotAFieldNameIsNotEchoed) {
  Load("      - allow: header\n");
  json event = MissingReport();
  event["child"]["Alex Example lives at"] = "x";
  const Decision d = Decide(event);
  EXPECT_EQ(FateAt(d, "/child/<unknown>"), Fate::kNoRule);
  for (const auto& field : d.fields) EXPECT_EQ(field.pointer.find("Alex"), std::string::npos);
}

TEST_F(Engine, DropWithholdsTheField) {
  Load("      - clause: \"§1(a)\"\n        drop: child.ethnicity\n");
  const Decision d = Decide(MissingReport());
  const FieldDecision* code = FieldAt(d, "/child/ethnicity/code");
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->fate, Fate::kDropped);
  EXPECT_EQ(code->clause, "ISA-TEST-2026 §1(a)");
}

TEST_F(Engine, MaskRecordsTheMaskKind) {
  Load(
      "      - mask: \"**.postcode\"\n        as: postcode_district\n"
      "      - mask: child.social_worker.phone\n        as: phone\n"
      "      - mask: child.social_worker.email\n        as: email\n"
      "      - mask: child.home.text\n        as: marker\n");
  const Decision d = Decide(MissingReport());
  const FieldDecision* postcode = FieldAt(d, "/child/home/postcode");
  ASSERT_NE(postcode, nullptr);
  EXPECT_EQ(postcode->fate, Fate::kMasked);
  EXPECT_EQ(postcode->mask, MaskKind::kPostcodeDistrict);
  EXPECT_EQ(FieldAt(d, "/child/social_worker/phone")->mask, MaskKind::kPhone);
  EXPECT_EQ(FieldAt(d, "/child/social_worker/email")->mask, MaskKind::kEmail);
  EXPECT_EQ(FieldAt(d, "/child/home/text")->mask, MaskKind::kMarker);
}

TEST_F(Engine, GeneraliseRecordsTheGeneralisation) {
  Load(
      "      - generalise: child.date_of_birth\n        to: age_years\n"
      "      - generalise: episode.last_seen_at\n        to: date\n");
  const Decision d = Decide(MissingReport());
  const FieldDecision* born = FieldAt(d, "/child/date_of_birth");
  ASSERT_NE(born, nullptr);
  EXPECT_EQ(born->fate, Fate::kGeneralised);
  EXPECT_EQ(born->generalise, GeneraliseKind::kAgeYears);
  EXPECT_EQ(FieldAt(d, "/episode/last_seen_at")->generalise, GeneraliseKind::kDate);
  // Ages count to the episode's start.
  EXPECT_EQ(d.age_reference, At("2026-11-22T19:05:00Z"));
}

TEST_F(Engine, PseudonymiseNamesTheIsaWhoseKeyIsUsed) {
  Load("      - pseudonymise: rhi.with_whom[].name\n");
  const Decision d = Decide(MissingReport());
  const FieldDecision* name = FieldAt(d, "/rhi/with_whom/1/name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->fate, Fate::kPseudonymised);
  EXPECT_EQ(name->isa_id, "ISA-TEST-2026");
  EXPECT_EQ(name->path, "rhi.with_whom[].name");
}

TEST_F(Engine, TheMostRestrictiveRuleWins) {
  Load(
      "      - clause: \"§1(a)\"\n        allow: child\n"
      "      - clause: \"§1(b)\"\n        mask: \"**.postcode\"\n        as: postcode_district\n"
      "      - clause: \"§1(c)\"\n        pseudonymise: child.surname\n"
      "      - clause: \"§1(d)\"\n        generalise: child.date_of_birth\n        to: age_years\n"
      "      - clause: \"§1(e)\"\n        drop: [child.nhs_number, child.surname]\n"
      "      - clause: \"§1(f)\"\n        allow: child.forename\n        when: {risk_at_least: "
      "high}\n");
  const Decision d = Decide(MissingReport());
  EXPECT_EQ(FateAt(d, "/child/sex"), Fate::kSent);
  EXPECT_EQ(FateAt(d, "/child/home/postcode"), Fate::kMasked);        // mask > allow
  EXPECT_EQ(FateAt(d, "/child/date_of_birth"), Fate::kGeneralised);   // generalise > allow
  EXPECT_EQ(FateAt(d, "/child/surname"), Fate::kDropped);             // drop > pseudonymise
  EXPECT_EQ(FateAt(d, "/child/nhs_number"), Fate::kDropped);          // drop > allow
  EXPECT_EQ(FateAt(d, "/child/forename"), Fate::kWithheldCondition);  // failed condition > allow
  EXPECT_EQ(FieldAt(d, "/child/surname")->clause, "ISA-TEST-2026 §1(e)");
  EXPECT_EQ(FieldAt(d, "/child/forename")->clause, "ISA-TEST-2026 §1(f)");
}

TEST_F(Engine, PseudonymiseBeatsGeneraliseAndMask) {
  Load(
      "      - mask: child.home.postcode\n        as: postcode_district\n"
      "      - pseudonymise: child.home.postcode\n"
      "      - generalise: child.date_of_birth\n        to: age_years\n"
      "      - pseudonymise: child.date_of_birth\n");
  const Decision d = Decide(MissingReport());
  EXPECT_EQ(FateAt(d, "/child/home/postcode"), Fate::kPseudonymised);
  EXPECT_EQ(FateAt(d, "/child/date_of_birth"), Fate::kPseudonymised);
}

TEST_F(Engine, ARuleWhoseConditionHoldsIsCitedOverTheBroadRule) {
  Load(
      "      - clause: \"§1(a)\"\n        allow: child\n"
      "      - clause: \"§1(b)\"\n        allow: child.forename\n        when: {risk_at_least: "
      "low}\n");
  const Decision d = Decide(MissingReport());
  const FieldDecision* forename = FieldAt(d, "/child/forename");
  EXPECT_EQ(forename->fate, Fate::kSent);
  EXPECT_EQ(forename->clause, "ISA-TEST-2026 §1(b)");
}

// --- conditions -------------------------------------------------------

TEST_F(Engine, ConsentConditionHoldsWhenTheChildConsented) {
  Load("      - allow: rhi.with_whom[].name\n        when: {consent: police}\n");
  json event = MissingReport();
  EXPECT_EQ(FateAt(Decide(event), "/rhi/with_whom/0/name"), Fate::kWithheldCondition);
  EXPECT_EQ(FieldAt(Decide(event), "/rhi/with_whom/0/name")->note, "consent");
  event["rhi"]["consent"]["police"] = true;
  EXPECT_EQ(FateAt(Decide(event), "/rhi/with_whom/0/name"), Fate::kSent);
}

TEST_F(Engine, ConsentConditionHoldsWithARecordedOverride) {
  Load("      - allow: rhi.with_whom[].name\n        when: {consent: police}\n");
  json event = MissingReport();
  event["rhi"]["consent"]["overridden_reason"] = "Risk of serious harm";
  EXPECT_EQ(FateAt(Decide(event), "/rhi/with_whom/0/name"), Fate::kSent);
  event["rhi"]["consent"]["overridden_reason"] = "";
  EXPECT_EQ(FateAt(Decide(event), "/rhi/with_whom/0/name"), Fate::kWithheldCondition);
}

TEST_F(Engine, ConsentConditionFailsWhenConsentIsAbsent) {
  Load("      - allow: rhi.with_whom[].name\n        when: {consent: health}\n");
  json event = MissingReport();
  event["rhi"].erase("consent");
  EXPECT_EQ(FateAt(Decide(event), "/rhi/with_whom/0/name"), Fate::kWithheldCondition);
  event["rhi"]["consent"] = {{"health", true}};
  EXPECT_EQ(FateAt(Decide(event), "/rhi/with_whom/0/name"), Fate::kSent);
}

TEST_F(Engine, RecipientConsentFollowsTheRecipientsRole) {
  LoadYaml(ReplaceAll(TestIsa("      - allow: rhi.with_whom[].name\n"
                              "        when: {consent: recipient}\n"),
                      "to: host_la", "to: [host_la, placing_la]"));
  json event = MissingReport();
  event["rhi"]["consent"] = {{"placing_authority", true}, {"police", false}};
  const Party placing{"la-stoke", {Role::kPlacingLa}};
  const Party host{"la-stoke", {Role::kHostLa}};
  EXPECT_EQ(FateAt(Decide(event, Police(), placing), "/rhi/with_whom/0/name"), Fate::kSent);
  // A host council has no consent of its own to give: only an override counts.
  EXPECT_EQ(FateAt(Decide(event, Police(), host), "/rhi/with_whom/0/name"),
            Fate::kWithheldCondition);
}

TEST_F(Engine, ExploitationConditionReadsTheRhiIndicators) {
  Load("      - allow: child.forename\n        when: {exploitation_indicators_present: true}\n");
  json event = MissingReport();
  EXPECT_EQ(FateAt(Decide(event), "/child/forename"), Fate::kWithheldCondition);
  EXPECT_EQ(FieldAt(Decide(event), "/child/forename")->note, "exploitation_indicators_present");
  event["rhi"]["exploitation_indicators"] = json::array({"cce"});
  EXPECT_EQ(FateAt(Decide(event), "/child/forename"), Fate::kSent);
}

TEST_F(Engine, ExploitationConditionReadsTheEpisodeFlags) {
  Load("      - allow: child.forename\n        when: {exploitation_indicators_present: true}\n");
  json event = MissingReport();
  event["episode"]["exploitation"]["county_lines"] = true;
  EXPECT_EQ(FateAt(Decide(event), "/child/forename"), Fate::kSent);
  // A flag that is false is considered and found not to apply.
  event["episode"]["exploitation"]["county_lines"] = false;
  EXPECT_EQ(FateAt(Decide(event), "/child/forename"), Fate::kWithheldCondition);
}

TEST_F(Engine, RiskConditionComparesInTheModelsOrder) {
  Load("      - allow: child.forename\n        when: {risk_at_least: medium}\n");
  json event = MissingReport();
  for (const auto& [level, fate] :
       std::vector<std::pair<std::string, Fate>>{{"high", Fate::kSent},
                                                 {"medium", Fate::kSent},
                                                 {"low", Fate::kWithheldCondition},
                                                 {"very_low", Fate::kWithheldCondition},
                                                 {"absent", Fate::kWithheldCondition},
                                                 {"no_apparent_risk", Fate::kWithheldCondition}}) {
    event["episode"]["risk"]["level"] = level;
    EXPECT_EQ(FateAt(Decide(event), "/child/forename"), fate) << level;
  }
  event["episode"].erase("risk");
  EXPECT_EQ(FateAt(Decide(event), "/child/forename"), Fate::kWithheldCondition);
  EXPECT_EQ(FieldAt(Decide(event), "/child/forename")->note, "risk_at_least");
}

TEST_F(Engine, RecipientRoleConditionChecksTheRecipientsRolesInThisIsa) {
  LoadYaml(ReplaceAll(TestIsa("      - allow: child.forename\n"
                              "        when: {recipient_role: host_la}\n"
                              "      - allow: child.surname\n"),
                      "to: host_la", "to: [host_la, placing_la]"));
  const json event = MissingReport();
  const Party host{"la-stoke", {Role::kHostLa}};
  const Party placing{"la-stoke", {Role::kPlacingLa}};
  EXPECT_EQ(FateAt(Decide(event, Police(), host), "/child/forename"), Fate::kSent);
  const Decision to_placing = Decide(event, Police(), placing);
  EXPECT_EQ(FateAt(to_placing, "/child/forename"), Fate::kWithheldCondition);
  EXPECT_EQ(FieldAt(to_placing, "/child/forename")->note, "recipient_role");
  EXPECT_EQ(FateAt(to_placing, "/child/surname"), Fate::kSent);
}

TEST_F(Engine, AllConditionsOfARuleMustHold) {
  Load(
      "      - allow: child.forename\n"
      "        when: {risk_at_least: medium, exploitation_indicators_present: true}\n");
  json event = MissingReport();
  EXPECT_EQ(FateAt(Decide(event), "/child/forename"), Fate::kWithheldCondition);
  event["episode"]["exploitation"]["cse"] = true;
  EXPECT_EQ(FateAt(Decide(event), "/child/forename"), Fate::kSent);
  event["episode"]["risk"]["level"] = "low";
  EXPECT_EQ(FateAt(Decide(event), "/child/forename"), Fate::kWithheldCondition);
}

// --- flows and agreements ---------------------------------------------

TEST_F(Engine, RefusesAFlowNoIsaHas) {
  Load("      - allow: header\n");
  const Decision d = Decide(MissingReport(), HostStaffs(), Police());
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.refusal, "no_flow");
  EXPECT_TRUE(d.fields.empty());
  EXPECT_TRUE(d.flows.empty());
}

TEST_F(Engine, RefusesAnEventKindTheFlowDoesNotList) {
  Load("      - allow: header\n");
  json event = MissingReport();
  event["kind"] = "found";
  EXPECT_EQ(Decide(event).refusal, "no_flow");
  event["kind"] = "went_missing";
  EXPECT_EQ(Decide(event).refusal, "unknown_kind");
  event["model"] = "isagw.canonical/2";
  EXPECT_EQ(Decide(event).refusal, "not_canonical");
}

TEST_F(Engine, RefusesAnAgencyThatIsNotAParty) {
  Load("      - allow: header\n");
  const Party derby_police{"police-derbys", {Role::kPoliceForce}};
  EXPECT_EQ(Decide(MissingReport(), derby_police).refusal, "no_flow");
  const Party croydon{"la-croydon", {Role::kHostLa}};
  EXPECT_EQ(Decide(MissingReport(), Police(), croydon).refusal, "no_flow");
}

TEST_F(Engine, IgnoresARoleTheIsaDoesNotGiveTheAgency) {
  Load("      - allow: header\n");
  // The router says the provider is a police force; the ISA says it is not.
  const Party provider_as_police{"provider-catch22", {Role::kPoliceForce}};
  EXPECT_EQ(Decide(MissingReport(), provider_as_police).refusal, "no_flow");
}

TEST_F(Engine, FlowsMayNameAgenciesInsteadOfRoles) {
  LoadYaml(ReplaceAll(TestIsa("      - allow: header\n"), "to: host_la", "to: la-stoke"));
  const Party stoke_without_roles{"la-stoke", {}};
  EXPECT_TRUE(Decide(MissingReport(), Police(), stoke_without_roles).allowed);
  EXPECT_FALSE(Decide(MissingReport(), Police(), HostStaffs()).allowed);
}

TEST_F(Engine, AnExpiredIsaAllowsNothing) {
  Load("      - allow: header\n");
  EXPECT_TRUE(Decide(MissingReport(), Police(), HostStaffs(), At("2027-12-31T23:30:00Z")).allowed);
  const Decision d = Decide(MissingReport(), Police(), HostStaffs(), At("2028-01-01T00:00:00Z"));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.refusal, "isa_expired");
  EXPECT_NE(d.refusal_reason.find("ISA-TEST-2026"), std::string::npos);
}

TEST_F(Engine, ValidityFollowsTheUkCalendar) {
  LoadYaml(ReplaceAll(TestIsa("      - allow: header\n"), "valid_until: 2027-12-31",
                      "valid_until: 2027-06-30"));
  // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): expired.
  const Decision d = Decide(MissingReport(), Police(), HostStaffs(), At("2027-06-30T23:30:00Z"));
  EXPECT_EQ(d.refusal, "isa_expired");
  EXPECT_TRUE(Decide(MissingReport(), Police(), HostStaffs(), At("2027-06-30T22:59:59Z")).allowed);
}

TEST_F(Engine, ANotYetValidIsaAllowsNothing) {
  Load("      - allow: header\n");
  const Decision d = Decide(MissingReport(), Police(), HostStaffs(), At("2025-12-31T12:00:00Z"));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.refusal, "isa_not_yet_valid");
}

TEST_F(Engine, AnUnsignedIsaAllowsNothing) {
  LoadYaml(ReplaceAll(TestIsa("      - allow: header\n"),
                      "  - {party: provider-catch22, signatory: Director, signed_on: 2025-12-01}\n",
                      ""));
  const Decision d = Decide(MissingReport());
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.refusal, "isa_unsigned");
}

TEST_F(Engine, ASignatureCountsFromTheDayItIsDated) {
  LoadYaml(ReplaceAll(TestIsa("      - allow: header\n"),
                      "{party: la-stoke, signatory: Director, signed_on: 2025-12-01}",
                      "{party: la-stoke, signatory: Director, signed_on: 2026-12-01}"));
  EXPECT_EQ(Decide(MissingReport()).refusal, "isa_unsigned");
  EXPECT_TRUE(Decide(MissingReport(), Police(), HostStaffs(), At("2026-12-01T10:00:00Z")).allowed);
}

TEST_F(Engine, SeveralMatchingFlowsGiveEachFieldTheMostRestrictiveFate) {
  // la-stoke is both host and placing authority for a child it placed in
  // its own area: two flows match and each field takes the stricter fate.
  std::string yaml = TestIsa("      - allow: [child.forename, child.surname, child.home]\n");
  yaml += R"yaml(  - clause: "§2"
    from: police_force
    to: placing_la
    events: [missing_reported]
    purpose: safeguarding
    rules:
      - clause: "§2(a)"
        allow: child.forename
      - clause: "§2(b)"
        mask: child.home.postcode
        as: postcode_district
)yaml";
  LoadYaml(yaml);
  const Party both{"la-stoke", {Role::kHostLa, Role::kPlacingLa}};
  const Decision d = Decide(MissingReport(), Police(), both);
  ASSERT_TRUE(d.allowed);
  ASSERT_EQ(d.flows.size(), 2u);
  EXPECT_EQ(FateAt(d, "/child/forename"), Fate::kSent);
  EXPECT_EQ(FateAt(d, "/child/surname"), Fate::kNoRule);  // §2 has no rule for it
  EXPECT_EQ(FateAt(d, "/child/home/postcode"), Fate::kMasked);
  EXPECT_EQ(FieldAt(d, "/child/home/postcode")->clause, "ISA-TEST-2026 §2(b)");
  EXPECT_EQ(FateAt(d, "/child/home/text"), Fate::kNoRule);
  // As host alone, the first flow decides.
  const Party host{"la-stoke", {Role::kHostLa}};
  EXPECT_EQ(FateAt(Decide(MissingReport(), Police(), host), "/child/surname"), Fate::kSent);
}

TEST_F(Engine, ListsEveryLeafOncePerArrayElement) {
  Load("      - allow: rhi\n");
  const Decision d = Decide(MissingReport());
  std::vector<std::string> rhi;
  for (const auto& f : d.fields) {
    if (f.pointer.rfind("/rhi/", 0) == 0) rhi.push_back(f.pointer);
  }
  EXPECT_EQ(rhi, (std::vector<std::string>{"/rhi/consent/police", "/rhi/with_whom/0/approx_age",
                                           "/rhi/with_whom/0/name", "/rhi/with_whom/1/name"}));
}

}  // namespace
}  // namespace isagw::policy
