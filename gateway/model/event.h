// Event: one message in the canonical model (version kModelVersion). Every
// adapter decodes to an Event and encodes from one; the policy engine
// redacts Events field by field (docs/model.md).
#pragma once

#include <optional>
#include <string>

#include "gateway/model/child.h"
#include "gateway/model/codes.h"
#include "gateway/model/episode_facts.h"
#include "gateway/model/escalation.h"
#include "gateway/model/return_home_interview.h"
#include "gateway/model/time.h"

namespace isagw::model {

inline constexpr int kModelVersion = 1;
inline constexpr std::string_view kModelId = "isagw.canonical/1";

// Where the message came from, as its sender stated it.
struct MessageHeader {
  std::optional<std::string> message_id;  // the sender's own id
  std::optional<Timestamp> sent_at;
  std::optional<std::string> from_la;     // DfE LA number (council messages)
  std::optional<std::string> to_la;
  friend bool operator==(const MessageHeader&, const MessageHeader&) = default;
};

struct Event {
  EventKind kind = EventKind::kMissingReported;
  MessageHeader header;
  Child child;
  EpisodeFacts episode;
  std::optional<ReturnHomeInterview> rhi;  // kRhiRecorded (and kRhiReferred context)
  std::optional<Escalation> escalation;    // kEscalation
  friend bool operator==(const Event&, const Event&) = default;
};

}  // namespace isagw::model
