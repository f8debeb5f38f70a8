// The safeguarding clock in simulated time: the pipeline arms and cancels
// timers with the records that cause and satisfy them, and the timer
// worker fires each once as an escalation that goes through the ISAs.
// Derby police report a child looked after by Staffordshire and placed in
// Derby, so Derby is the host LA and Staffordshire the placing LA.
#include <date/tz.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "adapters/compact/compact.h"
#include "adapters/translator.h"
#include "gateway/common/clock.h"
#include "gateway/pipeline/timer_worker.h"
#include "gateway/safeguarding/rules_loader.h"
#include "tests/pipeline/pipeline_fixture.h"

namespace isagw::pipeline::testing {
namespace {

using namespace std::chrono;
using nlohmann::json;

// Staffordshire's thresholds (3, 5 and 9 in 90 days) with Croydon's
// 72-hour and five-day escalations, for the host LA Derby.
constexpr const char* kStaffordshireStyle = R"(format: isagw.safeguarding/1
id: SG-TEST-DERBY
title: Test rules
areas: [la-derby]
rhi_due: {clause: "§1", after: 72h, warn_before: 24h, notify: [host_la, commissioned_provider]}
long_missing:
  - {clause: "§2", after: 72h, notify: [host_la, placing_la]}
  - {clause: "§3", after: 5d, notify: [host_la, placing_la]}
repeat_episodes:
  - {clause: "§4", count: 3, window: 90d, notify: [host_la]}
  - {clause: "§5", count: 5, window: 90d, notify: [host_la]}
  - {clause: "§6", count: 9, window: 90d, notify: [host_la]}
high_risk: {clause: "§7", risk_at_least: high, notify: [host_la, placing_la]}
)";

// Derbyshire's rule from the same code: 3 episodes in 30 days.
constexpr const char* kDerbyshireStyle = R"(format: isagw.safeguarding/1
id: SG-TEST-DERBYSHIRE
title: Test rules
areas: [la-derby]
repeat_episodes:
  - {clause: "§1", count: 3, window: 30d, notify: [host_la]}
)";

// Urgent alerts: a high-risk report's copies wait for an answer.
constexpr const char* kUrgentBusiness = R"(format: isagw.safeguarding/1
id: SG-TEST-URGENT
title: Test rules
areas: [la-derby]
urgent_alerts: {clause: "§9", risk_at_least: high, acknowledge: business, within: 30m}
)";
constexpr const char* kUrgentTransport = R"(format: isagw.safeguarding/1
id: SG-TEST-URGENT
title: Test rules
areas: [la-derby]
urgent_alerts: {clause: "§9", risk_at_least: high, acknowledge: transport, within: 30m}
)";

constexpr const char* kNhs = "9434765919";

// UK local time as Compact writes it.
std::string Local(model::Timestamp t) {
  const auto info = date::locate_zone("Europe/London");
  const auto local = date::make_zoned(info, t).get_local_time();
  return date::format("%d/%m/%Y %H:%M", local);
}

class SafeguardingClockTest : public PipelineTest {
 protected:
  void UseRules(const char* yaml) {
    GatewayState copy = state();
    auto rules = safeguarding::LoadRuleDocuments({{"rules.yaml", yaml}}, copy.registry);
    ASSERT_TRUE(rules.ok()) << (rules.ok() ? "" : config::ToString(rules.error()));
    copy.safeguarding_rules = std::make_shared<const safeguarding::RuleSet>(std::move(*rules));
    rules_state_ = std::make_shared<const GatewayState>(std::move(copy));
    worker_ = MakeWorker(*pipeline_);
  }
  void SetUp() override {
    PipelineTest::SetUp();
    UseRules(kStaffordshireStyle);
  }
  void TearDown() override {
    worker_.reset();
    PipelineTest::TearDown();
  }

  std::unique_ptr<TimerWorker> MakeWorker(IngestPipeline& pipeline) {
    return std::make_unique<TimerWorker>(
        *store_, pipeline, [this] { return rules_state_; }, clock_, TimerWorkerOptions{});
  }

  static model::Timestamp Start() { return sys_days{2026y / May / 4} + 9h; }

  json Record(const std::string& type, const std::string& ref, int version,
              model::Timestamp last_seen, const std::string& risk = "MEDIUM") {
    json r = ReadJson("docs/examples/compact/missing-report.json");
    r["RecordType"] = type;
    r["ForceCode"] = "DERBYS";
    r["OccurrenceRef"] = ref;
    r["RecordVersion"] = version;
    r["LastSeenDateTime"] = Local(last_seen);
    r["ReportedDateTime"] = Local(last_seen + 30min);
    r["NHSNumber"] = kNhs;
    r["HomePostcode"] = "DE22 3AB";
    r["ResponsibleLA"] = "860";
    r["RiskGrading"] = risk;
    r["LastSeenLocation"] = "Outside the Westfield centre, Derby";
    return r;
  }

  // Submits at the clock's time; expects a 202.
  void Send(const json& record) {
    IngestRequest request{"police-derbys", adapters::Format::kCompact, record.dump(), std::nullopt,
                          clock_.Now()};
    const IngestAnswer answer = pipeline_->Submit(*rules_state_, request);
    ASSERT_EQ(answer.status, 202) << answer.body.dump();
  }
  void Missing(const std::string& ref, model::Timestamp last_seen,
               const std::string& risk = "MEDIUM", int version = 1) {
    Send(Record("MISSING_REPORT", ref, version, last_seen, risk));
  }
  void Found(const std::string& ref, model::Timestamp last_seen, model::Timestamp found,
             int version = 2) {
    json r = Record("FOUND", ref, version, last_seen);
    r["FoundDateTime"] = Local(found);
    r["FoundLocation"] = "Derby bus station DE1 2AB";
    r["FoundBy"] = "POLICE";
    Send(r);
  }
  void Interview(const std::string& ref, const std::string& outcome = "completed") {
    json r = ReadJson(outcome == "completed" ? "docs/examples/rhi/full.json"
                                             : "docs/examples/rhi/declined.json");
    r["police_reference"] = ref;
    if (outcome == "not_offered") {
      r["outcome"] = outcome;
      r["outcome_reason"] = "The child moved placement before it could be offered";
      r.erase("offered_at");
    }
    IngestRequest request{"provider-brighter-futures", adapters::Format::kRhi, r.dump(),
                          std::nullopt, clock_.Now()};
    const IngestAnswer answer = pipeline_->Submit(*rules_state_, request);
    ASSERT_EQ(answer.status, 202) << answer.body.dump();
  }

  // Moves the clock to `at` and runs one pass; returns escalations raised.
  int FireAt(model::Timestamp at) {
    clock_.Set(at);
    auto pass = worker_->RunOnce();
    EXPECT_TRUE(pass.ok());
    return pass.ok() ? pass->raised : -1;
  }

  // Fired timers in order of firing: (kind, timer id).
  std::vector<std::pair<std::string, std::string>> Fired() {
    auto db = store::SqliteDatabase::Open(path_);
    auto q =
        db->Prepare("SELECT kind, id FROM timers WHERE state = 'fired' ORDER BY finished_at, id");
    std::vector<std::pair<std::string, std::string>> fired;
    while (*q->Step()) fired.emplace_back(q->ColumnText(0), q->ColumnText(1));
    return fired;
  }
  std::map<std::string, std::string> TimerStates(const std::string& ref) {
    std::map<std::string, std::string> states;
    auto timers = store_->ListTimers(ref);
    EXPECT_TRUE(timers.ok());
    for (const auto& t : *timers) states[t.timer.id] = std::string(store::TimerStateName(t.state));
    return states;
  }
  // The escalation message a fired timer raised, and the copies it made.
  json EscalationAnswer(const std::string& timer_id) {
    auto db = store::SqliteDatabase::Open(path_);
    auto q = db->Prepare(
        "SELECT m.answer FROM timers t JOIN messages m ON m.id = t.message_id WHERE t.id = ?1");
    q->Bind(1, std::string_view(timer_id));
    if (!*q->Step()) return nullptr;
    return json::parse(q->ColumnText(0));
  }
  // A recipient's copy of a fired timer's escalation, as it would fetch it.
  std::string CopyFor(const std::string& timer_id, const std::string& agency) {
    const json answer = EscalationAnswer(timer_id);
    if (answer.is_null()) {
      ADD_FAILURE() << "no escalation for " << timer_id;
      return "";
    }
    const json entry = RecipientEntry(IngestAnswer{202, answer, std::nullopt}, agency);
    if (entry.is_null()) {
      ADD_FAILURE() << agency << " has no copy: " << answer.dump();
      return "";
    }
    return Payload(agency, entry["delivery_id"]);
  }
  // A canonical copy (providers), decoded.
  std::optional<model::Event> CanonicalCopyFor(const std::string& timer_id,
                                               const std::string& agency) {
    auto decoded = adapters::DecodeAs(adapters::Format::kCanonical, CopyFor(timer_id, agency), {});
    if (!decoded.ok()) {
      for (const FieldError& e : decoded.error()) ADD_FAILURE() << e.pointer << " " << e.code;
      return std::nullopt;
    }
    return decoded->event;
  }
  static bool Has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }

  ManualClock clock_{Start()};
  std::shared_ptr<const GatewayState> rules_state_;
  std::unique_ptr<TimerWorker> worker_;
};

TEST_F(SafeguardingClockTest, RhiOverdueAt72HoursAndNotAt71Hours59Minutes) {
  const std::string ref = "DB/21/2026/000101";
  const model::Timestamp seen = Start() - 2h;
  Missing(ref, seen);
  const model::Timestamp found = Start() + 5h;
  clock_.Set(found + 30min);
  Found(ref, seen, found);

  EXPECT_EQ(FireAt(found + 48h - 1s), 0);
  EXPECT_EQ(FireAt(found + 48h), 1);  // due soon: 24 hours before
  EXPECT_EQ(FireAt(found + 71h + 59min), 0);
  EXPECT_EQ(TimerStates(ref)[ref + "|rhi_due"], "armed");
  EXPECT_EQ(FireAt(found + 72h), 1);
  EXPECT_EQ(TimerStates(ref)[ref + "|rhi_due"], "fired");

  // The host LA (council XML) and the provider (canonical) each get it,
  // redacted by their own clauses: the council's copy carries no NHS
  // number (ISA-DERBY-2026 §3.6 does not allow it), the provider's no
  // risk level and no home (§3.7).
  const std::string council = CopyFor(ref + "|rhi_due", "la-derby");
  EXPECT_TRUE(Has(council, "type=\"Escalation\"")) << council;
  EXPECT_TRUE(Has(council, "<Reason>rhi_overdue</Reason>")) << council;
  EXPECT_TRUE(Has(council, "<RaisedAt>" + model::FormatTimestamp(found + 72h) + "</RaisedAt>"));
  EXPECT_TRUE(Has(council, ref));
  EXPECT_FALSE(Has(council, kNhs));
  auto provider = CanonicalCopyFor(ref + "|rhi_due", "provider-brighter-futures");
  ASSERT_TRUE(provider.has_value());
  ASSERT_TRUE(provider->escalation.has_value());
  EXPECT_EQ(provider->escalation->reason, model::EscalationReason::kRhiOverdue);
  EXPECT_EQ(provider->escalation->raised_at, found + 72h);
  EXPECT_EQ(provider->episode.police_ref, ref);
  EXPECT_FALSE(provider->child.home.has_value());
  EXPECT_FALSE(provider->episode.risk.has_value());
  const json answer = EscalationAnswer(ref + "|rhi_due");
  EXPECT_EQ(RecipientEntry(IngestAnswer{202, answer, std::nullopt}, "la-derby")["flow"],
            "ISA-DERBY-2026 §3.6");
  // Once: a later pass raises nothing more.
  EXPECT_EQ(FireAt(found + 100h), 0);
}

TEST_F(SafeguardingClockTest, AnRhiRecordCancelsTheOverdueTimer) {
  const std::string ref = "DB/21/2026/000102";
  const model::Timestamp seen = Start() - 2h;
  Missing(ref, seen);
  const model::Timestamp found = Start() + 5h;
  clock_.Set(found + 1h);
  Found(ref, seen, found);
  clock_.Set(found + 30h);
  Interview(ref);
  EXPECT_EQ(TimerStates(ref)[ref + "|rhi_due"], "cancelled");
  EXPECT_EQ(TimerStates(ref)[ref + "|rhi_due_soon"], "cancelled");
  EXPECT_EQ(FireAt(found + 80h), 0);
  EXPECT_TRUE(Fired().empty());
}

TEST_F(SafeguardingClockTest, AnInterviewNotOfferedLeavesTheTimerArmed) {
  const std::string ref = "DB/21/2026/000103";
  const model::Timestamp seen = Start() - 2h;
  Missing(ref, seen);
  const model::Timestamp found = Start() + 5h;
  clock_.Set(found + 1h);
  Found(ref, seen, found);
  clock_.Set(found + 30h);
  Interview(ref, "not_offered");
  EXPECT_EQ(TimerStates(ref)[ref + "|rhi_due"], "armed");
  EXPECT_EQ(FireAt(found + 72h), 2);  // due soon, then overdue
  EXPECT_EQ(TimerStates(ref)[ref + "|rhi_due"], "fired");
}

TEST_F(SafeguardingClockTest, MissingSeventyTwoHoursThenFiveDaysEscalateToHostAndPlacing) {
  const std::string ref = "DB/21/2026/000104";
  const model::Timestamp seen = Start();
  clock_.Set(seen + 1h);
  Missing(ref, seen);
  EXPECT_EQ(FireAt(seen + 72h - 1s), 0);
  EXPECT_EQ(FireAt(seen + 72h), 1);
  const std::string at72 = ref + "|long_missing|259200";
  EXPECT_TRUE(Has(CopyFor(at72, "la-staffordshire"), "<Reason>missing_72_hours</Reason>"));
  EXPECT_TRUE(Has(CopyFor(at72, "la-derby"), "<Reason>missing_72_hours</Reason>"));

  EXPECT_EQ(FireAt(seen + 120h - 1s), 0);
  EXPECT_EQ(FireAt(seen + 120h), 1);
  EXPECT_TRUE(Has(CopyFor(ref + "|long_missing|432000", "la-derby"),
                  "<Reason>missing_over_5_days</Reason>"));
  EXPECT_EQ(Fired().size(), 2u);
}

TEST_F(SafeguardingClockTest, AFoundReportCancelsLongMissingTimers) {
  const std::string ref = "DB/21/2026/000105";
  const model::Timestamp seen = Start();
  clock_.Set(seen + 1h);
  Missing(ref, seen);
  clock_.Set(seen + 70h);
  Found(ref, seen, seen + 69h);
  EXPECT_EQ(TimerStates(ref)[ref + "|long_missing|259200"], "cancelled");
  EXPECT_EQ(TimerStates(ref)[ref + "|long_missing|432000"], "cancelled");
  // Past five days only the RHI reminder fires (due soon, at found + 48 h).
  EXPECT_EQ(FireAt(seen + 5 * 24h + 1h), 1);
  ASSERT_EQ(Fired().size(), 1u);
  EXPECT_EQ(Fired()[0].first, "rhi_due_soon");
}

// Episodes every 5 days, each found within hours: the 3rd, 5th and 9th
// alert, the others (the 4th among them) do not.
TEST_F(SafeguardingClockTest, ThirdFifthAndNinthEpisodesIn90DaysAlertAndTheFourthDoesNot) {
  std::vector<int> alerted;
  for (int n = 1; n <= 10; ++n) {
    const std::string ref = "DB/21/2026/0002" + std::to_string(10 + n);
    const model::Timestamp seen = Start() + (n - 1) * 5 * 24h;
    clock_.Set(seen + 1h);
    Missing(ref, seen);
    clock_.Set(seen + 2h);
    Found(ref, seen, seen + 2h);
    Interview(ref);
    const int raised = FireAt(seen + 3h);
    ASSERT_GE(raised, 0);
    if (raised > 0) {
      alerted.push_back(n);
      const std::string copy = CopyFor(ref + "|repeat|" + std::to_string(n) + "/90", "la-derby");
      EXPECT_TRUE(Has(copy, "<Reason>repeat_episodes</Reason>")) << n;
      EXPECT_TRUE(Has(copy, "<EpisodeCount>" + std::to_string(n) + "</EpisodeCount>")) << n;
      EXPECT_TRUE(Has(copy, "<WindowDays>90</WindowDays>")) << copy;
    }
  }
  EXPECT_EQ(alerted, (std::vector<int>{3, 5, 9}));
}

// A force's back-fill: one batch holding three episodes of one child (each
// reported and found) is committed together, and yet each record is decided
// on what the ones before it stored: the third episode crosses the 3-in-90
// threshold exactly as when the records came one by one, and each episode
// ends found.
TEST_F(SafeguardingClockTest, ABatchBackFillCountsAChildsEpisodesAsIfSentOneByOne) {
  std::string ndjson;
  std::vector<std::string> refs;
  for (int n = 0; n < 3; ++n) {
    const std::string ref = "DB/21/2026/0004" + std::to_string(10 + n);
    refs.push_back(ref);
    const model::Timestamp seen = Start() + n * 5 * 24h;
    json found = Record("FOUND", ref, 2, seen);
    found["FoundDateTime"] = Local(seen + 2h);
    found["FoundLocation"] = "Derby bus station DE1 2AB";
    found["FoundBy"] = "POLICE";
    ndjson += Record("MISSING_REPORT", ref, 1, seen).dump() + "\n" + found.dump() + "\n";
  }
  auto decoded = adapters::compact::DecodeNdjson(ndjson, {});
  ASSERT_TRUE(decoded.ok());
  ASSERT_EQ(decoded->size(), 6u);
  clock_.Set(Start() + 10 * 24h + 3h);
  std::vector<IngestRequest> requests;
  for (std::size_t i = 0; i < decoded->size(); ++i) {
    requests.push_back(IngestRequest{"police-derbys", adapters::Format::kCompact, "",
                                     "backfill#" + std::to_string(i), clock_.Now()});
  }
  const auto answers = pipeline_->SubmitDecodedAll(*rules_state_, requests, *decoded);
  ASSERT_EQ(answers.size(), 6u);
  for (const IngestAnswer& answer : answers) EXPECT_EQ(answer.status, 202) << answer.body.dump();
  for (const std::string& ref : refs) {
    auto episode = store_->LoadEpisode(ref);
    ASSERT_TRUE(episode.ok() && episode->has_value()) << ref;
    EXPECT_EQ((*episode)->state, "found") << ref;
    EXPECT_EQ((*episode)->latest_record_version, 2) << ref;
  }
  EXPECT_EQ(TimerStates(refs[0]).count(refs[0] + "|repeat|3/90"), 0u);
  EXPECT_EQ(TimerStates(refs[1]).count(refs[1] + "|repeat|3/90"), 0u);
  EXPECT_EQ(TimerStates(refs[2]).count(refs[2] + "|repeat|3/90"), 1u);
  ASSERT_GE(FireAt(clock_.Now()), 1);
  EXPECT_EQ(TimerStates(refs[2])[refs[2] + "|repeat|3/90"], "fired");
  EXPECT_TRUE(Has(CopyFor(refs[2] + "|repeat|3/90", "la-derby"), "<EpisodeCount>3</EpisodeCount>"));

  // The same batch again replays every record and stores nothing new.
  const std::size_t fired = Fired().size();
  const auto again = pipeline_->SubmitDecodedAll(*rules_state_, requests, *decoded);
  for (std::size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].status, 202);
    EXPECT_EQ(again[i].message_id, answers[i].message_id) << i;
  }
  EXPECT_EQ(Fired().size(), fired);
  EXPECT_EQ(FireAt(clock_.Now()), 0);
}

TEST_F(SafeguardingClockTest, DerbyshireThreeIn30DaysFromTheSameCode) {
  UseRules(kDerbyshireStyle);
  // Days 0, 20 and 45: never 3 within 30 days. Day 50: days 20, 45, 50.
  std::vector<int> alerted;
  for (int day : {0, 20, 45, 50}) {
    const std::string ref = "DB/21/2026/0003" + std::to_string(10 + day);
    const model::Timestamp seen = Start() + day * 24h;
    clock_.Set(seen + 1h);
    Missing(ref, seen);
    if (FireAt(seen + 1h) > 0) alerted.push_back(day);
  }
  EXPECT_EQ(alerted, (std::vector<int>{50}));
}

TEST_F(SafeguardingClockTest, HighRiskAlertsAtOnceAndOncePerRise) {
  const std::string ref = "DB/21/2026/000106";
  const model::Timestamp seen = Start();
  clock_.Set(seen + 1h);
  Missing(ref, seen, "HIGH");
  EXPECT_EQ(FireAt(seen + 1h), 1);  // no simulated time passes
  EXPECT_TRUE(
      Has(CopyFor(ref + "|high_risk|1", "la-staffordshire"), "<Reason>high_risk_missing</Reason>"));

  // Still high: no new alert. Down, then high again: one more.
  clock_.Set(seen + 2h);
  Send(Record("RISK_REVIEW", ref, 2, seen, "HIGH"));
  EXPECT_EQ(FireAt(seen + 2h), 0);
  Send(Record("RISK_REVIEW", ref, 3, seen, "MEDIUM"));
  EXPECT_EQ(FireAt(seen + 2h), 0);
  Send(Record("RISK_REVIEW", ref, 4, seen, "HIGH"));
  EXPECT_EQ(FireAt(seen + 2h), 1);
  EXPECT_EQ(TimerStates(ref)[ref + "|high_risk|4"], "fired");
}

// Found at 23:30 on Saturday 24 October 2026 (BST, 22:30Z); the clocks go
// back at 02:00 on Sunday. 72 hours is elapsed time: due at 22:30Z on
// Tuesday, which is 22:30 GMT on the wall, not 23:30.
TEST_F(SafeguardingClockTest, SeventyTwoHoursAcrossTheAutumnClockChange) {
  const std::string ref = "DB/21/2026/000107";
  const model::Timestamp found = sys_days{2026y / October / 24} + 22h + 30min;
  const model::Timestamp seen = found - 20h;
  clock_.Set(seen + 1h);
  Missing(ref, seen);
  clock_.Set(found + 1h);
  Found(ref, seen, found);
  auto timers = store_->ListTimers(ref);
  ASSERT_TRUE(timers.ok());
  model::Timestamp due{};
  for (const auto& t : *timers) {
    if (t.timer.kind == "rhi_due") due = t.timer.due_at;
  }
  EXPECT_EQ(due, sys_days{2026y / October / 27} + 22h + 30min);
  EXPECT_EQ(Local(due), "27/10/2026 22:30");
  EXPECT_EQ(FireAt(due - 1s), 1);  // the due-soon reminder only
  EXPECT_EQ(FireAt(due), 1);
  EXPECT_EQ(Fired().back().first, "rhi_due");
}

// Last seen at noon GMT on Saturday 28 March 2026; the clocks go forward
// at 01:00 on Sunday. 72 hours later is noon UTC on Tuesday, 13:00 BST on
// the wall; five days later, noon UTC on Thursday 2 April.
TEST_F(SafeguardingClockTest, LongMissingAcrossTheSpringClockChange) {
  const std::string ref = "DB/21/2026/000113";
  const model::Timestamp seen = sys_days{2026y / March / 28} + 12h;
  clock_.Set(seen + 1h);
  Missing(ref, seen);
  EXPECT_EQ(FireAt(sys_days{2026y / March / 31} + 12h - 1s), 0);
  EXPECT_EQ(Local(sys_days{2026y / March / 31} + 12h), "31/03/2026 13:00");
  FireAt(sys_days{2026y / March / 31} + 12h);
  EXPECT_EQ(TimerStates(ref)[ref + "|long_missing|259200"], "fired");
  FireAt(sys_days{2026y / April / 2} + 12h - 1s);
  EXPECT_EQ(TimerStates(ref)[ref + "|long_missing|432000"], "armed");
  FireAt(sys_days{2026y / April / 2} + 12h);
  EXPECT_EQ(TimerStates(ref)[ref + "|long_missing|432000"], "fired");
}

// An urgent deadline of 30 minutes that spans the autumn change (01:45
// BST, then 01:15 GMT on the wall) is 30 minutes of elapsed time.
TEST_F(SafeguardingClockTest, AnUrgentDeadlineAcrossTheAutumnClockChange) {
  UseRules(R"(format: isagw.safeguarding/1
id: SG-TEST-URGENT
title: Test rules
areas: [la-derby]
urgent_alerts: {clause: "§9", risk_at_least: high, acknowledge: business, within: 30m}
)");
  const model::Timestamp received = sys_days{2026y / October / 25} + 45min;  // 01:45 BST
  clock_.Set(received);
  Missing("DB/21/2026/000114", received - 1h, "HIGH");
  EXPECT_EQ(Local(received + 30min), "25/10/2026 01:15");
  EXPECT_EQ(FireAt(received + 30min - 1s), 0);
  EXPECT_EQ(FireAt(received + 30min), 2);  // Derby's and Staffordshire's copies
}

// Two workers (two replicas, or a process and its restart) on one store:
// each timer fires once.
TEST_F(SafeguardingClockTest, TwoWorkersFireEachTimerOnce) {
  const std::string ref = "DB/21/2026/000108";
  const model::Timestamp seen = Start();
  clock_.Set(seen + 1h);
  Missing(ref, seen);
  IngestPipeline other_pipeline(*store_);
  auto other = MakeWorker(other_pipeline);
  clock_.Set(seen + 6 * 24h);
  auto a = worker_->RunOnce();
  auto b = other->RunOnce();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->raised + b->raised, 2);  // 72 hours and five days
  EXPECT_EQ(Fired().size(), 2u);
  EXPECT_EQ(Count("messages WHERE kind = 'escalation'"), 2);
}

// A backlog (the gateway was down for a month) fires on several threads
// at once; every timer fires once, and the timers of one episode fire one
// after another in due order, so its escalations reach each recipient in
// that order (a copy's place in line is its commit's).
TEST_F(SafeguardingClockTest, ABacklogOfManyEpisodesFiresEachTimerOnceAndEachEpisodesInOrder) {
  const model::Timestamp seen = Start();
  clock_.Set(seen + 1h);
  constexpr int kEpisodes = 12;
  for (int i = 0; i < kEpisodes; ++i) {
    Missing("DB/21/2026/0002" + std::to_string(10 + i), seen, "HIGH");
  }
  clock_.Set(seen + 30 * 24h);
  auto pass = worker_->RunOnce();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->unavailable, 0);
  EXPECT_EQ(pass->failed, 0);
  EXPECT_EQ(pass->not_armed, 0);
  EXPECT_EQ(pass->raised, pass->claimed);
  EXPECT_GE(pass->raised, 3 * kEpisodes);  // high risk, 72 hours, five days each
  EXPECT_EQ(Count("messages WHERE kind = 'escalation'"), pass->raised);
  EXPECT_EQ(static_cast<int>(Fired().size()), pass->raised);
  EXPECT_EQ(FireAt(seen + 30 * 24h + 1s), 0);

  // Escalations in commit order: each episode's timers' due times rise.
  auto db = store::SqliteDatabase::Open(path_);
  auto q = db->Prepare(
      "SELECT t.subject, t.due_at FROM timers t JOIN messages m ON m.id = t.message_id"
      " ORDER BY m.rowid");
  std::map<std::string, std::vector<std::int64_t>> due_in_commit_order;
  while (*q->Step()) due_in_commit_order[q->ColumnText(0)].push_back(q->ColumnInt(1));
  EXPECT_EQ(due_in_commit_order.size(), static_cast<std::size_t>(kEpisodes));
  for (const auto& [subject, due] : due_in_commit_order) {
    EXPECT_TRUE(std::is_sorted(due.begin(), due.end())) << "an episode's escalations overtook";
  }
}

// A worker that claimed a timer and died: the timer waits for the lease,
// then fires once.
TEST_F(SafeguardingClockTest, AClaimLostToACrashFiresAfterItsLease) {
  const std::string ref = "DB/21/2026/000109";
  const model::Timestamp seen = Start();
  clock_.Set(seen + 1h);
  Missing(ref, seen, "HIGH");
  auto claimed = store_->ClaimDueTimers(clock_.Now(), clock_.Now() + 60s, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);  // then the process is killed
  EXPECT_EQ(FireAt(seen + 1h + 30s), 0);
  EXPECT_EQ(FireAt(seen + 1h + 60s), 1);
  EXPECT_EQ(FireAt(seen + 1h + 300s), 0);
  EXPECT_EQ(Fired().size(), 1u);
}

// Every timer that fell due while the gateway was down fires on the first pass.
TEST_F(SafeguardingClockTest, TimersDueWhileDownFireAtStart) {
  const std::string ref = "DB/21/2026/000110";
  const model::Timestamp seen = Start();
  clock_.Set(seen + 1h);
  Missing(ref, seen, "HIGH");
  EXPECT_EQ(FireAt(seen + 30 * 24h), 3);  // high risk, 72 hours, five days
  EXPECT_EQ(Fired().size(), 3u);
}

// A timer whose source record can no longer be read (its key shredded)
// is marked failed and audited, not retried for ever nor dropped silently.
TEST_F(SafeguardingClockTest, ATimerThatCanNeverFireIsMarkedFailedAndAudited) {
  const std::string ref = "DB/21/2026/000111";
  const model::Timestamp seen = Start();
  clock_.Set(seen + 1h);
  Missing(ref, seen);
  {
    auto db = store::SqliteDatabase::Open(path_);
    ASSERT_TRUE(db->Execute("UPDATE timers SET spec = 'not json'").ok());
  }
  EXPECT_EQ(FireAt(seen + 6 * 24h), 0);
  EXPECT_EQ(TimerStates(ref)[ref + "|long_missing|259200"], "failed");
  EXPECT_EQ(Count("audit WHERE kind = 'timer_failed'"), 2);
}

// Arming and cancelling are audited without the police reference.
TEST_F(SafeguardingClockTest, TimersSetAreAuditedWithoutThePoliceReference) {
  const std::string ref = "DB/21/2026/000112";
  clock_.Set(Start() + 1h);
  Missing(ref, Start());
  auto db = store::SqliteDatabase::Open(path_);
  auto q = db->Prepare("SELECT body FROM audit WHERE kind = 'timers_set'");
  ASSERT_TRUE(*q->Step());
  const json body = json::parse(q->ColumnText(0));
  EXPECT_EQ(body["armed"].size(), 2u);
  EXPECT_EQ(body["armed"][0]["rule"], "SG-TEST-DERBY §2");
  EXPECT_EQ(q->ColumnText(0).find(ref), std::string::npos);
}

class UrgentAlertTest : public SafeguardingClockTest {
 protected:
  // The copy `agency` got of the first message with it as a recipient.
  std::string CopyOf(const std::string& agency) {
    auto db = store::SqliteDatabase::Open(path_);
    auto q = db->Prepare("SELECT id FROM outbox WHERE recipient = ?1 ORDER BY seq LIMIT 1");
    q->Bind(1, std::string_view(agency));
    return *q->Step() ? q->ColumnText(0) : "";
  }
  int AuditCount(const std::string& kind) { return Count("audit WHERE kind = '" + kind + "'"); }
};

// Derby (the host) has two duty endpoints; Staffordshire (placing) none.
TEST_F(UrgentAlertTest, AnUnansweredAlertGoesToTwoDutyContactsThenTheSenderIsTold) {
  UseRules(kUrgentBusiness);
  const std::string ref = "DB/21/2026/000201";
  const model::Timestamp t0 = Start();
  clock_.Set(t0);
  Missing(ref, t0 - 1h, "HIGH");
  const std::string derby = CopyOf("la-derby");
  ASSERT_FALSE(derby.empty());
  ASSERT_FALSE(CopyOf("la-staffordshire").empty());

  EXPECT_EQ(FireAt(t0 + 30min - 1s), 0);
  EXPECT_EQ(FireAt(t0 + 30min), 2);
  // Derby's copy, as it is, to its emergency duty team.
  const std::string edt = CopyOf("la-derby-edt");
  ASSERT_FALSE(edt.empty());
  EXPECT_EQ(Payload("la-derby-edt", edt), Payload("la-derby", derby));
  // Staffordshire has no duty contact: the police hear nobody answered.
  EXPECT_EQ(AuditCount("alert_escalated"), 1);
  EXPECT_EQ(AuditCount("alert_unanswered"), 1);
  EXPECT_EQ(Count("outbox WHERE recipient = 'police-derbys' AND format = 'problem'"), 1);

  // The duty team does not answer either: then the head of service.
  EXPECT_EQ(FireAt(t0 + 60min - 1s), 0);
  EXPECT_EQ(FireAt(t0 + 60min), 1);
  const std::string hos = CopyOf("la-derby-hos");
  ASSERT_FALSE(hos.empty());
  EXPECT_EQ(Payload("la-derby-hos", hos), Payload("la-derby", derby));
  EXPECT_EQ(AuditCount("alert_escalated"), 2);
  // Nobody left: the police are told about Derby's copy too; then nothing more.
  EXPECT_EQ(FireAt(t0 + 90min), 1);
  EXPECT_EQ(Count("outbox WHERE recipient = 'police-derbys' AND format = 'problem'"), 2);
  EXPECT_EQ(FireAt(t0 + 24h), 0);
}

TEST_F(UrgentAlertTest, AnActionStopsTheDeadlineAndTheSenderSeesIt) {
  UseRules(kUrgentBusiness);
  const model::Timestamp t0 = Start();
  clock_.Set(t0);
  Missing("DB/21/2026/000202", t0 - 1h, "HIGH");
  const std::string derby = CopyOf("la-derby");
  // Fetching and acknowledging is not enough when the rule wants an action.
  ASSERT_TRUE(store_->AcknowledgeMailboxItem("la-derby", derby, t0 + 5min, {}).ok());
  ASSERT_TRUE(store_
                  ->RecordAction("la-derby", derby,
                                 store::BusinessAction{"MASH duty team", "CASE-1", t0 + 10min}, {})
                  .ok());
  EXPECT_EQ(FireAt(t0 + 30min), 1);  // Staffordshire's copy only
  EXPECT_TRUE(CopyOf("la-derby-edt").empty());

  auto db = store::SqliteDatabase::Open(path_);
  auto q = db->Prepare("SELECT message_id FROM outbox WHERE id = ?1");
  q->Bind(1, std::string_view(derby));
  ASSERT_TRUE(*q->Step());
  auto status = store_->GetMessageStatus("police-derbys", q->ColumnText(0));
  ASSERT_TRUE(status.ok());
  bool seen = false;
  for (const auto& r : status->recipients) {
    if (r.delivery_id != derby) continue;
    seen = true;
    ASSERT_TRUE(r.action.has_value());
    EXPECT_EQ(r.action->team, "MASH duty team");
    EXPECT_EQ(r.action->reference, "CASE-1");
  }
  EXPECT_TRUE(seen);
}

TEST_F(UrgentAlertTest, ATransportAcknowledgementIsEnoughWhenTheRuleSaysSo) {
  UseRules(kUrgentTransport);
  const model::Timestamp t0 = Start();
  clock_.Set(t0);
  Missing("DB/21/2026/000203", t0 - 1h, "HIGH");
  ASSERT_TRUE(store_->AcknowledgeMailboxItem("la-derby", CopyOf("la-derby"), t0 + 5min, {}).ok());
  ASSERT_TRUE(
      store_->AcknowledgeMailboxItem("la-staffordshire", CopyOf("la-staffordshire"), t0 + 6min, {})
          .ok());
  EXPECT_EQ(FireAt(t0 + 8h), 0);
  EXPECT_EQ(AuditCount("alert_escalated") + AuditCount("alert_unanswered"), 0);
}

TEST_F(UrgentAlertTest, OnlyUrgentReportsWaitForAnAnswer) {
  UseRules(kUrgentBusiness);
  const model::Timestamp t0 = Start();
  clock_.Set(t0);
  Missing("DB/21/2026/000204", t0 - 1h, "MEDIUM");
  EXPECT_EQ(FireAt(t0 + 8h), 0);
  EXPECT_EQ(Count("timers"), 0);
}

}  // namespace
}  // namespace isagw::pipeline::testing
