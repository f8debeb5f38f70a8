#include "gateway/audit/subject_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audit_test_util.h"

namespace isagw::audit {
namespace {

using namespace test_util;

class SubjectReportTest : public ::testing::Test {
 protected:
  void SetUp() override { BuildStore(path_, 5, {5}, TestSigner()); }

  std::vector<SubjectDisclosure> Report(const ChildPseudonym& child) {
    auto report = SubjectDisclosures(path_, child);
    EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().detail);
    return report.ok() ? *report : std::vector<SubjectDisclosure>{};
  }

  ScratchDir dir_;
  std::filesystem::path path_ = dir_ / "gateway.db";
  ChildPseudonymizer pseudonyms_{TestAuditKey()};
};

TEST_F(SubjectReportTest, ListsOnlyTheChildsDisclosuresOldestFirst) {
  // Messages 1, 3, 5 are about child A; 2 and 4 about child B.
  const auto a = Report(pseudonyms_.OfNhsNumber(kNhsNumber));
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].message_id, "m-1001");
  EXPECT_EQ(a[1].message_id, "m-1003");
  EXPECT_EQ(a[2].message_id, "m-1005");
  EXPECT_EQ(a[0].seq, 2);
  EXPECT_EQ(a[0].at, Base() + std::chrono::minutes(1));
  EXPECT_EQ(a[0].recipient, "la-derby");
  EXPECT_EQ(a[0].sender, "police-derbys");
  EXPECT_EQ(a[0].flow.isa_id, "isa-derby-2026");
  EXPECT_EQ(a[0].flow.clause, "flows.police_to_host_la");
  ASSERT_EQ(a[0].fields_sent.size(), 3u);
  EXPECT_EQ(a[0].fields_sent[1].pointer, "/child/nhs_number");
  EXPECT_EQ(a[0].fields_sent[1].fate, "pseudonymised");
  ASSERT_EQ(a[0].fields_withheld.size(), 2u);
  EXPECT_EQ(a[0].fields_withheld[0].reason, "consent");

  const auto b = Report(pseudonyms_.OfCouncilPerson("860", "LCS-778812"));
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].message_id, "m-1002");
}

TEST_F(SubjectReportTest, FindsAChildByAnyIdentifierTheRecordHad) {
  EXPECT_EQ(Report(pseudonyms_.OfPoliceRef(kPoliceRef)).size(), 3u);
  EXPECT_EQ(Report(pseudonyms_.OfPoliceRef("st/21/2026/000777")).size(), 2u);
  EXPECT_TRUE(Report(pseudonyms_.OfNhsNumber("4010232137")).empty());
  // Another audit key, another pseudonym: nothing found.
  EXPECT_TRUE(Report(ChildPseudonymizer(TestAuditKey(8)).OfNhsNumber(kNhsNumber)).empty());
}

TEST_F(SubjectReportTest, AnUnreadableDisclosureFailsTheReportNamingItsSeq) {
  {
    auto db = store::SqliteDatabase::Open(path_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Execute("UPDATE audit SET body = replace(body, '\"fields_sent\"', '\"x\"')"
                            " WHERE seq = 6")
                    .ok());
  }
  auto report = SubjectDisclosures(path_, pseudonyms_.OfNhsNumber(kNhsNumber));
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().detail.find("entry 6"), std::string::npos);
}

TEST_F(SubjectReportTest, RendersATableForPeople) {
  const std::string table = RenderTable(Report(pseudonyms_.OfNhsNumber(kNhsNumber)));
  EXPECT_EQ(table.rfind("3 disclosures\n", 0), 0u);
  EXPECT_NE(table.find("SEQ"), std::string::npos);
  EXPECT_NE(table.find("2026-11-22T21:42:00Z"), std::string::npos);
  EXPECT_NE(table.find("/episode/circumstances  withheld_condition  (fields.episode.circumstances)"
                       "  consent"),
            std::string::npos);
  EXPECT_EQ(RenderTable({}), "0 disclosures\n");
}

TEST_F(SubjectReportTest, RendersCsvWithOneRowPerDisclosure) {
  auto rows = Report(pseudonyms_.OfNhsNumber(kNhsNumber));
  rows[0].flow.clause = "clause, with \"quotes\"";
  const std::string csv = RenderCsv(rows);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  EXPECT_EQ(csv.rfind("seq,at,message_id,", 0), 0u);
  EXPECT_NE(csv.find("\"clause, with \"\"quotes\"\"\""), std::string::npos);
  EXPECT_NE(csv.find("/child/forename=sent;/child/nhs_number=pseudonymised;"), std::string::npos);
}

TEST_F(SubjectReportTest, RendersJsonThatReadsBack) {
  const auto entries =
      nlohmann::json::parse(RenderJson(Report(pseudonyms_.OfNhsNumber(kNhsNumber))));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0]["message_id"], "m-1001");
  EXPECT_EQ(entries[0]["isa"], "isa-derby-2026");
  EXPECT_EQ(entries[0]["fields_withheld"][1]["fate"], "no_rule");
  EXPECT_EQ(entries[0]["at"], "2026-11-22T21:42:00Z");
}

TEST_F(SubjectReportTest, NoPersonalValueReachesTheAuditTable) {
  auto log = SqliteAuditLog::Open(path_);
  ASSERT_TRUE(log.ok());
  int rows = 0;
  ASSERT_TRUE(log->ForEachEntry([&](const AuditRow& row) {
                   ++rows;
                   for (const char* value :
                        {kForename, kSurname, kNarrative, kNhsNumber, kPoliceRef, "LCS-778812"}) {
                     EXPECT_EQ(row.body.find(value), std::string::npos) << "entry " << row.seq;
                   }
                   return true;
                 })
                  .ok());
  EXPECT_EQ(rows, 10);
}

}  // namespace
}  // namespace isagw::audit
