// The example ISAs in policies/ say what their comments say.
#include <gtest/gtest.h>

#include "gateway/policy/engine.h"
#include "gateway/policy/redactor.h"
#include "tests/policy/policy_test_util.h"

namespace isagw::policy {
namespace {

using nlohmann::json;
using testing::DescribeAll;
using testing::KnownAgencies;
using testing::Now;

json Rhi() {
  return json::parse(R"({
    "model": "isagw.canonical/1",
    "kind": "rhi_recorded",
    "header": {"message_id": "RHI-1", "sent_at": "2026-11-25T10:00:00Z"},
    "child": {"forename": "Alex", "surname": "Example", "date_of_birth": "2010-05-04"},
    "episode": {"police_ref": "ST/21/2026/004512"},
    "rhi": {
      "provider_id": "C22", "interview_id": "I-1", "police_refs": ["ST/21/2026/004512"],
      "returned_at": "2026-11-23T08:00:00Z", "offered_at": "2026-11-23T12:00:00Z",
      "completed_at": "2026-11-24T16:00:00Z", "outcome": "completed",
      "where_stayed": [{"description": "A flat above the shops", "town": "Hanley", "postcode": "ST1 3AB"}],
      "with_whom": [{"name": "Jo Adult", "relationship": "met online", "approx_age": 24,
                     "adult_of_concern": true}],
      "push_factors": ["conflict_with_carers"], "pull_factors": ["older_adults"],
      "harm": {"emotional": true, "criminal_activity": false},
      "child_account": "What the child said.", "disclosures": "What the child disclosed.",
      "child_views": "Wants to stay in the placement.",
      "risks_identified": ["Older adult contact"],
      "actions": [{"type": "referral", "to": "MASH", "detail": "Referred for an assessment"}],
      "consent": {"police": false, "placing_authority": true}
    }
  })");
}

json Missing() {
  return json::parse(R"({
    "model": "isagw.canonical/1",
    "kind": "missing_reported",
    "header": {"message_id": "M-1", "sent_at": "2026-11-22T21:41:00Z"},
    "child": {
      "forename": "Alex", "surname": "Example", "date_of_birth": "2010-05-04",
      "ethnicity": {"scheme": "police_16plus1", "code": "W1"},
      "home": {"text": "1 Example Street", "postcode": "DE22 3AB"},
      "placement": {"type": "K2", "postcode": "ST16 2AB", "provider": "Example House"},
      "social_worker": {"name": "Sam Worker", "team": "Looked After Children North",
                        "phone": "01785 276543", "email": "sam.worker@staffordshire.gov.uk"}
    },
    "episode": {
      "police_ref": "ST/21/2026/004512", "reported_at": "2026-11-22T21:40:00Z",
      "last_seen_at": "2026-11-22T19:05:00Z",
      "last_seen_location": {"description": "Stafford bus station ST16 2AA", "postcode": "ST16 2AA"},
      "risk": {"level": "medium", "rationale": "Previous concerns"},
      "exploitation": {"cce": true},
      "circumstances": "Left after an argument"
    }
  })");
}

class ExamplePolicies : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = LoadPolicySet(testing::ExamplePolicyDir(), KnownAgencies());
    ASSERT_TRUE(loaded.ok()) << DescribeAll(loaded.error());
    policies_.emplace(std::move(loaded).value());
  }
  Decision Decide(const json& event, const Party& from, const Party& to) {
    return policy::Decide(*policies_, event, from, to, Now());
  }
  static const FieldDecision& At(const Decision& d, std::string_view pointer) {
    for (const auto& f : d.fields) {
      if (f.pointer == pointer) return f;
    }
    ADD_FAILURE() << "no decision for " << pointer;
    static const FieldDecision none;
    return none;
  }
  std::optional<PolicySet> policies_;
};

const Party kStaffsPolice{"police-staffs", {Role::kPoliceForce}};
const Party kDerbysPolice{"police-derbys", {Role::kPoliceForce}};
const Party kStaffsHost{"la-staffordshire", {Role::kHostLa}};
const Party kDerbyHost{"la-derby", {Role::kHostLa}};
const Party kCroydonPlacing{"la-croydon", {Role::kPlacingLa}};
const Party kCatch22{"provider-catch22", {Role::kCommissionedProvider}};
const Party kBrighterFutures{"provider-brighter-futures", {Role::kCommissionedProvider}};

TEST_F(ExamplePolicies, PoliceTellTheHostCouncilEverythingButEthnicity) {
  const Decision d = Decide(Missing(), kStaffsPolice, kStaffsHost);
  ASSERT_TRUE(d.allowed) << d.refusal_reason;
  EXPECT_EQ(d.flow_clause(), "ISA-STAFFS-2026 §4.1");
  EXPECT_EQ(At(d, "/child/forename").fate, Fate::kSent);
  EXPECT_EQ(At(d, "/episode/circumstances").fate, Fate::kSent);
  EXPECT_EQ(At(d, "/child/ethnicity/code").fate, Fate::kDropped);
  EXPECT_EQ(At(d, "/child/ethnicity/code").clause, "ISA-STAFFS-2026 §4.1(b)");
}

TEST_F(ExamplePolicies, ThePoliceGetIntelligenceNotTheConversation) {
  const Decision d = Decide(Rhi(), kCatch22, kStaffsPolice);
  ASSERT_TRUE(d.allowed) << d.refusal_reason;
  EXPECT_EQ(d.flows[0].purpose, "intelligence");
  EXPECT_EQ(At(d, "/rhi/where_stayed/0/postcode").fate, Fate::kSent);
  EXPECT_EQ(At(d, "/rhi/child_account").fate, Fate::kMasked);
  EXPECT_EQ(At(d, "/rhi/disclosures").fate, Fate::kDropped);
  EXPECT_EQ(At(d, "/rhi/child_views").fate, Fate::kDropped);
  EXPECT_EQ(At(d, "/rhi/harm/emotional").fate, Fate::kDropped);
  // No consent for the police and no override: associates' names stay.
  EXPECT_EQ(At(d, "/rhi/with_whom/0/name").fate, Fate::kWithheldCondition);
  EXPECT_EQ(At(d, "/rhi/with_whom/0/adult_of_concern").fate, Fate::kSent);
  auto copy = Redact(Rhi(), d, KeyRing());
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->document["rhi"]["child_account"], "[redacted]");
  EXPECT_FALSE(copy->document["rhi"].contains("disclosures"));
  EXPECT_FALSE(copy->document["rhi"]["with_whom"][0].contains("name"));

  json consented = Rhi();
  consented["rhi"]["consent"]["overridden_reason"] = "Risk of significant harm";
  EXPECT_EQ(At(Decide(consented, kCatch22, kStaffsPolice), "/rhi/with_whom/0/name").fate,
            Fate::kSent);
}

TEST_F(ExamplePolicies, TheHostCouncilReadsTheConversationOnlyWhenExploitationIsIndicated) {
  EXPECT_EQ(At(Decide(Rhi(), kCatch22, kStaffsHost), "/rhi/disclosures").fate,
            Fate::kWithheldCondition);
  json exploited = Rhi();
  exploited["rhi"]["exploitation_indicators"] = json::array({"cce"});
  const Decision d = Decide(exploited, kCatch22, kStaffsHost);
  EXPECT_EQ(At(d, "/rhi/disclosures").fate, Fate::kSent);
  EXPECT_EQ(At(d, "/rhi/disclosures").clause, "ISA-STAFFS-2026 §5.1(b)");
  EXPECT_EQ(At(d, "/rhi/child_views").fate, Fate::kSent);
}

TEST_F(ExamplePolicies, TheProviderNeverLearnsThePlacementAddress) {
  json referral = Missing();
  referral["kind"] = "rhi_referred";
  const Decision d = Decide(referral, kStaffsHost, kCatch22);
  ASSERT_TRUE(d.allowed) << d.refusal_reason;
  EXPECT_EQ(At(d, "/child/placement/postcode").fate, Fate::kMasked);
  EXPECT_EQ(At(d, "/child/placement/provider").fate, Fate::kDropped);
  EXPECT_EQ(At(d, "/child/home/text").fate, Fate::kDropped);
  EXPECT_EQ(At(d, "/episode/last_seen_location/description").fate, Fate::kDropped);
  EXPECT_EQ(At(d, "/episode/reported_at").fate, Fate::kGeneralised);
  EXPECT_EQ(At(d, "/episode/risk/rationale").fate, Fate::kSent);  // medium risk
  auto copy = Redact(referral, d, KeyRing());
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->document["child"]["placement"],
            json::parse(R"({"postcode": "ST16", "type": "K2"})"));
  EXPECT_EQ(copy->document["child"]["social_worker"]["phone"], "***** ***543");
  EXPECT_EQ(copy->document["child"]["social_worker"]["email"], "***@staffordshire.gov.uk");
  EXPECT_EQ(copy->document["episode"]["reported_at"], "2026-11-22");
  const std::string dumped = copy->document.dump();
  EXPECT_EQ(dumped.find("ST16 2AB"), std::string::npos);
  EXPECT_EQ(dumped.find("Example House"), std::string::npos);
}

TEST_F(ExamplePolicies, DerbyPoliceGetAgesAndPseudonymousAssociates) {
  json rhi = Rhi();
  rhi["episode"]["police_ref"] = "DB/21/2026/004512";
  const Decision d = Decide(rhi, kBrighterFutures, kDerbysPolice);
  ASSERT_TRUE(d.allowed) << d.refusal_reason;
  EXPECT_EQ(At(d, "/child/date_of_birth").fate, Fate::kGeneralised);
  EXPECT_EQ(At(d, "/rhi/with_whom/0/name").fate, Fate::kPseudonymised);
  KeyRing keys;
  unsigned char bytes[PseudonymKey::kBytes] = {1, 2, 3};
  keys.Add("ISA-DERBY-2026", PseudonymKey(bytes));
  auto copy = Redact(rhi, d, keys);
  ASSERT_TRUE(copy.ok());
  // Born 4 May 2010; the message was sent on 25 November 2026.
  EXPECT_EQ(copy->document["child"]["age_years"], 16);
  EXPECT_EQ(copy->document["rhi"]["with_whom"][0]["name"],
            Pseudonym(PseudonymKey(bytes), "Jo Adult"));
  EXPECT_EQ(copy->document.dump().find("Jo Adult"), std::string::npos);
}

TEST_F(ExamplePolicies, OnlyTheHostRoleReadsTheConversationInDerby) {
  json exploited = Rhi();
  exploited["rhi"]["exploitation_indicators"] = json::array({"cse"});
  const Party placing_only{"la-derby", {Role::kPlacingLa}};
  const Decision as_placing = Decide(exploited, kBrighterFutures, placing_only);
  ASSERT_TRUE(as_placing.allowed);
  // ISA-DERBY-2026 withholds it from any role but host; ISA-PLACING-2026,
  // which also covers this provider-to-placing flow, drops it outright.
  EXPECT_FALSE(Discloses(At(as_placing, "/rhi/disclosures").fate));
  EXPECT_EQ(At(as_placing, "/rhi/disclosures").fate, Fate::kDropped);
  EXPECT_EQ(At(as_placing, "/rhi/disclosures").clause, "ISA-PLACING-2026 §3.2(e)");
  EXPECT_EQ(At(Decide(exploited, kBrighterFutures, kDerbyHost), "/rhi/disclosures").fate,
            Fate::kSent);
}

TEST_F(ExamplePolicies, ThePlacingAuthoritySeesExactLocationsOnlyAtHighRisk) {
  const Decision medium = Decide(Missing(), kDerbyHost, kCroydonPlacing);
  ASSERT_TRUE(medium.allowed) << medium.refusal_reason;
  EXPECT_EQ(medium.flow_clause(), "ISA-OOA-2026 §2.2");
  EXPECT_EQ(At(medium, "/episode/last_seen_location/description").fate, Fate::kWithheldCondition);
  EXPECT_EQ(At(medium, "/episode/last_seen_location/postcode").fate, Fate::kMasked);
  EXPECT_EQ(At(medium, "/child/placement/postcode").fate, Fate::kDropped);
  json high = Missing();
  high["episode"]["risk"]["level"] = "high";
  EXPECT_EQ(
      At(Decide(high, kDerbyHost, kCroydonPlacing), "/episode/last_seen_location/description").fate,
      Fate::kSent);
}

TEST_F(ExamplePolicies, NothingFlowsWithoutAnAgreement) {
  // Croydon is no host council of Staffordshire Police's area.
  EXPECT_EQ(Decide(Missing(), kStaffsPolice, Party{"la-croydon", {Role::kHostLa}}).refusal,
            "no_flow");
  EXPECT_EQ(Decide(Missing(), kDerbysPolice, kStaffsHost).refusal, "no_flow");
  EXPECT_EQ(Decide(Rhi(), kCatch22, kDerbyHost).refusal, "no_flow");
  // The host council does not send police intelligence back the other way.
  EXPECT_EQ(Decide(Rhi(), kStaffsHost, kCatch22).refusal, "no_flow");
}

TEST_F(ExamplePolicies, EveryExampleFlowCitesAUniqueClause) {
  std::set<std::string> clauses;
  int flows = 0;
  for (const auto& isa : policies_->agreements()) {
    for (const auto& flow : isa.flows) {
      ++flows;
      EXPECT_TRUE(clauses.insert(flow.clause).second) << flow.clause;
      EXPECT_EQ(flow.clause.rfind(isa.id + " ", 0), 0u);
    }
  }
  EXPECT_GE(flows, 10);
}

}  // namespace
}  // namespace isagw::policy
