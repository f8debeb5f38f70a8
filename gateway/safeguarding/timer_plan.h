// TimerPlan: which safeguarding timers a police or RHI record arms and
// cancels. Pure: it reads the area's rules, the episode as it stands after
// the record and a count of the child's recent episodes, and returns store
// rows; the pipeline commits them with the record, so a timer exists
// exactly when the message that caused it does.
//
//   missing (any record while missing)  arms long_missing at missing_since + after
//   found / closed                      cancels long_missing
//   found (and later records)           arms rhi_due at found_at + after, and
//                                       rhi_due_soon warn_before earlier
//   rhi_recorded (outcome other than    cancels rhi_due and rhi_due_soon of
//   not_offered)                        each episode it covers
//   a new episode                       arms repeat_episodes (due now) when the
//                                       child's count in a window reaches a threshold
//   risk at or above high_risk          arms high_risk (due now) when the episode
//                                       opens at it or rises to it
//
// Re-arming a timer with the same id moves its due time and source message
// while it is armed and does nothing once it has fired or been cancelled.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/model/episode.h"
#include "gateway/model/time.h"
#include "gateway/safeguarding/rules.h"
#include "gateway/store/store.h"

namespace isagw::safeguarding {

// Timer kinds, as stored (store::Timer::kind).
inline constexpr std::string_view kRhiDue = "rhi_due";
inline constexpr std::string_view kRhiDueSoon = "rhi_due_soon";
inline constexpr std::string_view kLongMissing = "long_missing";
inline constexpr std::string_view kRepeatEpisodes = "repeat_episodes";
inline constexpr std::string_view kHighRisk = "high_risk";
// An urgent copy's deadline, ended by the acknowledgement its rule wants:
// transport (delivered or acknowledged from the mailbox) or business
// (actioned); the store cancels them (store.h, RecordAction).
inline constexpr std::string_view kUrgentAckTransport = "urgent_ack_transport";
inline constexpr std::string_view kUrgentAckBusiness = "urgent_ack_business";
bool IsUrgentAck(std::string_view kind);

// What a timer raises when it fires (store::Timer::spec_json). No
// personal data: the child and episode come from the source message.
struct TimerSpec {
  model::EscalationReason reason = model::EscalationReason::kOther;
  RuleSource source;
  Audience notify;
  std::optional<int> episode_count;  // repeat_episodes
  std::optional<int> window_days;    // repeat_episodes
  std::string detail;                // "SG-STAFFS-2026 §3.2: missing 72 hours or longer"
  // urgent_ack: the copy that was not acknowledged, and which of the
  // recipient's duty contacts this step goes to (0 = the first).
  std::optional<std::string> delivery_id;
  std::optional<int> contact_step;
  std::optional<int> within_seconds;  // the deadline, for the next step
  friend bool operator==(const TimerSpec&, const TimerSpec&) = default;
};

nlohmann::json SpecToJson(const TimerSpec& spec);
Result<TimerSpec, std::string> SpecFromJson(std::string_view text);

// The police record just applied.
struct PoliceRecordMoment {
  const model::Episode* episode = nullptr;  // after the record
  bool opened = false;                      // this record opened the episode
  std::optional<model::RiskLevel> risk_before;
  std::string message_id;  // the record's stored message: the timers' source
  model::Timestamp now{};  // when it was received
};

struct TimerPlan {
  std::vector<store::Timer> arm;
  std::vector<store::TimerCancel> cancel;
  bool empty() const { return arm.empty() && cancel.empty(); }
};

// The child's other episodes that began within `window_days` before the
// new one (the new one not counted), counted up to `at_most` (a threshold
// only asks whether it is reached); nullopt when unknown (no child key).
// PlanForPoliceRecord asks once a window, with the largest count of that
// window's rules.
using EpisodeCounter = std::function<std::optional<int>(int window_days, int at_most)>;

TimerPlan PlanForPoliceRecord(const AreaRules& rules, const PoliceRecordMoment& moment,
                              const EpisodeCounter& other_episodes_in_window);

// The deadlines of an urgent alert: when the record makes the episode
// urgent (it opens at or rises to urgent_alerts.risk_at_least), one timer
// per copy made of it, due `within` from now.
std::vector<store::Timer> PlanUrgentAlerts(const AreaRules& rules, const PoliceRecordMoment& moment,
                                           const std::vector<std::string>& delivery_ids);

// The next deadline after an urgent copy went to duty contact `step`
// (0 = the first): the same rule, about the copy just made.
store::Timer NextUrgentDeadline(const TimerSpec& spec, std::string_view kind,
                                const std::string& delivery_id, int step,
                                const std::string& source_message_id, model::Timestamp now);

// Cancels the RHI timers of every episode an RHI record covers, unless it
// says the interview was not offered.
TimerPlan PlanForRhiRecord(const std::vector<std::string>& police_refs,
                           std::optional<model::RhiOutcome> outcome);

// "<rules id> <clause>", as cited in escalations, audit and explain.
std::string Cite(const RuleSource& source);

}  // namespace isagw::safeguarding
