#include "gateway/audit/audit_entries.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audit_test_util.h"
#include "gateway/audit/disclosure_entry.h"

namespace isagw::audit {
namespace {

using namespace test_util;
using nlohmann::json;

void ExpectNoPersonalData(const std::string& text) {
  for (const char* value :
       {kForename, kSurname, kNarrative, kNhsNumber, kPoliceRef, "LCS-778812"}) {
    EXPECT_EQ(text.find(value), std::string::npos) << "the audit holds a personal value";
  }
}

DisclosureEntry Sample() {
  const ChildPseudonymizer pseudonyms(TestAuditKey());
  return SampleDisclosure("m-1", pseudonyms.All(ChildA()), CanonicalRecord(kPoliceRef),
                          "<Forename>Zephyrine</Forename>");
}

TEST(ChildPseudonym, IsStableForOneKeyAndDiffersAcrossKeys) {
  const ChildPseudonymizer one(TestAuditKey(1));
  const ChildPseudonymizer again(TestAuditKey(1));
  const ChildPseudonymizer other(TestAuditKey(2));
  EXPECT_EQ(one.OfNhsNumber(kNhsNumber), again.OfNhsNumber(kNhsNumber));
  EXPECT_NE(one.OfNhsNumber(kNhsNumber), other.OfNhsNumber(kNhsNumber));
  EXPECT_TRUE(ChildPseudonym::Parse(one.OfNhsNumber(kNhsNumber).str()).has_value());
  EXPECT_TRUE(one.OfNhsNumber(kNhsNumber).str().starts_with("cp:"));
  EXPECT_EQ(one.OfNhsNumber(kNhsNumber).str().size(), 3u + 32u);
}

TEST(ChildPseudonym, IgnoresSpacingAndCaseThatDoNotChangeTheIdentifier) {
  const ChildPseudonymizer p(TestAuditKey());
  EXPECT_EQ(p.OfNhsNumber("943 476 5919"), p.OfNhsNumber(kNhsNumber));
  EXPECT_EQ(p.OfNhsNumber("943-476-5919"), p.OfNhsNumber(kNhsNumber));
  EXPECT_EQ(p.OfPoliceRef("db/21/2026/004512"), p.OfPoliceRef(kPoliceRef));
  EXPECT_EQ(p.OfCouncilPerson(" 860", "LCS-778812 "), p.OfCouncilPerson("860", "LCS-778812"));
  EXPECT_NE(p.OfCouncilPerson("860", "LCS-778812"), p.OfCouncilPerson("831", "LCS-778812"));
}

TEST(ChildPseudonym, KeepsIdentifierKindsApartEvenWithTheSameText) {
  const ChildPseudonymizer p(TestAuditKey());
  EXPECT_NE(p.OfNhsNumber("1234567890"), p.OfPoliceRef("1234567890"));
  EXPECT_NE(p.OfPoliceRef("860:X"), p.OfCouncilPerson("860", "X"));
}

TEST(ChildPseudonym, PrimaryPrefersNhsThenCouncilThenPolice) {
  const ChildPseudonymizer p(TestAuditKey());
  ChildIdentifiers ids;
  EXPECT_FALSE(p.Primary(ids).has_value());
  ids.police_refs = {kPoliceRef, "ST/21/2026/000777"};
  EXPECT_EQ(p.Primary(ids), p.OfPoliceRef(kPoliceRef));
  ids.council_person = ChildIdentifiers::CouncilPerson{"860", "LCS-1"};
  EXPECT_EQ(p.Primary(ids), p.OfCouncilPerson("860", "LCS-1"));
  ids.nhs_number = kNhsNumber;
  EXPECT_EQ(p.Primary(ids), p.OfNhsNumber(kNhsNumber));
  const auto all = p.All(ids);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all.front(), *p.Primary(ids));
}

TEST(ChildPseudonym, ParseRefusesAnythingButTheExactShape) {
  EXPECT_FALSE(ChildPseudonym::Parse("cp:").has_value());
  EXPECT_FALSE(ChildPseudonym::Parse("cp:" + std::string(32, 'A')).has_value());
  EXPECT_FALSE(ChildPseudonym::Parse("xx:" + std::string(32, 'a')).has_value());
  EXPECT_FALSE(ChildPseudonym::Parse("cp:" + std::string(31, 'a')).has_value());
  EXPECT_TRUE(ChildPseudonym::Parse("cp:" + std::string(32, 'a')).has_value());
}

TEST(ChildPseudonym, TakesIdentifiersFromAnEvent) {
  model::Event event;
  event.child.nhs_number = kNhsNumber;
  event.child.council_person_id = model::CouncilPersonId{"860", "LCS-778812"};
  event.episode.police_ref = kPoliceRef;
  event.rhi = model::ReturnHomeInterview{};
  event.rhi->police_refs = {"ST/21/2026/000777"};
  const ChildIdentifiers ids = IdentifiersOf(event);
  EXPECT_EQ(ids.nhs_number, std::optional<std::string>(kNhsNumber));
  ASSERT_TRUE(ids.council_person.has_value());
  EXPECT_EQ(ids.council_person->la, "860");
  EXPECT_EQ(ids.police_refs, (std::vector<std::string>{kPoliceRef, "ST/21/2026/000777"}));
}

TEST(DisclosureEntry, ReadsBackExactlyWhatWasWritten) {
  DisclosureEntry entry = Sample();
  entry.other_flows = {{"isa-staffs-2026", "flows.placing_la"}};
  const store::AuditRecord record = ToAuditRecord(entry);
  EXPECT_EQ(record.kind, "disclosure");
  auto parsed = ParseDisclosure(record.body_json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().front().pointer;
  EXPECT_EQ(*parsed, entry);
}

TEST(DisclosureEntry, HoldsPointersFatesAndHashesButNoValue) {
  const store::AuditRecord record = ToAuditRecord(Sample());
  ExpectNoPersonalData(record.body_json);
  const json body = json::parse(record.body_json);
  EXPECT_EQ(body["fields_sent"][0]["pointer"], "/child/forename");
  EXPECT_EQ(body["fields_withheld"][0]["fate"], "withheld_condition");
  EXPECT_EQ(body["fields_withheld"][0]["clause"], "fields.episode.circumstances");
  EXPECT_FALSE(body["fields_withheld"][1].contains("clause"));
  EXPECT_TRUE(body["record_hash"].get<std::string>().starts_with("blake2b-256-keyed:"));
  EXPECT_TRUE(body["sent_hash"].get<std::string>().starts_with("blake2b-256:"));
  EXPECT_EQ(body["isa"], "isa-derby-2026");
  EXPECT_EQ(body["child_aliases"].size(), 1u);
}

TEST(DisclosureEntry, TheSameEntryAlwaysHasTheSameBytes) {
  EXPECT_EQ(ToAuditRecord(Sample()).body_json, ToAuditRecord(Sample()).body_json);
}

TEST(DisclosureEntry, RecordHashProvesWhichRecordWithTheKeyOnly) {
  const std::string record = CanonicalRecord(kPoliceRef);
  EXPECT_EQ(RecordHash(TestAuditKey(), record), RecordHash(TestAuditKey(), record));
  // Without the key nobody can confirm a guess: another key, another hash.
  EXPECT_NE(RecordHash(TestAuditKey(1), record), RecordHash(TestAuditKey(2), record));
  EXPECT_NE(RecordHash(TestAuditKey(), record), RecordHash(TestAuditKey(), record + " "));
  // The keyed record hash is not the plain hash with a different label.
  EXPECT_NE(RecordHash(TestAuditKey(), record).substr(18), BytesHash(record).substr(12));
}

TEST(DisclosureEntry, ParseNamesEveryMissingOrMistypedMember) {
  auto parsed = ParseDisclosure(
      R"({"v":1,"message_id":7,"fields_sent":[{"pointer":"/a","fate":"sent"}],"child":"Alex"})");
  ASSERT_FALSE(parsed.ok());
  std::vector<std::string> pointers;
  for (const FieldError& e : parsed.error()) pointers.push_back(e.pointer);
  const auto has = [&](const std::string& p) {
    return std::find(pointers.begin(), pointers.end(), p) != pointers.end();
  };
  EXPECT_TRUE(has("/message_id"));
  EXPECT_TRUE(has("/recipient"));
  EXPECT_TRUE(has("/fields_sent/0/clause"));
  EXPECT_TRUE(has("/fields_withheld"));
  EXPECT_TRUE(has("/child"));
  for (const FieldError& e : parsed.error()) EXPECT_EQ(e.reason.find("Alex"), std::string::npos);
}

TEST(DisclosureEntry, ParseRefusesAnotherVersion) {
  std::string body = ToAuditRecord(Sample()).body_json;
  body.replace(body.find("\"v\":1"), 5, "\"v\":2");
  EXPECT_FALSE(ParseDisclosure(body).ok());
}

TEST(AuditEntries, EachKindHasItsNameAndAVersionedBody) {
  const ChildPseudonymizer p(TestAuditKey());
  MessageAcceptedEntry accepted{
      "m-1",           "police-derbys",        "compact",        "missing_reported",
      p.All(ChildA()), "blake2b-256-keyed:00", "blake2b-256:11", 42,
      {"la-derby"},    {"/Nickname"}};
  MessageRejectedEntry rejected{
      "police-derbys",  "compact", 422, "validation", {{"/NHSNumber", "nhs_checksum"}},
      "blake2b-256:22", 17};
  DeliveryAttemptEntry attempt{"d-1",   "m-1", "la-derby", 3,
                               "retry", 503,   "http_5xx", Base() + minutes(5)};
  const std::vector<std::pair<store::AuditRecord, std::string>> records = {
      {ToAuditRecord(HandshakeRefusedEntry{"revoked", "ab12", "la-derby", "192.0.2.7"}),
       "handshake_refused"},
      {ToAuditRecord(accepted), "message_accepted"},
      {ToAuditRecord(rejected), "message_rejected"},
      {ToAuditRecord(attempt), "delivery_attempt"},
      {MailboxReadRecord({"d-1", "m-1", "la-derby"}), "mailbox_read"},
      {MailboxAckRecord({"d-1", "m-1", "la-derby"}), "mailbox_ack"},
      {ToAuditRecord(
           ConfigReloadedEntry{"policies", "applied", "blake2b-256:aa", "blake2b-256:bb", 0}),
       "config_reloaded"},
      {ToAuditRecord(KeyRotatedEntry{"payload", "isa-derby-2026", "added", "2026-12", "2026-01"}),
       "key_rotated"},
  };
  for (const auto& [record, kind] : records) {
    EXPECT_EQ(record.kind, kind);
    const json body = json::parse(record.body_json);
    EXPECT_EQ(body["v"], 1) << kind;
    ExpectNoPersonalData(record.body_json);
  }
  const json accepted_body = json::parse(records[1].first.body_json);
  EXPECT_EQ(accepted_body["child"], p.OfNhsNumber(kNhsNumber).str());
  EXPECT_EQ(accepted_body["dropped_unknown"][0], "/Nickname");
  const json rejected_body = json::parse(records[2].first.body_json);
  EXPECT_EQ(rejected_body["errors"][0]["code"], "nhs_checksum");
  EXPECT_EQ(rejected_body["status"], 422);
  const json attempt_body = json::parse(records[3].first.body_json);
  EXPECT_EQ(attempt_body["next_attempt_at"], "2026-11-22T21:46:00Z");
  EXPECT_EQ(attempt_body["http_status"], 503);
}

TEST(AuditEntries, AnIdThatIsNotUtf8IsReplacedNotThrown) {
  const store::AuditRecord record = MailboxReadRecord({"d-\xff", "m-1", "la-derby"});
  EXPECT_TRUE(json::accept(record.body_json));
}

}  // namespace
}  // namespace isagw::audit
