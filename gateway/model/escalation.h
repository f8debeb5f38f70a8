// Escalation: an episode that needs senior attention, raised by an agency
// or (later) by the gateway's own timers.
#pragma once

#include <optional>
#include <string>

#include "gateway/model/codes.h"
#include "gateway/model/time.h"

namespace isagw::model {

struct Escalation {
  EscalationReason reason = EscalationReason::kOther;
  std::optional<Timestamp> raised_at;
  std::optional<int> episode_count;  // for kRepeatEpisodes: episodes in the window
  std::optional<int> window_days;    // for kRepeatEpisodes: the window, e.g. 90
  std::optional<std::string> detail; // free text
  friend bool operator==(const Escalation&, const Escalation&) = default;
};

}  // namespace isagw::model
