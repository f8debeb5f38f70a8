// GatewayConsoleData: the console's facts from a real SQLite store filled
// through the pipeline with the example deployment, read back through a
// SqliteAuditLog on the same file as the gateway opens it. What an auditor
// finds (their agency's disclosures only, by child, recipient and UK
// calendar period), that every search and replay and report is in the
// audit before anything is shown, and the problems a person sees instead.
#include "gateway/app/console_data.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "gateway/audit/child_pseudonym.h"
#include "gateway/audit/signing_key.h"
#include "gateway/audit/sqlite_audit_log.h"
#include "gateway/common/clock.h"
#include "gateway/delivery/non_delivery_notice.h"
#include "gateway/pipeline/timer_worker.h"
#include "gateway/reports/report_runner.h"
#include "gateway/reports/reports.h"
#include "gateway/safeguarding/rules_loader.h"
#include "tests/common/timestamp_literal.h"
#include "tests/pipeline/pipeline_fixture.h"
#include "tests/support/forwarding_store.h"

namespace isagw::app {
namespace {

using ::isagw::testing::At;

using namespace std::chrono_literals;
using nlohmann::json;
using pipeline::IngestRequest;
using pipeline::testing::ReadJson;

// Child A: placed by Staffordshire (LA 860), missing in Derby; reported by
// Derbyshire police, so its records go to la-derby and la-staffordshire.
constexpr const char* kChildANhs = "9990000026";
constexpr const char* kChildARef = "DB/21/2026/000001";
// Child B: a Stoke child (LA 861) reported by Staffordshire police.
constexpr const char* kChildBNhs = "9990000034";

// A store whose writes and console reads can be made to fail, the rest
// real: a database that went away under the console.
class FailingStore final : public isagw::testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  bool fail_audit = false;
  bool fail_reads = false;

  Result<Ok, store::StoreError> RecordAudit(const std::vector<store::AuditRecord>& records,
                                            model::Timestamp at) override {
    if (fail_audit) return Down();
    return inner_.RecordAudit(records, at);
  }
  Result<std::vector<store::RecipientQueue>, store::StoreError> ListRecipientQueues() override {
    if (fail_reads) return Down();
    return inner_.ListRecipientQueues();
  }
  Result<std::vector<store::DeadLetter>, store::StoreError> ListDeadLetters(
      std::size_t limit) override {
    if (fail_reads) return Down();
    return inner_.ListDeadLetters(limit);
  }
  Result<std::vector<store::UrgentCopy>, store::StoreError> ListUrgentCopies(
      const std::string& recipient, model::Timestamp fired_since, std::size_t limit) override {
    if (fail_reads) return Down();
    return inner_.ListUrgentCopies(recipient, fired_since, limit);
  }
  Result<std::vector<store::CopyRecord>, store::StoreError> ListCopiesOfFormat(
      const std::string& format, std::size_t limit) override {
    if (fail_reads) return Down();
    return inner_.ListCopiesOfFormat(format, limit);
  }
  Result<Ok, store::StoreError> Ping() override {
    if (fail_reads) return Down();
    return inner_.Ping();
  }
  Result<std::string, store::StoreError> ReplayDeadLetter(
      const std::string& delivery_id, const std::string& new_id, model::Timestamp now,
      std::vector<store::AuditRecord> audit) override {
    if (fail_audit) return Down();
    return inner_.ReplayDeadLetter(delivery_id, new_id, now, std::move(audit));
  }

 private:
  static Unexpected<store::StoreError> Down() {
    return Fail(store::StoreError{store::StoreErrorKind::kBackend, "the database went away"});
  }
};

console::Viewer Auditor(const std::string& agency) {
  return {agency + "-auditor", "auditor", agency};
}
console::Viewer Coordinator(const std::string& agency) {
  return {agency + "-coordinator", "coordinator", agency};
}
console::Viewer Operator() { return {"gateway-operator", "operator", ""}; }

console::AuditQuery ByNhsNumber(const std::string& nhs) {
  console::AuditQuery query;
  query.identifier_kind = "nhs_number";
  query.identifier = nhs;
  query.format = "page";
  return query;
}
console::AuditQuery ByRecipient(const std::string& recipient) {
  console::AuditQuery query;
  query.recipient = recipient;
  query.format = "page";
  return query;
}
console::AuditQuery ByPeriod(const std::string& from, const std::string& to) {
  console::AuditQuery query;
  query.from = from;
  query.to = to;
  query.format = "page";
  return query;
}

class ConsoleDataTest : public pipeline::testing::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    if (HasFatalFailure()) return;
    failing_ = std::make_unique<FailingStore>(*store_);

    // Child A, missing just after midnight (UK) on 15 July, found late
    // (UK) on 16 July: 23:30 UTC is 00:30 and 23:30 BST.
    json missing = ReadJson("docs/examples/compact/missing-report.json");
    missing["ForceCode"] = "DERBYS";
    missing["OccurrenceRef"] = kChildARef;
    missing["NHSNumber"] = kChildANhs;
    missing["HomePostcode"] = "DE22 3AB";
    missing["ResponsibleLA"] = "860";
    missing["LastSeenLocation"] = "Derby bus station DE1 2AB";
    Send("police-derbys", missing, At("2026-07-14T23:30:00Z"));
    json found = missing;
    found["RecordType"] = "FOUND";
    found["RecordVersion"] = 2;
    found["FoundDateTime"] = "16/07/2026 09:00";
    found["FoundLocation"] = "Markeaton Park, Derby DE22 3BG";
    found["FoundBy"] = "POLICE";
    Send("police-derbys", found, At("2026-07-16T22:30:00Z"));

    // Child B, in Stoke, a few days later.
    json stoke = ReadJson("docs/examples/compact/missing-report.json");
    stoke["NHSNumber"] = kChildBNhs;
    Send("police-staffs", stoke, At("2026-07-20T12:00:00Z"));
  }

  void TearDown() override {
    console_.reset();
    failing_.reset();
    PipelineTest::TearDown();
  }

  void Send(const std::string& sender, const json& body, model::Timestamp at) {
    const auto answer = pipeline_->Submit(
        state(), IngestRequest{sender, adapters::Format::kCompact, body.dump(), std::nullopt, at});
    ASSERT_EQ(answer.status, 202) << answer.body.dump();
  }

  // The console over the store (or the failing wrapper), with the audit
  // log opened on the same file as OpenAuditLog would.
  GatewayConsoleData& Console(bool with_audit_log = true, bool through_failing = false,
                              std::vector<audit::PublicKey> trusted = {}) {
    ConsoleDataSources sources;
    sources.store = through_failing ? static_cast<store::Store*>(failing_.get()) : store_.get();
    sources.state = [] { return *state_; };
    sources.now = [this] { return now_; };
    sources.circuit = [this](const std::string& recipient) {
      asked_circuit_.push_back(recipient);
      return recipient == "la-bradford" ? std::string("open") : std::string("half_open");
    };
    sources.policy_history = [] {
      return std::vector<console::PolicyEvent>{{"2026-11-23T09:00:00Z", "applied", "h2"},
                                               {"2026-11-22T08:00:00Z", "loaded", "h1"}};
    };
    if (with_audit_log) {
      auto log = audit::SqliteAuditLog::Open(path_);
      EXPECT_TRUE(log.ok());
      if (log.ok()) sources.audit_log = std::make_unique<audit::SqliteAuditLog>(std::move(*log));
    }
    sources.trusted_keys = std::move(trusted);
    console_ = std::make_unique<GatewayConsoleData>(std::move(sources));
    return *console_;
  }

  // The bodies of the audit's entries of `kind`, oldest first.
  std::vector<json> Bodies(const std::string& kind) {
    auto db = store::SqliteDatabase::Open(path_);
    EXPECT_TRUE(db.ok());
    auto q = db->Prepare("SELECT body FROM audit WHERE kind = ?1 ORDER BY seq");
    EXPECT_TRUE(q.ok());
    q->Bind(1, std::string_view(kind));
    std::vector<json> bodies;
    while (*q->Step()) bodies.push_back(json::parse(q->ColumnText(0)));
    return bodies;
  }
  std::vector<std::string> RawBodies() {
    auto db = store::SqliteDatabase::Open(path_);
    auto q = db->Prepare("SELECT body FROM audit ORDER BY seq");
    std::vector<std::string> bodies;
    while (*q->Step()) bodies.push_back(q->ColumnText(0));
    return bodies;
  }
  std::string LastKind() {
    auto db = store::SqliteDatabase::Open(path_);
    auto q = db->Prepare("SELECT kind FROM audit ORDER BY seq DESC LIMIT 1");
    EXPECT_TRUE(*q->Step());
    return q->ColumnText(0);
  }
  void Sql(const std::string& sql) {
    auto db = store::SqliteDatabase::Open(path_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Execute(sql).ok()) << sql;
  }

  std::string PseudonymOf(const std::string& nhs) const {
    return audit::ChildPseudonymizer(state().audit_key).OfNhsNumber(nhs).str();
  }

  // A pushed copy to `recipient`, committed as the pipeline would.
  store::Acceptance PushCopy(const std::string& id, const std::string& recipient,
                             store::DeliveryMode mode = store::DeliveryMode::kPush) {
    store::Acceptance a;
    a.message.id = id;
    a.message.sender = "police-wyp";
    a.message.idempotency_key = "key-" + id;
    a.message.format = "compact";
    a.message.kind = "missing_reported";
    a.message.police_ref = "WY/" + id;
    a.message.record_version = 1;
    a.message.received_at = now_;
    a.message.canonical_json = R"({"child":{"forename":"Zephyrine"}})";
    a.message.answer_json = R"({"message_id":")" + id + R"("})";
    a.deliveries.push_back(store::Delivery{
        id + "-" + recipient, id, recipient, recipient + "|WY/" + id, mode, "council-xml",
        "application/vnd.isagw.council+xml", "inbound", "<Forename>Zephyrine</Forename>"});
    a.audit.push_back(store::AuditRecord{"message_accepted", R"({"message_id":")" + id + R"("})"});
    return a;
  }

  // A copy to la-bradford given up on: its id.
  std::string DeadCopy() {
    EXPECT_TRUE(store_->Commit(PushCopy("m-wyp-1", "la-bradford")).ok());
    auto claimed = store_->ClaimDueDeliveries(now_, now_ + 30s, 10);
    EXPECT_TRUE(claimed.ok());
    EXPECT_EQ(claimed->size(), 1u);
    const std::string id = "m-wyp-1-la-bradford";
    EXPECT_TRUE(store_
                    ->RecordAttempt({store::AttemptOutcome::Kind::kDead,
                                     id,
                                     now_,
                                     {},
                                     "gave up after 5 days",
                                     {},
                                     {{"delivery_dead", "{}"}}})
                    .ok());
    return id;
  }

  model::Timestamp now_ = At("2026-12-07T10:00:00Z");
  std::vector<std::string> asked_circuit_;
  std::unique_ptr<FailingStore> failing_;
  std::unique_ptr<GatewayConsoleData> console_;
};

// --- SearchAudit ----------------------------------------------------------

TEST_F(ConsoleDataTest, AnAuditorFindsTheirAgencysDisclosuresOfAChildByNhsNumber) {
  auto found = Console().SearchAudit(Auditor("la-derby"), ByNhsNumber(kChildANhs));
  ASSERT_TRUE(found.ok()) << found.error().detail;
  // The missing report and the found report, each disclosed to Derby.
  ASSERT_EQ(found->disclosures.size(), 2u);
  EXPECT_FALSE(found->truncated);
  for (const auto& d : found->disclosures) {
    EXPECT_EQ(d.sender, "police-derbys");
    EXPECT_EQ(d.recipient, "la-derby");
  }
  EXPECT_LT(found->disclosures[0].at, found->disclosures[1].at);  // oldest first
  EXPECT_EQ(found->disclosures[0].at, At("2026-07-14T23:30:00Z"));

  // Spaces and dashes as people type them.
  auto spaced = console_->SearchAudit(Auditor("la-derby"), ByNhsNumber("999-000 0026"));
  ASSERT_TRUE(spaced.ok());
  EXPECT_EQ(spaced->disclosures, found->disclosures);

  // Staffordshire's auditor sees the copies to Staffordshire, not Derby's.
  auto staffs = console_->SearchAudit(Auditor("la-staffordshire"), ByNhsNumber(kChildANhs));
  ASSERT_TRUE(staffs.ok());
  ASSERT_FALSE(staffs->disclosures.empty());
  for (const auto& d : staffs->disclosures) EXPECT_EQ(d.recipient, "la-staffordshire");

  // The sender's auditor sees every copy it sent, to whomever (the
  // provider's interview referral too).
  auto police = console_->SearchAudit(Auditor("police-derbys"), ByNhsNumber(kChildANhs));
  ASSERT_TRUE(police.ok());
  EXPECT_GT(police->disclosures.size(), found->disclosures.size() + staffs->disclosures.size());
  for (const auto& d : police->disclosures) EXPECT_EQ(d.sender, "police-derbys");
  for (const auto* mine : {&found->disclosures, &staffs->disclosures}) {
    for (const auto& d : *mine) {
      EXPECT_NE(std::find(police->disclosures.begin(), police->disclosures.end(), d),
                police->disclosures.end())
          << d.recipient;
    }
  }
}

TEST_F(ConsoleDataTest, AnAuditorOfAnUninvolvedAgencyFindsNothingAboutTheChild) {
  auto stoke = Console().SearchAudit(Auditor("la-stoke"), ByNhsNumber(kChildANhs));
  ASSERT_TRUE(stoke.ok()) << stoke.error().detail;
  EXPECT_TRUE(stoke->disclosures.empty());
  EXPECT_FALSE(stoke->truncated);
  // ...but does find its own child, whom Derby in turn does not.
  auto own = console_->SearchAudit(Auditor("la-stoke"), ByNhsNumber(kChildBNhs));
  ASSERT_TRUE(own.ok());
  ASSERT_FALSE(own->disclosures.empty());
  for (const auto& d : own->disclosures) EXPECT_EQ(d.recipient, "la-stoke");
  auto derby = console_->SearchAudit(Auditor("la-derby"), ByNhsNumber(kChildBNhs));
  ASSERT_TRUE(derby.ok());
  EXPECT_TRUE(derby->disclosures.empty());
}

TEST_F(ConsoleDataTest, ASearchByRecipientChoosesThatRecipientWithinTheViewersAgency) {
  GatewayConsoleData& console = Console();
  auto to_derby = console.SearchAudit(Auditor("la-derby"), ByRecipient("la-derby"));
  ASSERT_TRUE(to_derby.ok()) << to_derby.error().detail;
  ASSERT_EQ(to_derby->disclosures.size(), 2u);
  for (const auto& d : to_derby->disclosures) EXPECT_EQ(d.recipient, "la-derby");

  // Derbyshire's auditor asks for what it sent to Staffordshire only.
  auto police = console.SearchAudit(Auditor("police-derbys"), ByRecipient("la-staffordshire"));
  ASSERT_TRUE(police.ok());
  ASSERT_FALSE(police->disclosures.empty());
  for (const auto& d : police->disclosures) {
    EXPECT_EQ(d.recipient, "la-staffordshire");
    EXPECT_EQ(d.sender, "police-derbys");
  }

  // A recipient the viewer's agency had no part in sending to: nothing,
  // though the audit holds copies to it.
  auto other = console.SearchAudit(Auditor("la-derby"), ByRecipient("la-staffordshire"));
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->disclosures.empty());
  auto stoke = console.SearchAudit(Auditor("la-derby"), ByRecipient("la-stoke"));
  ASSERT_TRUE(stoke.ok());
  EXPECT_TRUE(stoke->disclosures.empty());
}

TEST_F(ConsoleDataTest, ASearchByPeriodTakesWholeUkDaysInclusive) {
  GatewayConsoleData& console = Console();
  // 23:30 UTC on 14 July is 00:30 on 15 July in London.
  auto fifteenth = console.SearchAudit(Auditor("la-derby"), ByPeriod("2026-07-15", "2026-07-15"));
  ASSERT_TRUE(fifteenth.ok()) << fifteenth.error().detail;
  ASSERT_EQ(fifteenth->disclosures.size(), 1u);
  EXPECT_EQ(fifteenth->disclosures[0].at, At("2026-07-14T23:30:00Z"));
  auto fourteenth = console.SearchAudit(Auditor("la-derby"), ByPeriod("2026-07-14", "2026-07-14"));
  ASSERT_TRUE(fourteenth.ok());
  EXPECT_TRUE(fourteenth->disclosures.empty());

  // `to` is inclusive: 23:30 BST on 16 July is in a period ending that day.
  auto to_sixteenth =
      console.SearchAudit(Auditor("la-derby"), ByPeriod("2026-07-16", "2026-07-16"));
  ASSERT_TRUE(to_sixteenth.ok());
  ASSERT_EQ(to_sixteenth->disclosures.size(), 1u);
  EXPECT_EQ(to_sixteenth->disclosures[0].at, At("2026-07-16T22:30:00Z"));

  auto both = console.SearchAudit(Auditor("la-derby"), ByPeriod("2026-07-01", "2026-07-31"));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->disclosures.size(), 2u);
  auto after = console.SearchAudit(Auditor("la-derby"), ByPeriod("2026-07-17", "2026-07-31"));
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->disclosures.empty());

  // Still the viewer's agency only: Stoke's child that month is not Derby's.
  for (const auto& d : both->disclosures) EXPECT_EQ(d.recipient, "la-derby");
  auto stoke = console.SearchAudit(Auditor("la-stoke"), ByPeriod("2026-07-01", "2026-07-31"));
  ASSERT_TRUE(stoke.ok());
  ASSERT_FALSE(stoke->disclosures.empty());
  for (const auto& d : stoke->disclosures) EXPECT_EQ(d.recipient, "la-stoke");
}

TEST_F(ConsoleDataTest, EveryConditionGivenMustHold) {
  console::AuditQuery query = ByNhsNumber(kChildANhs);
  query.from = "2026-07-16";
  query.to = "2026-07-16";
  query.recipient = "la-derby";
  auto found = Console().SearchAudit(Auditor("la-derby"), query);
  ASSERT_TRUE(found.ok()) << found.error().detail;
  ASSERT_EQ(found->disclosures.size(), 1u);
  EXPECT_EQ(found->disclosures[0].at, At("2026-07-16T22:30:00Z"));

  query.identifier = kChildBNhs;
  auto other_child = console_->SearchAudit(Auditor("la-derby"), query);
  ASSERT_TRUE(other_child.ok());
  EXPECT_TRUE(other_child->disclosures.empty());
}

TEST_F(ConsoleDataTest, AMalformedNhsNumberIsA400NamingTheFieldWithoutQuotingIt) {
  const std::size_t searches = Bodies("audit_searched").size();
  const std::string typed = "99900-0002";  // nine digits
  auto refused = Console().SearchAudit(Auditor("la-derby"), ByNhsNumber(typed));
  ASSERT_FALSE(refused.ok());
  const Problem& problem = refused.error();
  EXPECT_EQ(problem.status, 400);
  ASSERT_FALSE(problem.errors.empty());
  EXPECT_EQ(problem.errors[0].pointer, "/form/identifier");
  const std::string text = problem.ToJsonText();
  EXPECT_EQ(text.find(typed), std::string::npos) << text;
  EXPECT_EQ(text.find("999000002"), std::string::npos) << text;
  // Nothing was searched, so nothing is audited as a search.
  EXPECT_EQ(Bodies("audit_searched").size(), searches);

  for (const char* letters : {"99900000AB", "", "99900000261"}) {
    auto also = console_->SearchAudit(Auditor("la-derby"), ByNhsNumber(letters));
    ASSERT_FALSE(also.ok()) << letters;
    EXPECT_EQ(also.error().status, 400);
    ASSERT_FALSE(also.error().errors.empty());
    EXPECT_EQ(also.error().errors[0].pointer, "/form/identifier");
    if (*letters != '\0') {
      EXPECT_EQ(also.error().ToJsonText().find(letters), std::string::npos);
    }
  }
}

TEST_F(ConsoleDataTest, APeriodThatIsNotOneIsA400NamingTheForm) {
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"2026-07-20", "2026-07-10"}, {"2026-07-xx", "2026-07-31"}, {"2026-07-01", ""}}) {
    auto refused = Console().SearchAudit(Auditor("la-derby"), ByPeriod(from, to));
    ASSERT_FALSE(refused.ok()) << from << ".." << to;
    EXPECT_EQ(refused.error().status, 400);
    ASSERT_FALSE(refused.error().errors.empty());
    EXPECT_EQ(refused.error().errors[0].pointer.rfind("/form/", 0), 0u)
        << refused.error().errors[0].pointer;
  }
  EXPECT_TRUE(Bodies("audit_searched").empty());
}

TEST_F(ConsoleDataTest, EachSearchIsAuditedOnceWithThePseudonymNeverTheIdentifier) {
  GatewayConsoleData& console = Console();
  ASSERT_TRUE(Bodies("audit_searched").empty());
  const std::string typed = "999 000 0026";
  auto found = console.SearchAudit(Auditor("la-derby"), ByNhsNumber(typed));
  ASSERT_TRUE(found.ok()) << found.error().detail;
  ASSERT_EQ(LastKind(), "audit_searched");
  auto searches = Bodies("audit_searched");
  ASSERT_EQ(searches.size(), 1u);
  const json& body = searches[0];
  EXPECT_EQ(body["person"], "la-derby-auditor");
  EXPECT_EQ(body["agency"], "la-derby");
  EXPECT_EQ(body["via"], "console");
  EXPECT_EQ(body["subject"], PseudonymOf(kChildANhs));
  EXPECT_TRUE(body["subject"].get<std::string>().starts_with("cp:"));
  EXPECT_EQ(body["identifier"], "nhs_number");
  EXPECT_EQ(body["disclosures"], 2);
  EXPECT_EQ(body["truncated"], false);
  const std::string text = body.dump();
  EXPECT_EQ(text.find(kChildANhs), std::string::npos) << text;
  EXPECT_EQ(text.find(typed), std::string::npos) << text;
  EXPECT_EQ(text.find("0026"), std::string::npos) << text;

  // A search that finds nothing is still a search; one by period and
  // recipient names them, and no child.
  console::AuditQuery query = ByPeriod("2026-07-01", "2026-07-31");
  query.recipient = "la-derby";
  query.format = "csv";
  ASSERT_TRUE(console.SearchAudit(Auditor("la-derby"), query).ok());
  ASSERT_TRUE(console.SearchAudit(Auditor("la-stoke"), ByNhsNumber(kChildANhs)).ok());
  searches = Bodies("audit_searched");
  ASSERT_EQ(searches.size(), 3u);
  EXPECT_EQ(searches[1]["recipient"], "la-derby");
  EXPECT_EQ(searches[1]["from"], "2026-07-01");
  EXPECT_EQ(searches[1]["to"], "2026-07-31");
  EXPECT_EQ(searches[1]["format"], "csv");
  EXPECT_FALSE(searches[1].contains("subject"));
  EXPECT_EQ(searches[2]["person"], "la-stoke-auditor");
  EXPECT_EQ(searches[2]["disclosures"], 0);

  // Nowhere in the audit is the number typed.
  for (const std::string& raw : RawBodies()) {
    EXPECT_EQ(raw.find(typed), std::string::npos) << raw;
  }
}

TEST_F(ConsoleDataTest, ASearchTheAuditCannotRecordIsA503AndShowsNothing) {
  GatewayConsoleData& console = Console(/*with_audit_log=*/true, /*through_failing=*/true);
  failing_->fail_audit = true;
  auto refused = console.SearchAudit(Auditor("la-derby"), ByNhsNumber(kChildANhs));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 503);
  EXPECT_TRUE(Bodies("audit_searched").empty());
  // Once the store is back, the same search works.
  failing_->fail_audit = false;
  auto found = console.SearchAudit(Auditor("la-derby"), ByNhsNumber(kChildANhs));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->disclosures.size(), 2u);
  EXPECT_EQ(Bodies("audit_searched").size(), 1u);
}

TEST_F(ConsoleDataTest, ASearchWithNoAuditLogIsA503) {
  auto refused =
      Console(/*with_audit_log=*/false).SearchAudit(Auditor("la-derby"), ByNhsNumber(kChildANhs));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 503);
  EXPECT_TRUE(Bodies("audit_searched").empty());
}

// --- VerifyAudit ----------------------------------------------------------

TEST_F(ConsoleDataTest, VerifyPassesAnUntouchedLogAndCountsItsEntries) {
  auto check = Console().VerifyAudit(Auditor("la-derby"));
  ASSERT_TRUE(check.ok()) << check.error().detail;
  EXPECT_TRUE(check->ok) << check->failure;
  EXPECT_TRUE(check->failure.empty());
  EXPECT_EQ(check->entries, Count("audit"));
  EXPECT_GT(check->entries, 0);
  EXPECT_EQ(check->checkpoints, 0);
  EXPECT_EQ(check->last_signed_seq, std::nullopt);
  EXPECT_EQ(check->unsigned_entries, check->entries);
}

TEST_F(ConsoleDataTest, VerifyCountsCheckpointsByTrustedKeysOnly) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(5);
  const auto signer = audit::CheckpointSigner::FromSeed(seed);
  {
    auto writer = audit::SqliteAuditLog::Open(path_, /*migrate=*/true);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->AppendCheckpoint(signer, now_).ok());
  }
  const std::int64_t entries = Count("audit");
  ASSERT_TRUE(store_->RecordAudit({{"policy_reloaded", R"({"v":1})"}}, now_ + 1s).ok());

  auto trusted = Console(true, false, {signer.public_key()}).VerifyAudit(Auditor("la-derby"));
  ASSERT_TRUE(trusted.ok());
  EXPECT_TRUE(trusted->ok) << trusted->failure;
  EXPECT_EQ(trusted->checkpoints, 1);
  EXPECT_EQ(trusted->last_signed_seq, entries);
  EXPECT_EQ(trusted->entries, entries + 1);
  EXPECT_EQ(trusted->unsigned_entries, 1);

  // A checkpoint by a key nobody trusts is not one.
  auto untrusted = Console().VerifyAudit(Auditor("la-derby"));
  ASSERT_TRUE(untrusted.ok());
  EXPECT_FALSE(untrusted->ok);
  EXPECT_TRUE(untrusted->failure.starts_with("checkpoint_untrusted")) << untrusted->failure;
}

TEST_F(ConsoleDataTest, VerifyFailsNamingTheEntryAfterARowIsAltered) {
  GatewayConsoleData& console = Console();
  ASSERT_TRUE(console.VerifyAudit(Auditor("la-derby"))->ok);
  Sql("UPDATE audit SET body = replace(body, 'la-derby', 'la-stoke') WHERE seq = 2");
  auto check = console.VerifyAudit(Auditor("la-derby"));
  ASSERT_TRUE(check.ok()) << check.error().detail;
  EXPECT_FALSE(check->ok);
  EXPECT_FALSE(check->failure.empty());
  EXPECT_TRUE(check->failure.starts_with("hash_mismatch at entry 2: ")) << check->failure;
}

TEST_F(ConsoleDataTest, VerifyWithNoAuditLogIsA503) {
  auto check = Console(/*with_audit_log=*/false).VerifyAudit(Auditor("la-derby"));
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().status, 503);
}

// --- Recipients, dead letters and replay ---------------------------------

TEST_F(ConsoleDataTest, ReplayIdsAreDerivedFromTheDeadCopysId) {
  EXPECT_EQ(ReplayDeliveryId("m-1-la-bradford"), ReplayDeliveryId("m-1-la-bradford"));
  EXPECT_NE(ReplayDeliveryId("m-1-la-bradford"), ReplayDeliveryId("m-2-la-bradford"));
  EXPECT_NE(ReplayDeliveryId("m-1-la-bradford"), "m-1-la-bradford");
  const std::string id = ReplayDeliveryId("m-1-la-bradford");
  EXPECT_TRUE(id.starts_with("dlv_")) << id;
  EXPECT_EQ(id.size(), 4u + 24u);
  // A replay's replay is another id again.
  EXPECT_NE(ReplayDeliveryId(id), id);
}

TEST_F(ConsoleDataTest, ADeadCopyIsListedAndReplayedOnceUnderItsDerivedIdAndAudited) {
  const std::string dead_id = DeadCopy();
  GatewayConsoleData& console = Console();
  auto letters = console.DeadLetters();
  ASSERT_TRUE(letters.ok());
  ASSERT_EQ(letters->size(), 1u);
  EXPECT_EQ(letters->front().delivery_id, dead_id);
  EXPECT_EQ(letters->front().recipient, "la-bradford");
  EXPECT_EQ(letters->front().replayed_as, std::nullopt);

  now_ += 1h;
  auto replayed = console.Replay(Operator(), dead_id);
  ASSERT_TRUE(replayed.ok()) << replayed.error().detail;
  EXPECT_EQ(*replayed, ReplayDeliveryId(dead_id));

  ASSERT_EQ(LastKind(), "dead_letter_replayed");
  auto audited = Bodies("dead_letter_replayed");
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0]["person"], "gateway-operator");
  EXPECT_EQ(audited[0]["delivery_id"], dead_id);
  EXPECT_EQ(audited[0]["replayed_as"], *replayed);

  // The new copy is due now, with the same payload.
  auto claimed = store_->ClaimDueDeliveries(now_, now_ + 30s, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().delivery.id, *replayed);
  EXPECT_EQ(claimed->front().delivery.recipient, "la-bradford");
  EXPECT_EQ(claimed->front().delivery.payload, "<Forename>Zephyrine</Forename>");
  letters = console.DeadLetters();
  ASSERT_TRUE(letters.ok());
  ASSERT_EQ(letters->size(), 1u);
  EXPECT_EQ(letters->front().replayed_as, *replayed);

  // Asked again: the first replay stands.
  auto again = console.Replay(Operator(), dead_id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *replayed);
  EXPECT_EQ(Bodies("dead_letter_replayed").size(), 1u);
}

TEST_F(ConsoleDataTest, ReplayingACopyThatIsNotDeadIsA404AndNotAudited) {
  GatewayConsoleData& console = Console();
  const int before = Count("audit");
  auto unknown = console.Replay(Operator(), "dlv_nosuchcopy");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().status, 404);
  // A live copy is not dead either.
  ASSERT_TRUE(store_->Commit(PushCopy("m-wyp-2", "la-bradford")).ok());
  auto live = console.Replay(Operator(), "m-wyp-2-la-bradford");
  ASSERT_FALSE(live.ok());
  EXPECT_EQ(live.error().status, 404);
  EXPECT_EQ(Count("audit"), before + 1);  // m-wyp-2's acceptance only
  EXPECT_TRUE(Bodies("dead_letter_replayed").empty());
}

TEST_F(ConsoleDataTest, AReplayTheStoreCannotMakeIsA503) {
  const std::string dead_id = DeadCopy();
  GatewayConsoleData& console = Console(true, /*through_failing=*/true);
  failing_->fail_audit = true;
  auto refused = console.Replay(Operator(), dead_id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 503);
}

TEST_F(ConsoleDataTest, RecipientsTakeNamesAndModesFromTheRegistryAndCircuitsFromTheBreaker) {
  ASSERT_TRUE(store_->Commit(PushCopy("m-wyp-1", "la-bradford")).ok());
  ASSERT_TRUE(store_->Commit(PushCopy("m-wyp-2", "la-closed-down")).ok());
  auto recipients = Console().Recipients();
  ASSERT_TRUE(recipients.ok()) << recipients.error().detail;
  std::map<std::string, console::RecipientView> by_id;
  for (const auto& r : *recipients) by_id[r.queue.recipient] = r;
  ASSERT_TRUE(by_id.contains("la-derby"));
  ASSERT_TRUE(by_id.contains("la-bradford"));
  ASSERT_TRUE(by_id.contains("la-closed-down"));

  EXPECT_EQ(by_id["la-derby"].name, "Derby City Council");
  EXPECT_EQ(by_id["la-derby"].mode, "mailbox");
  EXPECT_EQ(by_id["la-derby"].circuit, "half_open");
  EXPECT_EQ(by_id["la-derby"].queue.available, 2);

  EXPECT_EQ(by_id["la-bradford"].name, "City of Bradford Metropolitan District Council");
  EXPECT_EQ(by_id["la-bradford"].mode, "push");
  EXPECT_EQ(by_id["la-bradford"].circuit, "open");
  EXPECT_EQ(by_id["la-bradford"].queue.pending, 1);

  // A recipient the registry no longer holds: shown by its id.
  EXPECT_EQ(by_id["la-closed-down"].name, "la-closed-down");
  EXPECT_NE(by_id["la-closed-down"].mode, "push");
  EXPECT_NE(by_id["la-closed-down"].mode, "mailbox");

  // The breaker was asked about each recipient by id.
  std::set<std::string> asked(asked_circuit_.begin(), asked_circuit_.end());
  std::set<std::string> listed;
  for (const auto& r : *recipients) listed.insert(r.queue.recipient);
  EXPECT_EQ(asked, listed);
}

TEST_F(ConsoleDataTest, WithNoBreakerEveryCircuitIsClosed) {
  ConsoleDataSources sources;
  sources.store = store_.get();
  sources.state = [] { return *state_; };
  sources.now = [this] { return now_; };
  GatewayConsoleData console(std::move(sources));
  auto recipients = console.Recipients();
  ASSERT_TRUE(recipients.ok());
  ASSERT_FALSE(recipients->empty());
  for (const auto& r : *recipients) EXPECT_EQ(r.circuit, "closed") << r.queue.recipient;
  EXPECT_TRUE(console.Policy().history.empty());
}

TEST_F(ConsoleDataTest, AStoreThatCannotBeReadIsA503ForTheOperatorsPages) {
  GatewayConsoleData& console = Console(true, /*through_failing=*/true);
  failing_->fail_reads = true;
  auto recipients = console.Recipients();
  ASSERT_FALSE(recipients.ok());
  EXPECT_EQ(recipients.error().status, 503);
  auto letters = console.DeadLetters();
  ASSERT_FALSE(letters.ok());
  EXPECT_EQ(letters.error().status, 503);
}

TEST_F(ConsoleDataTest, PolicyShowsTheSetInForceAndItsHistory) {
  const console::PolicyView view = Console().Policy();
  EXPECT_EQ(view.hash, state().policies.hash());
  ASSERT_EQ(view.isas.size(), state().policies.agreements().size());
  EXPECT_NE(std::find(view.isas.begin(), view.isas.end(), "ISA-DERBY-2026"), view.isas.end());
  ASSERT_EQ(view.history.size(), 2u);
  EXPECT_EQ(view.history[0].hash, "h2");
}

TEST_F(ConsoleDataTest, AgencyNamesComeFromTheRegistry) {
  GatewayConsoleData& console = Console();
  EXPECT_EQ(console.AgencyName("la-derby"), "Derby City Council");
  EXPECT_EQ(console.AgencyName("police-derbys"), "Derbyshire Constabulary");
  EXPECT_EQ(console.AgencyName("la-closed-down"), "la-closed-down");
}

// --- Reports --------------------------------------------------------------

TEST_F(ConsoleDataTest, ACouncilCoordinatorMayRunEveryReportAPoliceCoordinatorTheHotSpots) {
  GatewayConsoleData& console = Console();
  EXPECT_EQ(console.ReportsFor(Coordinator("la-derby")), reports::ReportNames());
  EXPECT_EQ(
      console.ReportsFor(Coordinator("la-derby")),
      (std::vector<std::string>{"daily", "kpis", "repeats", "hotspots", "ssda903", "annex-a"}));
  EXPECT_EQ(console.ReportsFor(Coordinator("police-derbys")), std::vector<std::string>{"hotspots"});
  EXPECT_TRUE(console.ReportsFor(Operator()).empty());
  EXPECT_TRUE(console.ReportsFor(Auditor("la-derby")).empty());
  EXPECT_TRUE(console.ReportsFor(Coordinator("provider-brighter-futures")).empty());
  // A duty endpoint stands in for its council on the wire, not for reports.
  EXPECT_TRUE(console.ReportsFor(Coordinator("la-derby-edt")).empty());
  EXPECT_TRUE(console.ReportsFor(Coordinator("la-closed-down")).empty());
}

TEST_F(ConsoleDataTest, ACoordinatorsDailyReportIsTheirsAndAuditedAsTheirs) {
  auto daily = Console().RunReport(Coordinator("la-derby"), "daily", "");
  ASSERT_TRUE(daily.ok()) << daily.error().detail;
  EXPECT_EQ(daily->report, "daily");
  EXPECT_EQ(daily->agency, "la-derby");
  EXPECT_EQ(daily->agency_name, "Derby City Council");
  EXPECT_EQ(daily->generated_at, model::FormatTimestamp(now_));

  ASSERT_EQ(LastKind(), "report_run");
  auto runs = Bodies("report_run");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["agency"], "la-derby");
  EXPECT_EQ(runs[0]["report"], "daily");
  EXPECT_EQ(runs[0]["person"], "la-derby-coordinator");
  EXPECT_EQ(runs[0]["via"], "console");
  EXPECT_EQ(runs[0]["children"], daily->children);

  // The daily report is as at now: whatever period came with it is ignored.
  auto ignored = console_->RunReport(Coordinator("la-derby"), "daily", "not a period");
  ASSERT_TRUE(ignored.ok());
  EXPECT_EQ(Bodies("report_run").size(), 2u);
}

TEST_F(ConsoleDataTest, AnUnknownReportIsA404AndNotAudited) {
  auto unknown = Console().RunReport(Coordinator("la-derby"), "weekly", "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().status, 404);
  EXPECT_TRUE(Bodies("report_run").empty());
}

TEST_F(ConsoleDataTest, AReportTheAgencyMayNotRunIsA403AndNotAudited) {
  auto refused = Console().RunReport(Coordinator("police-derbys"), "kpis", "2026-07");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 403);
  auto unknown = console_->RunReport(Coordinator("la-closed-down"), "kpis", "2026-07");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().status, 403);
  EXPECT_TRUE(Bodies("report_run").empty());
  // The one report the force may run.
  auto hotspots = console_->RunReport(Coordinator("police-derbys"), "hotspots", "2026-07");
  ASSERT_TRUE(hotspots.ok()) << hotspots.error().detail;
  EXPECT_EQ(hotspots->agency, "police-derbys");
}

TEST_F(ConsoleDataTest, APeriodThatIsNotOneIsA400NamingTheQuery) {
  GatewayConsoleData& console = Console();
  for (const char* period : {"2026-13", "last year", "2026-07-31..2026-07-01", "2026-28"}) {
    auto refused = console.RunReport(Coordinator("la-derby"), "kpis", period);
    ASSERT_FALSE(refused.ok()) << period;
    EXPECT_EQ(refused.error().status, 400);
    ASSERT_FALSE(refused.error().errors.empty());
    EXPECT_EQ(refused.error().errors[0].pointer, "/query/period");
  }
  EXPECT_TRUE(Bodies("report_run").empty());
}

TEST_F(ConsoleDataTest, AReportTakesThePeriodGiven) {
  auto kpis = Console().RunReport(Coordinator("la-derby"), "kpis", "2026-07");
  ASSERT_TRUE(kpis.ok()) << kpis.error().detail;
  EXPECT_EQ(kpis->period, "2026-07");
  EXPECT_EQ(kpis->children, 1);
  auto runs = Bodies("report_run");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["period"], "2026-07");
  EXPECT_EQ(runs[0]["report"], "kpis");
  EXPECT_EQ(runs[0]["person"], "la-derby-coordinator");
  EXPECT_EQ(runs[0]["via"], "console");
}

TEST_F(ConsoleDataTest, WithNoPeriodAReportCoversTheReportingYearHoldingNow) {
  GatewayConsoleData& console = Console();
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"2026-12-07T10:00:00Z", "2026-27"},  // December: the year begun in April
      {"2027-02-01T10:00:00Z", "2026-27"},  // February: still the year begun last April
      {"2026-04-01T10:00:00Z", "2026-27"},  // its first day
      {"2027-03-31T12:00:00Z", "2026-27"},  // its last day
      {"2026-03-31T12:00:00Z", "2025-26"},
      {"2099-06-01T12:00:00Z", "2099-00"},  // the century turns
  };
  for (const auto& [now, label] : cases) {
    now_ = At(now);
    auto kpis = console.RunReport(Coordinator("la-derby"), "kpis", "");
    ASSERT_TRUE(kpis.ok()) << now << ": " << kpis.error().detail;
    EXPECT_EQ(kpis->period, label) << now;
    EXPECT_EQ(Bodies("report_run").back()["period"], label) << now;
  }
}

// The reporting year turns at midnight on 1 April in London, which is
// 23:00 UTC on 31 March (BST). FAILS: console_data.cc's ReportingYearOf
// takes the month from the UTC timestamp, not the UK calendar day.
TEST_F(ConsoleDataTest, TheReportingYearTurnsAtUkMidnight) {
  now_ = At("2027-03-31T23:30:00Z");  // 00:30 BST on 1 April 2027
  auto kpis = Console().RunReport(Coordinator("la-derby"), "kpis", "");
  ASSERT_TRUE(kpis.ok()) << kpis.error().detail;
  EXPECT_EQ(kpis->period, "2027-28");
}

TEST_F(ConsoleDataTest, AReportWhoseRunCannotBeAuditedIsA503) {
  GatewayConsoleData& console = Console(true, /*through_failing=*/true);
  failing_->fail_audit = true;
  auto refused = console.RunReport(Coordinator("la-derby"), "kpis", "2026-07");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 503);
  EXPECT_TRUE(Bodies("report_run").empty());
}

// --- Alerts awaiting action, notices, health --------------------------------

// Urgent alerts in Derby, the host authority: every copy of a high-risk
// report waits 30 minutes for an action, the placing authority's too.
constexpr const char* kUrgentDerby = R"(format: isagw.safeguarding/1
id: SG-TEST-URGENT
title: Test rules
areas: [la-derby]
urgent_alerts: {clause: "§9", risk_at_least: high, acknowledge: business, within: 30m}
)";

class ConsoleAlertsTest : public ConsoleDataTest {
 protected:
  void SetUp() override {
    ConsoleDataTest::SetUp();
    if (HasFatalFailure()) return;
    pipeline::GatewayState copy = state();
    auto rules = safeguarding::LoadRuleDocuments({{"rules.yaml", kUrgentDerby}}, copy.registry);
    ASSERT_TRUE(rules.ok());
    copy.safeguarding_rules = std::make_shared<const safeguarding::RuleSet>(std::move(*rules));
    urgent_state_ = std::make_shared<const pipeline::GatewayState>(std::move(copy));
    worker_ = std::make_unique<pipeline::TimerWorker>(
        *store_, *pipeline_, [this] { return urgent_state_; }, clock_,
        pipeline::TimerWorkerOptions{});
  }
  void TearDown() override {
    worker_.reset();
    ConsoleDataTest::TearDown();
  }

  // A high-risk report of a Derby child at now_: urgent for Derby.
  void HighRiskReport(const std::string& ref) {
    json r = ReadJson("docs/examples/compact/missing-report.json");
    r["ForceCode"] = "DERBYS";
    r["OccurrenceRef"] = ref;
    r["NHSNumber"] = kChildANhs;
    r["HomePostcode"] = "DE22 3AB";
    r["ResponsibleLA"] = "860";
    r["RiskGrading"] = "HIGH";
    const auto answer = pipeline_->Submit(
        *urgent_state_,
        IngestRequest{"police-derbys", adapters::Format::kCompact, r.dump(), std::nullopt, now_});
    ASSERT_EQ(answer.status, 202) << answer.body.dump();
  }
  void FireAt(model::Timestamp at) {
    clock_.Set(at);
    now_ = at;
    ASSERT_TRUE(worker_->RunOnce().ok());
  }
  std::vector<std::string> Ids(const std::vector<console::AlertView>& alerts) {
    std::vector<std::string> ids;
    for (const auto& a : alerts) ids.push_back(a.delivery_id);
    return ids;
  }

  std::shared_ptr<const pipeline::GatewayState> urgent_state_;
  ManualClock clock_{At("2026-12-07T10:00:00Z")};
  std::unique_ptr<pipeline::TimerWorker> worker_;
};

TEST_F(ConsoleAlertsTest, ACoordinatorSeesTheirAgencysUrgentCopiesWithTheirDeadlines) {
  HighRiskReport("DB/21/2026/000901");
  now_ += 12min;
  auto alerts = Console().Alerts(Coordinator("la-derby"));
  ASSERT_TRUE(alerts.ok()) << alerts.error().detail;
  ASSERT_EQ(alerts->size(), 1U);
  const console::AlertView& a = alerts->front();
  EXPECT_EQ(a.police_ref, "DB/21/2026/000901");
  EXPECT_EQ(a.message_kind, "missing_reported");
  EXPECT_EQ(a.recipient, "la-derby");
  EXPECT_EQ(a.recipient_name, Console().AgencyName("la-derby"));
  EXPECT_EQ(a.delivery, "available") << "Derby takes copies from its mailbox";
  EXPECT_EQ(a.acknowledgement, "business");
  EXPECT_EQ(a.received_at, At("2026-12-07T10:00:00Z"));
  EXPECT_EQ(a.due_at, At("2026-12-07T10:30:00Z"));
  EXPECT_EQ(a.minutes_left, 18);
  EXPECT_EQ(a.status, "waiting");
  EXPECT_TRUE(a.may_action);

  // The placing authority sees its own copy; an uninvolved council none.
  auto placing = Console().Alerts(Coordinator("la-staffordshire"));
  ASSERT_TRUE(placing.ok());
  ASSERT_EQ(placing->size(), 1U);
  EXPECT_EQ(placing->front().recipient, "la-staffordshire");
  EXPECT_NE(placing->front().delivery_id, a.delivery_id);
  auto uninvolved = Console().Alerts(Coordinator("la-stoke"));
  ASSERT_TRUE(uninvolved.ok());
  EXPECT_TRUE(uninvolved->empty());
  // Only coordinators have alerts.
  for (const console::Viewer& viewer : {Operator(), Auditor("la-derby")}) {
    auto refused = Console().Alerts(viewer);
    ASSERT_FALSE(refused.ok()) << viewer.role;
    EXPECT_EQ(refused.error().status, 403);
  }
}

TEST_F(ConsoleAlertsTest, EachViewIsAuditedWithThePersonAndTheCopiesShownAndNoChildsData) {
  HighRiskReport("DB/21/2026/000902");
  ASSERT_TRUE(Console().Alerts(Coordinator("la-derby")).ok());
  ASSERT_TRUE(Console().Alerts(Coordinator("la-stoke")).ok());
  const auto bodies = Bodies("alerts_viewed");
  ASSERT_EQ(bodies.size(), 2U);
  EXPECT_EQ(bodies[0]["person"], "la-derby-coordinator");
  EXPECT_EQ(bodies[0]["agency"], "la-derby");
  EXPECT_EQ(bodies[0]["via"], "console");
  EXPECT_EQ(bodies[0]["alerts"], 1);
  ASSERT_EQ(bodies[0]["delivery_ids"].size(), 1U);
  EXPECT_EQ(bodies[1]["alerts"], 0);
  for (const std::string& raw : RawBodies()) {
    if (raw.find("delivery_ids") == std::string::npos) continue;
    EXPECT_EQ(raw.find(kChildANhs), std::string::npos) << raw;
    EXPECT_EQ(raw.find("DB/21/2026/000902"), std::string::npos) << raw;
  }
}

TEST_F(ConsoleAlertsTest, AViewTheAuditCannotRecordIsA503AndShowsNothing) {
  HighRiskReport("DB/21/2026/000903");
  failing_->fail_audit = true;
  auto alerts = Console(true, true).Alerts(Coordinator("la-derby"));
  ASSERT_FALSE(alerts.ok());
  EXPECT_EQ(alerts.error().status, 503);
  EXPECT_TRUE(Bodies("alerts_viewed").empty());
}

TEST_F(ConsoleAlertsTest, AnEscalatedAlertStaysListedAndItsDutyCopyJoinsTheList) {
  HighRiskReport("DB/21/2026/000904");
  FireAt(At("2026-12-07T10:30:00Z"));  // to Derby's emergency duty team
  auto alerts = Console().Alerts(Coordinator("la-derby"));
  ASSERT_TRUE(alerts.ok()) << alerts.error().detail;
  ASSERT_EQ(alerts->size(), 2U);
  const console::AlertView& original = (*alerts)[0];
  EXPECT_EQ(original.recipient, "la-derby");
  EXPECT_EQ(original.status, "escalated");
  EXPECT_EQ(original.escalated_to, Console().AgencyName("la-derby-edt"));
  const console::AlertView& duty = (*alerts)[1];
  EXPECT_EQ(duty.recipient, "la-derby-edt");
  EXPECT_EQ(duty.status, "waiting");
  EXPECT_EQ(duty.due_at, At("2026-12-07T11:00:00Z"));
  EXPECT_EQ(duty.police_ref, "DB/21/2026/000904");

  // Unanswered by both duty endpoints: the last step tells the sender.
  FireAt(At("2026-12-07T11:00:00Z"));
  FireAt(At("2026-12-07T11:30:00Z"));
  alerts = Console().Alerts(Coordinator("la-derby"));
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 3U);
  EXPECT_EQ((*alerts)[1].status, "escalated");
  EXPECT_EQ((*alerts)[2].recipient, "la-derby-hos");
  EXPECT_EQ((*alerts)[2].status, "unanswered");
  // A week on, the fired ones have left the list.
  now_ = At("2026-12-14T12:00:00Z");
  alerts = Console().Alerts(Coordinator("la-derby"));
  ASSERT_TRUE(alerts.ok());
  EXPECT_TRUE(alerts->empty());
}

TEST_F(ConsoleAlertsTest, AnOverdueAlertTheWorkerHasNotFiredSaysSo) {
  HighRiskReport("DB/21/2026/000905");
  now_ = At("2026-12-07T10:34:00Z");
  auto alerts = Console().Alerts(Coordinator("la-derby"));
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 1U);
  EXPECT_EQ(alerts->front().status, "overdue");
  EXPECT_EQ(alerts->front().minutes_left, -4);
}

TEST_F(ConsoleAlertsTest, ActioningAnAlertRecordsItAsTheAgencyWouldStopsTheClockAndIsAudited) {
  HighRiskReport("DB/21/2026/000906");
  auto alerts = Console().Alerts(Coordinator("la-derby"));
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 1U);
  const std::string copy = alerts->front().delivery_id;
  now_ += 5min;
  auto actioned =
      Console().ActionAlert(Coordinator("la-derby"), copy, {"Missing coordinator", "LA/42"});
  ASSERT_TRUE(actioned.ok()) << actioned.error().detail;

  alerts = Console().Alerts(Coordinator("la-derby"));
  ASSERT_TRUE(alerts.ok());
  EXPECT_TRUE(alerts->empty()) << "actioned: no longer awaiting";
  FireAt(At("2026-12-07T10:30:00Z"));
  EXPECT_EQ(Count("outbox WHERE recipient = 'la-derby-edt'"), 0) << "the deadline was cancelled";

  const auto bodies = Bodies("delivery_actioned");
  ASSERT_EQ(bodies.size(), 1U);
  EXPECT_EQ(bodies[0]["delivery_id"], copy);
  EXPECT_EQ(bodies[0]["recipient"], "la-derby");
  EXPECT_EQ(bodies[0]["team"], "Missing coordinator");
  EXPECT_EQ(bodies[0]["reference_given"], true);
  EXPECT_EQ(bodies[0]["person"], "la-derby-coordinator");
  EXPECT_EQ(bodies[0]["via"], "console");
  for (const std::string& raw : RawBodies()) EXPECT_EQ(raw.find("LA/42"), std::string::npos);

  // The first action stands; a second press changes nothing.
  ASSERT_TRUE(Console().ActionAlert(Coordinator("la-derby"), copy, {"Another team", ""}).ok());
  EXPECT_EQ(Bodies("delivery_actioned").size(), 1U);
}

TEST_F(ConsoleAlertsTest, ACoordinatorMayActionTheirDutyEndpointsCopyButNoOtherAgencys) {
  HighRiskReport("DB/21/2026/000907");
  FireAt(At("2026-12-07T10:30:00Z"));
  auto alerts = Console().Alerts(Coordinator("la-derby"));
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 2U);
  const std::string duty = (*alerts)[1].delivery_id;
  ASSERT_EQ((*alerts)[1].recipient, "la-derby-edt");

  auto refused = Console().ActionAlert(Coordinator("la-stoke"), duty, {"Stoke MASH", ""});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 404);
  EXPECT_TRUE(Bodies("delivery_actioned").empty());

  ASSERT_TRUE(Console().ActionAlert(Coordinator("la-derby"), duty, {"EDT", ""}).ok());
  const auto bodies = Bodies("delivery_actioned");
  ASSERT_EQ(bodies.size(), 1U);
  EXPECT_EQ(bodies[0]["recipient"], "la-derby-edt");
  EXPECT_EQ(bodies[0]["reference_given"], false);
  FireAt(At("2026-12-07T11:00:00Z"));
  EXPECT_EQ(Count("outbox WHERE recipient = 'la-derby-hos'"), 0) << "the duty team acted";
}

TEST_F(ConsoleAlertsTest, AnActionsWordsAreCheckedAsTheApiChecksThem) {
  HighRiskReport("DB/21/2026/000908");
  auto alerts = Console().Alerts(Coordinator("la-derby"));
  ASSERT_TRUE(alerts.ok());
  const std::string copy = alerts->front().delivery_id;
  struct Case {
    console::ActionForm form;
    const char* pointer;
    const char* code;
  };
  for (const Case& c : {Case{{"", ""}, "/form/team", "required"},
                        Case{{"<b>team</b>", ""}, "/form/team", "pattern"},
                        Case{{std::string(65, 'a'), ""}, "/form/team", "too_long"},
                        Case{{"EDT", "child seen at home"}, "/form/reference", "pattern"}}) {
    auto refused = Console().ActionAlert(Coordinator("la-derby"), copy, c.form);
    ASSERT_FALSE(refused.ok()) << c.pointer;
    EXPECT_EQ(refused.error().status, 400);
    ASSERT_EQ(refused.error().errors.size(), 1U);
    EXPECT_EQ(refused.error().errors[0].pointer, c.pointer);
    EXPECT_EQ(refused.error().errors[0].code, c.code);
    EXPECT_EQ(refused.error().errors[0].reason.find("child seen"), std::string::npos);
  }
  EXPECT_TRUE(Bodies("delivery_actioned").empty());
  auto still = Console().Alerts(Coordinator("la-derby"));
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->size(), 1U);
}

TEST_F(ConsoleAlertsTest, AnUnknownCopyIsA404AndAStoreThatFailsA503) {
  auto missing = Console().ActionAlert(Coordinator("la-derby"), "no-such-copy", {"EDT", ""});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().status, 404);
  failing_->fail_reads = true;
  auto down = Console(true, true).Alerts(Coordinator("la-derby"));
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().status, 503);
}

TEST_F(ConsoleDataTest, NoticesSayWhomTheyToldAboutWhichCopyAndWhy) {
  const std::string dead = DeadCopy();
  // The notice the delivery worker would have made with the death.
  store::Delivery notice;
  {
    store::Delivery copy;
    copy.id = dead;
    copy.message_id = "m-wyp-1";
    copy.recipient = "la-bradford";
    delivery::NonDelivery facts;
    facts.dead = &copy;
    facts.sender = "police-wyp";
    facts.reason = "http_410";
    facts.attempts = 4;
    facts.given_up_at = now_;
    facts.scope = "inbound";
    notice = delivery::BuildNonDeliveryNotice(facts);
  }
  store::Acceptance carrier = PushCopy("m-wyp-2", "la-leeds", store::DeliveryMode::kMailbox);
  carrier.deliveries.push_back(notice);
  ASSERT_TRUE(store_->Commit(carrier).ok());

  auto notices = Console().Notices();
  ASSERT_TRUE(notices.ok()) << notices.error().detail;
  ASSERT_EQ(notices->size(), 1U);
  const console::NoticeView& n = notices->front();
  EXPECT_EQ(n.notice_id, dead + "-ndn");
  EXPECT_EQ(n.to, "police-wyp");
  EXPECT_EQ(n.about_delivery, dead);
  EXPECT_EQ(n.recipient, "la-bradford");
  EXPECT_EQ(n.message_id, "m-wyp-1");
  EXPECT_EQ(n.reason, "http_410");
  EXPECT_EQ(n.attempts, 4);
  EXPECT_EQ(n.made_at, now_);
  EXPECT_EQ(n.state, "available");

  failing_->fail_reads = true;
  auto down = Console(true, true).Notices();
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().status, 503);
}

TEST_F(ConsoleDataTest, HealthAddsUpTheOutboxAndNamesOpenCircuits) {
  DeadCopy();
  ASSERT_TRUE(store_->Commit(PushCopy("m-wyp-3", "la-bradford")).ok());
  ASSERT_TRUE(store_->Commit(PushCopy("m-wyp-4", "la-leeds", store::DeliveryMode::kMailbox)).ok());
  const console::HealthView health = Console().Health();
  EXPECT_TRUE(health.store_answers);
  EXPECT_EQ(health.policy_hash, state().policies.hash());
  EXPECT_EQ(health.last_reload, "applied at 2026-11-23T09:00:00Z");
  // The setup's police reports went to councils' mailboxes, and these.
  auto queues = store_->ListRecipientQueues();
  ASSERT_TRUE(queues.ok());
  int pending = 0;
  int available = 0;
  for (const auto& q : *queues) {
    pending += q.pending;
    available += q.available;
  }
  EXPECT_EQ(health.recipients, static_cast<int>(queues->size()));
  EXPECT_EQ(health.pending, pending);
  EXPECT_EQ(health.pending, 1) << "m-wyp-3";
  EXPECT_EQ(health.available, available);
  EXPECT_EQ(health.dead, 1);
  EXPECT_EQ(health.oldest_pending, now_);
  // The test breaker: la-bradford open, the others half open; neither is closed.
  EXPECT_EQ(health.open_circuits.size(), queues->size());
  EXPECT_NE(std::find(health.open_circuits.begin(), health.open_circuits.end(),
                      Console().AgencyName("la-bradford")),
            health.open_circuits.end());

  failing_->fail_reads = true;
  const console::HealthView down = Console(true, true).Health();
  EXPECT_FALSE(down.store_answers) << "a store that cannot be read is not healthy";
  EXPECT_EQ(down.policy_hash, state().policies.hash()) << "what is known is still shown";
}

}  // namespace
}  // namespace isagw::app
