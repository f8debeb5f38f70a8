#include "gateway/policy/explain.h"

#include <gtest/gtest.h>

#include "gateway/policy/engine.h"
#include "tests/policy/policy_test_util.h"

namespace isagw::policy {
namespace {

using nlohmann::json;
using testing::HostStaffs;
using testing::LoadOne;
using testing::Now;
using testing::Police;
using testing::TestIsa;

const json kEvent = json::parse(R"({
  "model": "isagw.canonical/1", "kind": "missing_reported",
  "child": {"forename": "Alex", "surname": "Example", "home": {"postcode": "ST1 2AB"}},
  "episode": {"risk": {"level": "low"}}
})");

Decision Decided() {
  auto loaded =
      LoadOne(TestIsa("      - clause: \"§1(a)\"\n        allow: child.forename\n"
                      "      - clause: \"§1(b)\"\n        mask: child.home.postcode\n"
                      "        as: postcode_district\n"
                      "      - clause: \"§1(c)\"\n        allow: episode.risk\n"
                      "        when: {risk_at_least: high}\n"));
  EXPECT_TRUE(loaded.ok());
  return Decide(*loaded, kEvent, Police(), HostStaffs(), Now());
}

TEST(Explain, TableShowsEveryFieldWithItsFateAndClause) {
  const std::string table = ExplainTable(Decided());
  EXPECT_NE(table.find("ALLOWED under ISA-TEST-2026 §1 (purpose safeguarding)"), std::string::npos)
      << table;
  EXPECT_NE(table.find("/child/forename"), std::string::npos);
  EXPECT_NE(table.find("masked (postcode_district)"), std::string::npos);
  EXPECT_NE(table.find("ISA-TEST-2026 §1(b)"), std::string::npos);
  EXPECT_NE(table.find("no_rule"), std::string::npos);
  EXPECT_NE(table.find("condition failed: risk_at_least"), std::string::npos);
  // It explains; it never shows the data.
  EXPECT_EQ(table.find("Alex"), std::string::npos);
  EXPECT_EQ(table.find("ST1 2AB"), std::string::npos);
}

TEST(Explain, TableShowsARefusal) {
  auto loaded = LoadOne(TestIsa("      - allow: header\n"));
  ASSERT_TRUE(loaded.ok());
  const std::string table = ExplainTable(Decide(*loaded, kEvent, HostStaffs(), Police(), Now()));
  EXPECT_NE(table.find("REFUSED (no_flow)"), std::string::npos) << table;
}

TEST(Explain, JsonListsFieldsAndRedactionWithholdings) {
  const Decision decision = Decided();
  RedactedCopy redacted;
  redacted.withheld.push_back({"/child/home/postcode", "not_transformable"});
  const json out = ExplainJson(decision, &redacted);
  EXPECT_EQ(out["allowed"], true);
  EXPECT_EQ(out["flows"][0]["clause"], "ISA-TEST-2026 §1");
  EXPECT_EQ(out["policy_set_hash"], decision.policy_set_hash);
  ASSERT_EQ(out["fields"].size(), 4u);
  EXPECT_EQ(out["fields"][0], json::parse(R"json({"pointer": "/child/forename",
      "path": "child.forename", "fate": "sent", "clause": "ISA-TEST-2026 §1(a)"})json"));
  EXPECT_EQ(out["fields"][1]["mask"], "postcode_district");
  EXPECT_EQ(out["fields"][3]["fate"], "withheld_condition");
  EXPECT_EQ(out["fields"][3]["note"], "risk_at_least");
  EXPECT_EQ(out["withheld_at_redaction"][0]["reason"], "not_transformable");
  EXPECT_EQ(out.dump().find("Alex"), std::string::npos);
}

}  // namespace
}  // namespace isagw::policy
