#include "gateway/policy/redactor.h"

#include <gtest/gtest.h>

#include "gateway/policy/engine.h"
#include "tests/policy/policy_test_util.h"

namespace isagw::policy {
namespace {

using nlohmann::json;
using testing::DescribeAll;
using testing::HostStaffs;
using testing::LoadOne;
using testing::Now;
using testing::Police;
using testing::TestIsa;

json Event() {
  return json::parse(R"({
    "model": "isagw.canonical/1",
    "kind": "missing_reported",
    "header": {"message_id": "M-1", "sent_at": "2026-11-22T21:41:00Z"},
    "child": {
      "forename": "Alex", "surname": "Example", "date_of_birth": "2010-11-23",
      "nhs_number": "9434765919",
      "home": {"text": "1 Example Street", "postcode": "ST1 2AB"},
      "social_worker": {"phone": "01785 276543", "email": "sam.worker@staffordshire.gov.uk"}
    },
    "episode": {"last_seen_at": "2026-11-22T19:05:00Z", "found_at": "2026-06-30T23:30:00Z"},
    "rhi": {
      "with_whom": [{"name": "Jo Adult", "approx_age": 30}, {"relationship": "friend"},
                    {"name": "Kim Friend", "adult_of_concern": true}],
      "police_refs": ["ST/21/2026/000001", "ST/21/2026/000002"]
    }
  })");
}

PseudonymKey KeyOf(unsigned char fill) {
  unsigned char bytes[PseudonymKey::kBytes];
  for (auto& b : bytes) b = fill;
  return PseudonymKey(bytes);
}

class Redactor : public ::testing::Test {
 protected:
  RedactedCopy Run(std::string_view rules, const json& event = Event()) {
    auto loaded = LoadOne(TestIsa(rules));
    EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : DescribeAll(loaded.error()));
    if (!loaded.ok()) return {};
    const Decision decision = Decide(*loaded, event, Police(), HostStaffs(), Now());
    EXPECT_TRUE(decision.allowed) << decision.refusal_reason;
    auto copy = Redact(event, decision, keys_);
    EXPECT_TRUE(copy.ok());
    return copy.ok() ? std::move(copy).value() : RedactedCopy{};
  }
  KeyRing keys_;
};

TEST_F(Redactor, BuildsTheCopyFromAllowedFieldsOnly) {
  const RedactedCopy copy = Run("      - allow: [child.forename, header.message_id]\n");
  EXPECT_EQ(copy.document, json::parse(R"({
    "model": "isagw.canonical/1", "kind": "missing_reported",
    "header": {"message_id": "M-1"}, "child": {"forename": "Alex"}})"));
  EXPECT_TRUE(copy.withheld.empty());
}

TEST_F(Redactor, KeepsModelAndKindEvenWhenNothingElseIsAllowed) {
  const RedactedCopy copy = Run("      - drop: child\n");
  EXPECT_EQ(copy.document,
            json::parse(R"({"model": "isagw.canonical/1", "kind": "missing_reported"})"));
}

TEST_F(Redactor, MasksPostcodesPhonesEmailsAndText) {
  const RedactedCopy copy =
      Run("      - mask: child.home.postcode\n        as: postcode_district\n"
          "      - mask: child.social_worker.phone\n        as: phone\n"
          "      - mask: child.social_worker.email\n        as: email\n"
          "      - mask: child.home.text\n        as: marker\n");
  EXPECT_EQ(copy.document["child"]["home"]["postcode"], "ST1");
  EXPECT_EQ(copy.document["child"]["home"]["text"], "[redacted]");
  EXPECT_EQ(copy.document["child"]["social_worker"]["phone"], "***** ***543");
  EXPECT_EQ(copy.document["child"]["social_worker"]["email"], "***@staffordshire.gov.uk");
}

TEST_F(Redactor, GeneralisesDateOfBirthToAgeAtTheEpisodeStart) {
  const RedactedCopy copy = Run("      - generalise: child.date_of_birth\n        to: age_years\n");
  // Born 2010-11-23, last seen 2026-11-22: still 15, a day short of 16.
  EXPECT_EQ(copy.document["child"]["age_years"], 15);
  EXPECT_FALSE(copy.document["child"].contains("date_of_birth"));
}

TEST_F(Redactor, GeneralisesTimestampsToTheUkDate) {
  const RedactedCopy copy =
      Run("      - generalise: [episode.last_seen_at, episode.found_at]\n        to: date\n");
  EXPECT_EQ(copy.document["episode"]["last_seen_at"], "2026-11-22");
  // 23:30 UTC in summer is the next day in London.
  EXPECT_EQ(copy.document["episode"]["found_at"], "2026-07-01");
}

TEST_F(Redactor, PseudonymisesWithTheIsasKey) {
  keys_.Add("ISA-TEST-2026", KeyOf(7));
  const RedactedCopy copy =
      Run("      - pseudonymise: [\"rhi.with_whom[].name\", child.nhs_number]\n");
  const std::string jo = copy.document["rhi"]["with_whom"][0]["name"];
  EXPECT_EQ(jo, Pseudonym(KeyOf(7), "Jo Adult"));
  EXPECT_EQ(jo.rfind("psn:", 0), 0u);
  EXPECT_EQ(copy.document["child"]["nhs_number"], Pseudonym(KeyOf(7), "9434765919"));
  // Stable: the same value under the same ISA gives the same pseudonym.
  EXPECT_EQ(
      Run("      - pseudonymise: rhi.with_whom[].name\n").document["rhi"]["with_whom"][0]["name"],
      jo);
}

TEST_F(Redactor, WithholdsPseudonymisedFieldsWhenTheKeyIsMissing) {
  const RedactedCopy copy =
      Run("      - pseudonymise: rhi.with_whom[].name\n"
          "      - allow: child.forename\n");
  EXPECT_FALSE(copy.document.contains("rhi"));
  ASSERT_EQ(copy.withheld.size(), 2u);
  EXPECT_EQ(copy.withheld[0], (WithheldAtRedaction{"/rhi/with_whom/0/name", "key_missing"}));
  EXPECT_EQ(copy.withheld[1], (WithheldAtRedaction{"/rhi/with_whom/2/name", "key_missing"}));
  EXPECT_EQ(copy.document["child"]["forename"], "Alex");
}

TEST_F(Redactor, WithholdsValuesAMaskCannotApplyTo) {
  json event = Event();
  event["child"]["home"]["postcode"] = "not a postcode";
  event["child"]["social_worker"]["phone"] = "ring the office";
  const RedactedCopy copy =
      Run("      - mask: child.home.postcode\n        as: postcode_district\n"
          "      - mask: child.social_worker.phone\n        as: phone\n",
          event);
  EXPECT_FALSE(copy.document.contains("child"));
  ASSERT_EQ(copy.withheld.size(), 2u);
  EXPECT_EQ(copy.withheld[0].reason, "not_transformable");
}

TEST_F(Redactor, LeavesOutArrayElementsWithNothingAllowed) {
  const RedactedCopy copy = Run("      - allow: rhi.with_whom[].name\n");
  EXPECT_EQ(copy.document["rhi"]["with_whom"],
            json::parse(R"([{"name": "Jo Adult"}, {"name": "Kim Friend"}])"));
}

TEST_F(Redactor, CopiesArraysOfValues) {
  const RedactedCopy copy = Run("      - allow: rhi.police_refs\n");
  EXPECT_EQ(copy.document["rhi"]["police_refs"],
            json::parse(R"(["ST/21/2026/000001", "ST/21/2026/000002"])"));
}

TEST_F(Redactor, RefusesARefusedDecision) {
  Decision refused;
  refused.refusal = "no_flow";
  auto copy = Redact(Event(), refused, KeyRing());
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error(), "no_flow");
}

TEST_F(Redactor, CopiesNothingTheDecisionDoesNotName) {
  auto loaded = LoadOne(TestIsa("      - allow: child\n"));
  ASSERT_TRUE(loaded.ok());
  const Decision decision = Decide(*loaded, Event(), Police(), HostStaffs(), Now());
  // A field added after the decision is not in it, so it is not copied.
  json changed = Event();
  changed["child"]["sex"] = "male";
  auto copy = Redact(changed, decision, KeyRing());
  ASSERT_TRUE(copy.ok());
  EXPECT_FALSE(copy->document["child"].contains("sex"));
  EXPECT_EQ(copy->document["child"]["forename"], "Alex");
}

}  // namespace
}  // namespace isagw::policy
