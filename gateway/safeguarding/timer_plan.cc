#include "gateway/safeguarding/timer_plan.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace isagw::safeguarding {
namespace {

using model::EscalationReason;
using nlohmann::json;

std::string Seconds(std::chrono::seconds d) { return std::to_string(d.count()); }

// "72 hours", "5 days", "90 minutes": for escalation details people read.
std::string Describe(std::chrono::seconds d) {
  const auto s = d.count();
  if (s % 86400 == 0) return std::to_string(s / 86400) + (s == 86400 ? " day" : " days");
  if (s % 3600 == 0) return std::to_string(s / 3600) + (s == 3600 ? " hour" : " hours");
  return std::to_string(s / 60) + " minutes";
}

EscalationReason LongMissingReason(std::chrono::seconds after) {
  if (after == std::chrono::hours(72)) return EscalationReason::kMissing72Hours;
  if (after == std::chrono::hours(120)) return EscalationReason::kMissingOver5Days;
  return EscalationReason::kMissingLong;
}

store::Timer MakeTimer(std::string id, std::string_view kind, const std::string& police_ref,
                       model::Timestamp due_at, const TimerSpec& spec,
                       const std::string& message_id) {
  store::Timer t;
  t.id = std::move(id);
  t.subject = police_ref;
  t.kind = std::string(kind);
  t.due_at = due_at;
  t.spec_json = SpecToJson(spec).dump();
  t.source_message_id = message_id;
  return t;
}

// True when this record makes the episode reach `at_least`: it opens at
// that risk or a re-grading raises it there.
bool BecomesAtLeast(const PoliceRecordMoment& moment, model::RiskLevel at_least) {
  const model::Episode& episode = *moment.episode;
  if (episode.state() != model::EpisodeState::kMissing) return false;
  const std::optional<model::RiskLevel> risk = episode.current_risk();
  const bool now_at = risk && *risk >= at_least;
  const bool was = moment.risk_before && *moment.risk_before >= at_least;
  return now_at && (moment.opened || !was);
}

}  // namespace

std::string Cite(const RuleSource& source) { return source.rules_id + " " + source.clause; }

json SpecToJson(const TimerSpec& spec) {
  json j = {{"reason", *model::kEscalationReasonNames.Name(spec.reason)},
            {"rules", spec.source.rules_id},
            {"clause", spec.source.clause},
            {"line", spec.source.line},
            {"detail", spec.detail}};
  json notify = json::array();
  for (policy::Role r : spec.notify) notify.push_back(*policy::kRoleNames.Name(r));
  j["notify"] = std::move(notify);
  if (spec.episode_count) j["episode_count"] = *spec.episode_count;
  if (spec.window_days) j["window_days"] = *spec.window_days;
  if (spec.delivery_id) j["delivery_id"] = *spec.delivery_id;
  if (spec.contact_step) j["contact_step"] = *spec.contact_step;
  if (spec.within_seconds) j["within_seconds"] = *spec.within_seconds;
  return j;
}

Result<TimerSpec, std::string> SpecFromJson(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Fail(std::string("the timer's spec is not a JSON object"));
  TimerSpec spec;
  try {
    auto reason = model::kEscalationReasonNames.Find(j.at("reason").get<std::string>());
    if (!reason) return Fail(std::string("the timer's spec has an unknown reason"));
    spec.reason = *reason;
    spec.source.rules_id = j.at("rules").get<std::string>();
    spec.source.clause = j.at("clause").get<std::string>();
    spec.source.line = j.value("line", 0);
    spec.detail = j.value("detail", std::string());
    for (const json& r : j.at("notify")) {
      auto role = policy::kRoleNames.Find(r.get<std::string>());
      if (!role) return Fail(std::string("the timer's spec names an unknown role"));
      spec.notify.insert(*role);
    }
    if (j.contains("episode_count")) spec.episode_count = j["episode_count"].get<int>();
    if (j.contains("window_days")) spec.window_days = j["window_days"].get<int>();
    if (j.contains("delivery_id")) spec.delivery_id = j["delivery_id"].get<std::string>();
    if (j.contains("contact_step")) spec.contact_step = j["contact_step"].get<int>();
    if (j.contains("within_seconds")) spec.within_seconds = j["within_seconds"].get<int>();
  } catch (const json::exception&) {
    return Fail(std::string("the timer's spec is malformed"));
  }
  return spec;
}

TimerPlan PlanForPoliceRecord(const AreaRules& rules, const PoliceRecordMoment& moment,
                              const EpisodeCounter& other_episodes_in_window) {
  TimerPlan plan;
  const model::Episode& episode = *moment.episode;
  const std::string& ref = episode.police_ref();
  const model::Timestamp now = moment.now;

  if (episode.state() == model::EpisodeState::kMissing) {
    const model::Timestamp since = episode.missing_since().value_or(now);
    for (const LongMissingRule& rule : rules.long_missing) {
      TimerSpec spec;
      spec.reason = LongMissingReason(rule.after);
      spec.source = rule.source;
      spec.notify = rule.notify;
      spec.detail = Cite(rule.source) + ": missing " + Describe(rule.after) + " or longer";
      plan.arm.push_back(MakeTimer(ref + "|long_missing|" + Seconds(rule.after), kLongMissing, ref,
                                   since + rule.after, spec, moment.message_id));
    }
  } else {
    plan.cancel.push_back({ref, std::string(kLongMissing)});
  }

  if (rules.rhi_due && episode.state() != model::EpisodeState::kMissing && episode.found_at()) {
    const RhiDueRule& rule = *rules.rhi_due;
    const model::Timestamp due = *episode.found_at() + rule.due_after;
    TimerSpec spec;
    spec.reason = EscalationReason::kRhiOverdue;
    spec.source = rule.source;
    spec.notify = rule.notify;
    spec.detail = Cite(rule.source) + ": no return home interview recorded within " +
                  Describe(rule.due_after) + " of the child's return";
    plan.arm.push_back(MakeTimer(ref + "|rhi_due", kRhiDue, ref, due, spec, moment.message_id));
    if (rule.warn_before) {
      TimerSpec soon = spec;
      soon.reason = EscalationReason::kRhiDueSoon;
      soon.detail = Cite(rule.source) + ": the return home interview is due within " +
                    Describe(*rule.warn_before);
      plan.arm.push_back(MakeTimer(ref + "|rhi_due_soon", kRhiDueSoon, ref, due - *rule.warn_before,
                                   soon, moment.message_id));
    }
  }

  if (moment.opened) {
    // One count a window, up to the largest count any rule of that window
    // asks for: the usual 3, 5 and 9 episodes in 90 days ask the store
    // once, not three times. Up to a count is enough (more than count - 1
    // others is as good as any more), and a count capped at the largest
    // is the same as one capped at each rule's once capped again.
    std::map<int, int> largest_count;  // window_days -> the largest count asked
    for (const RepeatRule& rule : rules.repeat_episodes) {
      int& largest = largest_count[rule.window_days];
      largest = std::max(largest, rule.count);
    }
    std::map<int, std::optional<int>> counted;  // window_days -> others, capped at the largest
    for (const auto& [window_days, count] : largest_count) {
      counted[window_days] = other_episodes_in_window(window_days, count);
    }
    for (const RepeatRule& rule : rules.repeat_episodes) {
      std::optional<int> others = counted[rule.window_days];
      if (others) others = std::min(*others, rule.count);
      if (!others || *others + 1 != rule.count) continue;
      TimerSpec spec;
      spec.reason = EscalationReason::kRepeatEpisodes;
      spec.source = rule.source;
      spec.notify = rule.notify;
      spec.episode_count = rule.count;
      spec.window_days = rule.window_days;
      spec.detail = Cite(rule.source) + ": episode " + std::to_string(rule.count) + " within " +
                    std::to_string(rule.window_days) + " days; intervention meeting";
      plan.arm.push_back(MakeTimer(
          ref + "|repeat|" + std::to_string(rule.count) + "/" + std::to_string(rule.window_days),
          kRepeatEpisodes, ref, now, spec, moment.message_id));
    }
  }

  if (rules.high_risk && BecomesAtLeast(moment, rules.high_risk->at_least)) {
    const HighRiskRule& rule = *rules.high_risk;
    const model::RiskLevel risk = *episode.current_risk();
    TimerSpec spec;
    spec.reason = EscalationReason::kHighRiskMissing;
    spec.source = rule.source;
    spec.notify = rule.notify;
    spec.detail = Cite(rule.source) + ": missing at " +
                  std::string(*model::kRiskLevelNames.Name(risk)) + " risk";
    plan.arm.push_back(
        MakeTimer(ref + "|high_risk|" + std::to_string(episode.latest_record_version()), kHighRisk,
                  ref, now, spec, moment.message_id));
  }
  return plan;
}

bool IsUrgentAck(std::string_view kind) {
  return kind == kUrgentAckTransport || kind == kUrgentAckBusiness;
}

std::vector<store::Timer> PlanUrgentAlerts(const AreaRules& rules, const PoliceRecordMoment& moment,
                                           const std::vector<std::string>& delivery_ids) {
  std::vector<store::Timer> timers;
  if (!rules.urgent_alerts || !BecomesAtLeast(moment, rules.urgent_alerts->at_least)) {
    return timers;
  }
  const UrgentAlertRule& rule = *rules.urgent_alerts;
  TimerSpec spec;
  spec.reason = EscalationReason::kAlertUnacknowledged;
  spec.source = rule.source;
  spec.within_seconds = static_cast<int>(rule.within.count());
  const std::string_view kind =
      rule.acknowledgement == Acknowledgement::kBusiness ? kUrgentAckBusiness : kUrgentAckTransport;
  for (const std::string& id : delivery_ids) {
    timers.push_back(NextUrgentDeadline(spec, kind, id, 0, moment.message_id, moment.now));
  }
  return timers;
}

store::Timer NextUrgentDeadline(const TimerSpec& spec, std::string_view kind,
                                const std::string& delivery_id, int step,
                                const std::string& source_message_id, model::Timestamp now) {
  TimerSpec next = spec;
  next.delivery_id = delivery_id;
  next.contact_step = step;
  const std::chrono::seconds within(spec.within_seconds.value_or(1800));
  next.detail = Cite(spec.source) + ": an urgent alert not acknowledged within " +
                Describe(within) + (step == 0 ? "" : " by a duty contact");
  store::Timer t;
  t.id = delivery_id + "|urgent|" + std::to_string(step);
  t.subject = delivery_id;
  t.kind = std::string(kind);
  t.due_at = now + within;
  t.spec_json = SpecToJson(next).dump();
  t.source_message_id = source_message_id;
  return t;
}

TimerPlan PlanForRhiRecord(const std::vector<std::string>& police_refs,
                           std::optional<model::RhiOutcome> outcome) {
  TimerPlan plan;
  if (outcome == model::RhiOutcome::kNotOffered) return plan;
  for (const std::string& ref : police_refs) {
    plan.cancel.push_back({ref, std::string(kRhiDue)});
    plan.cancel.push_back({ref, std::string(kRhiDueSoon)});
  }
  return plan;
}

}  // namespace isagw::safeguarding
