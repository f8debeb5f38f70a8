// `isagw policy timers` end to end through a configuration file: a minimal
// deployment in a scratch directory, timers armed, cancelled and fired
// through SqliteStore::Commit as the pipeline and the timer worker do, and
// the command function called as main() would.
#include "gateway/cli/timers_command.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/crypto/key_ring.h"
#include "gateway/crypto/sealer.h"
#include "gateway/safeguarding/timer_plan.h"
#include "gateway/store/sqlite_store.h"
#include "tests/cli/command_outcome.h"
#include "tests/common/temp_dir.h"
#include "tests/config/minimal_deployment.h"

namespace isagw::cli {
namespace {

using testing::Contains;
using testing::Outcome;

namespace fs = std::filesystem;
using namespace std::chrono;
using nlohmann::json;
using policy::Role;

constexpr const char* kPoliceRef = "DB/21/2026/004512";
// In the stored message only: never in what the command prints.
constexpr const char* kForename = "Zephyrine";

// Around the October clock change (01:00 UTC on 25 October 2026), so UK
// local times are BST before it and GMT after.
const model::Timestamp kReported = sys_days{2026y / October / 22} + 10h;  // 11:00 BST
const model::Timestamp kFound = sys_days{2026y / October / 23} + 18h + 30min;
const model::Timestamp kFired = sys_days{2026y / October / 25} + 18h + 30min + 7s;

std::shared_ptr<const crypto::Sealer> TestSealer() {
  auto ring = std::make_shared<crypto::KeyRing>();
  crypto::SecretKey key{};
  key.fill(7);
  ring->Add("inbound", "k1", key);
  return std::make_shared<crypto::Sealer>(ring);
}

safeguarding::TimerSpec Spec(model::EscalationReason reason, const std::string& clause,
                             safeguarding::Audience notify, const std::string& detail) {
  safeguarding::TimerSpec spec;
  spec.reason = reason;
  spec.source = {"SG-DERBY-2026", clause, 20};
  spec.notify = std::move(notify);
  spec.detail = "SG-DERBY-2026 " + clause + ": " + detail;
  return spec;
}

store::Timer MakeTimer(const std::string& police_ref, std::string_view kind,
                       model::Timestamp due_at, const safeguarding::TimerSpec& spec,
                       const std::string& source) {
  store::Timer t;
  t.id = police_ref + "|" + std::string(kind);
  t.subject = police_ref;
  t.kind = std::string(kind);
  t.due_at = due_at;
  t.spec_json = safeguarding::SpecToJson(spec).dump();
  t.source_message_id = source;
  return t;
}

store::Acceptance Message(const std::string& id, model::Timestamp at) {
  store::Acceptance a;
  a.message.id = id;
  a.message.sender = "police-derbys";
  a.message.format = "compact";
  a.message.kind = "missing_reported";
  a.message.police_ref = kPoliceRef;
  a.message.received_at = at;
  a.message.canonical_json = std::string(R"({"child":{"forename":")") + kForename + R"("}})";
  a.message.answer_json = R"({"message_id":")" + id + R"("})";
  return a;
}

class PolicyTimersCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = isagw::testing::WriteMinimalDeployment(dir_);
    fs::create_directories(dir_.path() / "var");
  }

  // The episode's clock as the pipeline and the timer worker leave it:
  // m-1 (missing) arms long_missing; m-2 (found) cancels it and arms
  // rhi_due_soon and rhi_due; m-3 (the reminder) fires rhi_due_soon. A
  // timer of another episode is stored too.
  void BuildStore() {
    auto opened = store::SqliteStore::Open(store_, TestSealer());
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    store::SqliteStore& s = **opened;

    store::Acceptance missing = Message("m-1", kReported);
    missing.arm_timers.push_back(
        MakeTimer(kPoliceRef, safeguarding::kLongMissing, kReported + 72h,
                  Spec(model::EscalationReason::kMissing72Hours, "§2.2",
                       {Role::kHostLa, Role::kPlacingLa}, "missing 72 hours or longer"),
                  "m-1"));
    ASSERT_TRUE(s.Commit(missing).ok());

    store::Acceptance found = Message("m-2", kFound);
    found.cancel_timers.push_back({kPoliceRef, std::string(safeguarding::kLongMissing)});
    const safeguarding::Audience rhi_audience{Role::kCommissionedProvider, Role::kHostLa};
    found.arm_timers.push_back(
        MakeTimer(kPoliceRef, safeguarding::kRhiDue, kFound + 72h,
                  Spec(model::EscalationReason::kRhiOverdue, "§2.1", rhi_audience,
                       "no return home interview recorded within 72 hours"),
                  "m-2"));
    found.arm_timers.push_back(
        MakeTimer(kPoliceRef, safeguarding::kRhiDueSoon, kFound + 48h,
                  Spec(model::EscalationReason::kRhiDueSoon, "§2.1", rhi_audience,
                       "the return home interview is due within 24 hours"),
                  "m-2"));
    ASSERT_TRUE(s.Commit(found).ok());

    store::Acceptance reminder = Message("m-3", kFired);
    reminder.message.sender = "gateway";
    reminder.message.kind = "escalation";
    reminder.fires_timer = std::string(kPoliceRef) + "|" + std::string(safeguarding::kRhiDueSoon);
    ASSERT_TRUE(s.Commit(reminder).ok());

    store::Acceptance other = Message("m-4", kFound);
    other.message.police_ref = "DB/21/2026/009999";
    other.arm_timers.push_back(MakeTimer(
        "DB/21/2026/009999", safeguarding::kLongMissing, kFound + 72h,
        Spec(model::EscalationReason::kMissing72Hours, "§2.2", {Role::kHostLa}, "missing"), "m-4"));
    ASSERT_TRUE(s.Commit(other).ok());
  }

  Outcome Run(PolicyTimersArgs args) {
    std::ostringstream out, err;
    Outcome outcome;
    outcome.code = RunPolicyTimersCommand(args, out, err);
    outcome.out = out.str();
    outcome.err = err.str();
    return outcome;
  }

  Outcome Timers(std::string police_ref = kPoliceRef, bool as_json = false) {
    return Run({config_.string(), std::move(police_ref), as_json});
  }

  isagw::testing::ScratchDir dir_;
  fs::path config_;
  fs::path store_ = dir_.path() / "var/isagw.db";  // store.path in kMinimalGatewayYaml
};

TEST_F(PolicyTimersCommand, ListsTheEpisodesTimersInDueOrderWithRuleAudienceAndEnd) {
  BuildStore();
  const Outcome run = Timers();
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.out,
            "3 timers, in due order (UTC; UK local time in brackets)\n"
            "\n"
            "long_missing  cancelled\n"
            "  due       2026-10-25T10:00:00Z (2026-10-25 10:00:00 GMT)\n"
            "  rule      SG-DERBY-2026 §2.2\n"
            "  reason    missing_72_hours (missing 72 hours or longer)\n"
            "  notify    host_la, placing_la\n"
            "  armed     2026-10-22T10:00:00Z (2026-10-22 11:00:00 BST), from message m-1\n"
            "  cancelled 2026-10-23T18:30:00Z (2026-10-23 19:30:00 BST), by message m-2\n"
            "\n"
            "rhi_due_soon  fired\n"
            "  due       2026-10-25T18:30:00Z (2026-10-25 18:30:00 GMT)\n"
            "  rule      SG-DERBY-2026 §2.1\n"
            "  reason    rhi_due_soon (the return home interview is due within 24 hours)\n"
            "  notify    host_la, commissioned_provider\n"
            "  armed     2026-10-23T18:30:00Z (2026-10-23 19:30:00 BST), from message m-2\n"
            "  fired     2026-10-25T18:30:07Z (2026-10-25 18:30:07 GMT), raised message m-3\n"
            "\n"
            "rhi_due  armed\n"
            "  due       2026-10-26T18:30:00Z (2026-10-26 18:30:00 GMT)\n"
            "  rule      SG-DERBY-2026 §2.1\n"
            "  reason    rhi_overdue (no return home interview recorded within 72 hours)\n"
            "  notify    host_la, commissioned_provider\n"
            "  armed     2026-10-23T18:30:00Z (2026-10-23 19:30:00 BST), from message m-2\n");
  EXPECT_FALSE(Contains(run.out, kForename));
}

TEST_F(PolicyTimersCommand, JsonListsTheSameFields) {
  BuildStore();
  const Outcome run = Timers(kPoliceRef, /*as_json=*/true);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_FALSE(Contains(run.out, kForename));
  const json list = json::parse(run.out);
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 3u);

  const json& cancelled = list[0];
  EXPECT_EQ(cancelled["id"], std::string(kPoliceRef) + "|long_missing");
  EXPECT_EQ(cancelled["kind"], "long_missing");
  EXPECT_EQ(cancelled["state"], "cancelled");
  EXPECT_EQ(cancelled["due_at"], "2026-10-25T10:00:00Z");
  EXPECT_EQ(cancelled["due_at_uk"], "2026-10-25 10:00:00 GMT");
  EXPECT_EQ(cancelled["rule"], "SG-DERBY-2026 §2.2");
  EXPECT_EQ(cancelled["rules_id"], "SG-DERBY-2026");
  EXPECT_EQ(cancelled["clause"], "§2.2");
  EXPECT_EQ(cancelled["reason"], "missing_72_hours");
  EXPECT_EQ(cancelled["detail"], "SG-DERBY-2026 §2.2: missing 72 hours or longer");
  EXPECT_EQ(cancelled["notify"], json({"host_la", "placing_la"}));
  EXPECT_EQ(cancelled["armed_at"], "2026-10-22T10:00:00Z");
  EXPECT_EQ(cancelled["source_message_id"], "m-1");
  EXPECT_EQ(cancelled["finished_at"], "2026-10-23T18:30:00Z");
  EXPECT_EQ(cancelled["finished_at_uk"], "2026-10-23 19:30:00 BST");
  EXPECT_EQ(cancelled["message_id"], "m-2");
  EXPECT_TRUE(cancelled["note"].is_null());

  const json& fired = list[1];
  EXPECT_EQ(fired["kind"], "rhi_due_soon");
  EXPECT_EQ(fired["state"], "fired");
  EXPECT_EQ(fired["due_at"], "2026-10-25T18:30:00Z");
  EXPECT_EQ(fired["rule"], "SG-DERBY-2026 §2.1");
  EXPECT_EQ(fired["reason"], "rhi_due_soon");
  EXPECT_EQ(fired["notify"], json({"host_la", "commissioned_provider"}));
  EXPECT_EQ(fired["finished_at"], "2026-10-25T18:30:07Z");
  EXPECT_EQ(fired["message_id"], "m-3");

  const json& armed = list[2];
  EXPECT_EQ(armed["kind"], "rhi_due");
  EXPECT_EQ(armed["state"], "armed");
  EXPECT_EQ(armed["due_at"], "2026-10-26T18:30:00Z");
  EXPECT_EQ(armed["due_at_uk"], "2026-10-26 18:30:00 GMT");
  EXPECT_EQ(armed["rule"], "SG-DERBY-2026 §2.1");
  EXPECT_EQ(armed["reason"], "rhi_overdue");
  EXPECT_EQ(armed["notify"], json({"host_la", "commissioned_provider"}));
  EXPECT_EQ(armed["source_message_id"], "m-2");
  EXPECT_TRUE(armed["finished_at"].is_null());
  EXPECT_TRUE(armed["finished_at_uk"].is_null());
  EXPECT_TRUE(armed["message_id"].is_null());
}

TEST_F(PolicyTimersCommand, SaysSoWhenTheEpisodeHasNoTimers) {
  BuildStore();
  const Outcome run = Timers("DB/21/2026/000001");
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "No safeguarding timers for this episode.\n");

  const Outcome as_json = Timers("DB/21/2026/000001", /*as_json=*/true);
  EXPECT_EQ(as_json.code, 0) << as_json.err;
  EXPECT_EQ(as_json.out, "[]\n");
}

TEST_F(PolicyTimersCommand, ShowsATimerWhoseSpecDoesNotReadWithoutItsRule) {
  BuildStore();
  {
    auto opened = store::SqliteStore::Open(store_, TestSealer());
    ASSERT_TRUE(opened.ok());
    store::Acceptance odd = Message("m-5", kFound);
    store::Timer t = MakeTimer("DB/21/2026/000002", safeguarding::kHighRisk, kFound,
                               safeguarding::TimerSpec{}, "m-5");
    t.spec_json = "{}";
    odd.arm_timers.push_back(t);
    ASSERT_TRUE((*opened)->Commit(odd).ok());
  }
  const Outcome run = Timers("DB/21/2026/000002");
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "high_risk  armed\n")) << run.out;
  EXPECT_TRUE(Contains(run.out, "  rule      unknown: the timer's spec is malformed\n")) << run.out;
}

TEST_F(PolicyTimersCommand, ABadConfigurationCannotRun) {
  dir_.Write("gateway.yaml", "version: 1\nlisteners: [\n");
  const Outcome run = Timers();
  EXPECT_EQ(run.code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_TRUE(Contains(run.err, "did not load")) << run.err;

  const Outcome no_config = Run({"", kPoliceRef, false});
  EXPECT_EQ(no_config.code, 2);
  EXPECT_TRUE(Contains(no_config.err, "--config FILE is required")) << no_config.err;
}

TEST_F(PolicyTimersCommand, AMissingStoreCannotRunAndIsNotCreated) {
  const Outcome run = Timers();
  EXPECT_EQ(run.code, 2);
  EXPECT_TRUE(Contains(run.err, "(store.path) does not exist")) << run.err;
  EXPECT_FALSE(fs::exists(store_));
}

TEST_F(PolicyTimersCommand, RefusesAnEmptyOrOverlongReferenceWithoutRepeatingIt) {
  BuildStore();
  const Outcome empty = Timers("");
  EXPECT_EQ(empty.code, 2);
  EXPECT_TRUE(Contains(empty.err, "POLICE_REF is empty")) << empty.err;

  const std::string overlong = "DB/" + std::string(62, '7');
  const Outcome long_ref = Timers(overlong);
  EXPECT_EQ(long_ref.code, 2);
  EXPECT_TRUE(Contains(long_ref.err, "longer than 64")) << long_ref.err;
  EXPECT_FALSE(Contains(long_ref.err, overlong));
  EXPECT_EQ(long_ref.out, "");

  // 64 is allowed.
  EXPECT_EQ(Timers("DB/" + std::string(61, '7')).code, 0);
}

}  // namespace
}  // namespace isagw::cli
