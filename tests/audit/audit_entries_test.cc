#include "gateway/audit/audit_entries.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audit_test_util.h"
#include "gateway/audit/body_json.h"
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
  EXPECT_EQ(body["fields_sent"][0]["pointers"][0], "/child/forename");
  EXPECT_EQ(body["fields_withheld"][0]["fate"], "withheld_condition");
  EXPECT_EQ(body["fields_withheld"][0]["clause"], "fields.episode.circumstances");
  EXPECT_FALSE(body["fields_withheld"][1].contains("clause"));
  EXPECT_TRUE(body["record_hash"].get<std::string>().starts_with("blake2b-256-keyed:"));
  EXPECT_TRUE(body["sent_hash"].get<std::string>().starts_with("blake2b-256:"));
  EXPECT_EQ(body["isa"], "isa-derby-2026");
  EXPECT_EQ(body["child_aliases"].size(), 1u);
}

// The members every version has, as a JSON document.
json CommonMembers(const DisclosureEntry& entry, int version) {
  json body = {{"v", version},
               {"message_id", entry.message_id},
               {"delivery_id", entry.delivery_id},
               {"sender", entry.sender},
               {"recipient", entry.recipient},
               {"event_kind", entry.event_kind},
               {"format", entry.format},
               {"isa", entry.flow.isa_id},
               {"flow", entry.flow.clause},
               {"record_hash", entry.record_hash},
               {"sent_hash", entry.sent_hash},
               {"sent_size", entry.sent_size},
               {"policy_set", entry.policy_set_hash}};
  PutChild(body, entry.child);
  if (!entry.other_flows.empty()) {
    json flows = json::array();
    for (const FlowClause& flow : entry.other_flows) {
      flows.push_back({{"isa", flow.isa_id}, {"flow", flow.clause}});
    }
    body["other_flows"] = std::move(flows);
  }
  return body;
}

// A version 1 body, one object a field, as entries were written until
// 2026-12: dumped by DumpBody, as they then were.
std::string VersionOneBody(const DisclosureEntry& entry) {
  json body = CommonMembers(entry, 1);
  json sent = json::array();
  for (const SentField& field : entry.fields_sent) {
    sent.push_back({{"pointer", field.pointer}, {"fate", field.fate}, {"clause", field.clause}});
  }
  body["fields_sent"] = std::move(sent);
  json withheld = json::array();
  for (const WithheldField& field : entry.fields_withheld) {
    json item = {{"pointer", field.pointer}, {"fate", field.fate}, {"reason", field.reason}};
    if (!field.clause.empty()) item["clause"] = field.clause;
    withheld.push_back(std::move(item));
  }
  body["fields_withheld"] = std::move(withheld);
  return DumpBody(body);
}

// The version 2 body as a JSON document dumped by DumpBody, built apart
// from BodyWriter and its runs: a new run starts wherever a field's
// clause or fate (or reason) differs from the one before it.
std::string VersionTwoBody(const DisclosureEntry& entry) {
  json body = CommonMembers(entry, 2);
  json sent = json::array();
  for (std::size_t i = 0; i < entry.fields_sent.size(); ++i) {
    const SentField& f = entry.fields_sent[i];
    if (i == 0 || f.clause != entry.fields_sent[i - 1].clause ||
        f.fate != entry.fields_sent[i - 1].fate) {
      sent.push_back({{"clause", f.clause}, {"fate", f.fate}, {"pointers", json::array()}});
    }
    sent.back()["pointers"].push_back(f.pointer);
  }
  body["fields_sent"] = std::move(sent);
  json withheld = json::array();
  for (std::size_t i = 0; i < entry.fields_withheld.size(); ++i) {
    const WithheldField& f = entry.fields_withheld[i];
    const WithheldField* before = i == 0 ? nullptr : &entry.fields_withheld[i - 1];
    if (before == nullptr || f.clause != before->clause || f.fate != before->fate ||
        f.reason != before->reason) {
      json run = {{"fate", f.fate}, {"reason", f.reason}, {"pointers", json::array()}};
      if (!f.clause.empty()) run["clause"] = f.clause;
      withheld.push_back(std::move(run));
    }
    withheld.back()["pointers"].push_back(f.pointer);
  }
  body["fields_withheld"] = std::move(withheld);
  return DumpBody(body);
}

// Runs of every length, interleaved, with everything that needs escaping.
DisclosureEntry EntryWithRuns() {
  DisclosureEntry entry = Sample();
  entry.other_flows = {{"isa-staffs-2026", "flows.placing_la"}, {"isa-\"q\"", "f\\"}};
  entry.fields_sent.push_back({"/rhi/with_whom/0/name", "pseudonymised", "fields.é.ünïcode"});
  entry.fields_sent.push_back({"/rhi/with_whom/1/name", "pseudonymised", "fields.é.ünïcode"});
  entry.fields_sent.push_back({"/tab\there", "sent", "new\nline \x01 \x7f"});
  entry.fields_sent.push_back({"/x", "sent", "fields.child.forename"});
  entry.fields_sent.push_back({"/y", "sent", "fields.child.forename"});
  entry.fields_withheld.push_back({"/bad\xff\xfeutf8", "no_rule", "", "not a field"});
  entry.fields_withheld.push_back({"/c", "no_rule", "", "not a field"});
  entry.fields_withheld.push_back({"/d", "no_rule", "", "another reason"});
  entry.child.push_back(entry.child.front());
  entry.sent_size = -42;
  entry.message_id.clear();
  return entry;
}

TEST(DisclosureEntry, IsWrittenWithTheBytesADocumentDumpGives) {
  DisclosureEntry entry = Sample();
  EXPECT_EQ(ToAuditRecord(entry).body_json, VersionTwoBody(entry));
  entry = EntryWithRuns();
  EXPECT_EQ(ToAuditRecord(entry).body_json, VersionTwoBody(entry));
  entry.child.clear();
  entry.fields_sent.clear();
  entry.fields_withheld.clear();
  entry.other_flows.clear();
  EXPECT_EQ(ToAuditRecord(entry).body_json, VersionTwoBody(entry));
}

TEST(DisclosureEntry, WritesEachRunOfAClauseAndFateOnce) {
  const json body = json::parse(ToAuditRecord(EntryWithRuns()).body_json);
  EXPECT_EQ(body["v"], 2);
  // Sample's three fields are three runs (each has a clause of its own);
  // the two names, the tab and the pair /x, /y make three more.
  const json& sent = body["fields_sent"];
  ASSERT_EQ(sent.size(), 6u);
  EXPECT_EQ(sent[3]["pointers"], json::array({"/rhi/with_whom/0/name", "/rhi/with_whom/1/name"}));
  EXPECT_EQ(sent[5]["pointers"], json::array({"/x", "/y"}));
  const json& withheld = body["fields_withheld"];
  ASSERT_EQ(withheld.size(), 4u);
  EXPECT_EQ(withheld[2]["pointers"], json::array({"/bad\xef\xbf\xbd\xef\xbf\xbdutf8", "/c"}));
  EXPECT_FALSE(withheld[2].contains("clause"));
  EXPECT_EQ(withheld[3]["reason"], "another reason");
}

TEST(DisclosureEntry, ReadsRunsBackAsTheFieldsInTheirOrder) {
  DisclosureEntry entry = EntryWithRuns();
  // What the strict reader refuses: invalid UTF-8 and control characters.
  entry.fields_withheld.erase(entry.fields_withheld.begin() + 2);
  entry.fields_sent[5].clause = "new\nline\t";
  auto parsed = ParseDisclosure(ToAuditRecord(entry).body_json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().front().pointer;
  EXPECT_EQ(*parsed, entry);
}

TEST(DisclosureEntry, StillReadsVersionOneBodies) {
  DisclosureEntry entry = Sample();
  entry.other_flows = {{"isa-staffs-2026", "flows.placing_la"}};
  auto parsed = ParseDisclosure(VersionOneBody(entry));
  ASSERT_TRUE(parsed.ok()) << parsed.error().front().pointer;
  EXPECT_EQ(*parsed, entry);
}

TEST(DisclosureEntry, ParseNamesEachBadPointerOfARun) {
  std::string body = ToAuditRecord(Sample()).body_json;
  const std::string first = R"("pointers":["/child/forename"])";
  ASSERT_NE(body.find(first), std::string::npos);
  body.replace(body.find(first), first.size(), R"("pointers":["/a",7])");
  const std::string no_rule = R"("pointers":["/child/surname"])";
  ASSERT_NE(body.find(no_rule), std::string::npos);
  body.replace(body.find(no_rule), no_rule.size(), R"("pointers":[])");
  auto parsed = ParseDisclosure(body);
  ASSERT_FALSE(parsed.ok());
  std::vector<std::string> pointers;
  for (const FieldError& e : parsed.error()) pointers.push_back(e.pointer);
  EXPECT_EQ(pointers,
            (std::vector<std::string>{"/fields_sent/0/pointers/1", "/fields_withheld/1/pointers"}));
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
  body.replace(body.find("\"v\":2"), 5, "\"v\":3");
  EXPECT_FALSE(ParseDisclosure(body).ok());
}

// The message_accepted body as it was built before BodyWriter: a JSON
// document dumped by DumpBody. Entries written since must have exactly
// these bytes.
std::string AcceptedAsDocument(const MessageAcceptedEntry& entry) {
  json body = {{"v", 1},
               {"message_id", entry.message_id},
               {"sender", entry.sender},
               {"format", entry.format},
               {"event_kind", entry.event_kind},
               {"record_hash", entry.record_hash},
               {"received_hash", entry.received_hash},
               {"received_size", entry.received_size},
               {"recipients", entry.recipients}};
  PutChild(body, entry.child);
  if (!entry.dropped_unknown.empty()) body["dropped_unknown"] = entry.dropped_unknown;
  return DumpBody(body);
}

TEST(AuditEntries, MessageAcceptedIsWrittenWithTheBytesADocumentDumpGives) {
  const ChildPseudonymizer p(TestAuditKey());
  MessageAcceptedEntry entry{"m-1",
                             "police-derbys",
                             "compact",
                             "missing_reported",
                             p.All(ChildA()),
                             "blake2b-256-keyed:00",
                             "blake2b-256:11",
                             42,
                             {"la-derby", "la-staffordshire"},
                             {"/Nickname"}};
  ASSERT_GT(entry.child.size(), 1U) << "the sample has aliases";
  EXPECT_EQ(ToAuditRecord(entry).body_json, AcceptedAsDocument(entry));
  // Everything that needs escaping, no child, nothing dropped, no recipient.
  entry.message_id = "m-\"q\"\\\n\x01\x7f é";
  entry.sender = "bad\xff\xfeutf8";
  entry.received_size = -7;
  entry.child.clear();
  entry.dropped_unknown.clear();
  entry.recipients.clear();
  EXPECT_EQ(ToAuditRecord(entry).body_json, AcceptedAsDocument(entry));
  entry.child = p.All(ChildA());
  entry.child.erase(entry.child.begin() + 1, entry.child.end());
  entry.dropped_unknown = {"/a", "/b~1c"};
  EXPECT_EQ(ToAuditRecord(entry).body_json, AcceptedAsDocument(entry));
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
