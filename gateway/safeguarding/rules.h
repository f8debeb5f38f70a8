// Safeguarding rules: the clock each area keeps on its missing children,
// as configuration (policies/safeguarding/*.yaml, docs/safeguarding.md).
// One file per agreement names the host councils it covers and, for
// them: when a Return Home Interview falls due after a child is found,
// which lengths of absence escalate, which counts of episodes in a
// rolling window call an intervention meeting, which missing reports are
// urgent, and who hears of each. "Who" is a set of roles; every copy
// still goes through the ISAs like any other flow.
//
// Durations are elapsed time (72 h is 259,200 seconds whatever the clocks
// do in October); windows are whole days of 24 hours.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/common/code_map.h"
#include "gateway/model/codes.h"
#include "gateway/policy/role.h"

namespace isagw::safeguarding {

// The roles that hear of an escalation, resolved for the episode when it fires.
using Audience = std::set<policy::Role>;

// Where a rule came from: cited by every timer it arms and escalation it
// raises, as "<rules id> <clause>" (e.g. "SG-STAFFS-2026 §3.1").
struct RuleSource {
  std::string rules_id;
  std::string clause;
  int line = 0;  // in the rules file, for `policy explain`
  friend bool operator==(const RuleSource&, const RuleSource&) = default;
};

// A Return Home Interview is due `due_after` the child is found; an RHI
// record for the episode cancels both timers.
struct RhiDueRule {
  RuleSource source;
  std::chrono::seconds due_after{std::chrono::hours(72)};
  // A "due soon" reminder this long before it falls due (none if absent).
  std::optional<std::chrono::seconds> warn_before;
  Audience notify;
  friend bool operator==(const RhiDueRule&, const RhiDueRule&) = default;
};

// Missing this long (from the time last seen, else reported) escalates;
// a found or closed record cancels it.
struct LongMissingRule {
  RuleSource source;
  std::chrono::seconds after{};
  Audience notify;
  friend bool operator==(const LongMissingRule&, const LongMissingRule&) = default;
};

// The count-th episode of one child within `window_days` (rolling, the
// new episode included) calls for an intervention meeting. Each
// threshold alerts when the count reaches it exactly, so 3/5/9 alert at
// the 3rd, 5th and 9th episode and not at the 4th.
struct RepeatRule {
  RuleSource source;
  int count = 0;
  int window_days = 0;
  Audience notify;
  friend bool operator==(const RepeatRule&, const RepeatRule&) = default;
};

// A missing report (or a re-grading) at or above this risk escalates at once.
struct HighRiskRule {
  RuleSource source;
  model::RiskLevel at_least = model::RiskLevel::kHigh;
  Audience notify;
  friend bool operator==(const HighRiskRule&, const HighRiskRule&) = default;
};

// What counts as an answer to an urgent alert.
enum class Acknowledgement {
  kTransport,  // delivered by push (2xx) or acknowledged from the mailbox
  kBusiness,   // "actioned" by the recipient (POST /v1/inbox/{id}/action)
};
inline constexpr auto kAcknowledgementNames = MakeCodeMap<Acknowledgement>(
    std::pair{Acknowledgement::kTransport, std::string_view{"transport"}},
    std::pair{Acknowledgement::kBusiness, std::string_view{"business"}});

// Copies of a missing report at or above this risk are urgent: a copy not
// acknowledged `within` escalates to the recipient's first duty contact
// (registry), then after as long again to its second; with no contact
// left, the sender gets a non-delivery notice.
struct UrgentAlertRule {
  RuleSource source;
  model::RiskLevel at_least = model::RiskLevel::kHigh;
  Acknowledgement acknowledgement = Acknowledgement::kBusiness;
  std::chrono::seconds within{std::chrono::minutes(30)};
  friend bool operator==(const UrgentAlertRule&, const UrgentAlertRule&) = default;
};

// One rules file: the clock for the host councils it names.
struct AreaRules {
  std::string id;    // [A-Z][A-Z0-9-]{2,63}, e.g. "SG-STAFFS-2026"
  std::string file;  // file name inside the rules directory
  std::string title;
  std::vector<std::string> areas;  // host LA agency ids (registry, kind local_authority)
  std::optional<RhiDueRule> rhi_due;
  std::vector<LongMissingRule> long_missing;  // ascending by `after`
  std::vector<RepeatRule> repeat_episodes;    // ascending by count within a window
  std::optional<HighRiskRule> high_risk;
  std::optional<UrgentAlertRule> urgent_alerts;
  friend bool operator==(const AreaRules&, const AreaRules&) = default;
};

// Every area's rules, as loaded together. An area (a host LA) is named by
// at most one file; a host LA that no file names keeps no clock.
class RuleSet {
 public:
  RuleSet() = default;
  RuleSet(std::vector<AreaRules> rules, std::string hash);

  // The rules for episodes whose host LA is `host_la`; nullptr when none.
  const AreaRules* ForArea(const std::string& host_la) const;
  const std::vector<AreaRules>& rules() const { return rules_; }
  // SHA-256 (hex) over the files' names and bytes, in name order; "" for
  // an empty set. Shown beside the policy set's hash.
  const std::string& hash() const { return hash_; }
  bool empty() const { return rules_.empty(); }

 private:
  std::vector<AreaRules> rules_;
  std::map<std::string, std::size_t> by_area_;
  std::string hash_;
};

}  // namespace isagw::safeguarding
