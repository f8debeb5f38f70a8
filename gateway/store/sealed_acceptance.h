// SealedAcceptance: an Acceptance with its payloads already sealed.
//
// A group commit runs its members one after another under the store's
// writer lock, so whatever a member does there, every sender in the group
// waits for. Sealing needs no lock: the stores seal on the sender's own
// thread before queueing, and the group's critical section holds SQL only.
//
// Each payload is bound to the row it is stored in (the associated data
// below), so a sealed blob moved to another row does not open.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/crypto/sealer.h"
#include "gateway/store/store.h"

namespace isagw::store {

// The key scope of messages and episode snapshots; a delivery names its own.
inline constexpr const char* kInboundScope = "inbound";

// The associated data binding a payload to its row.
std::string MessageBinding(std::string_view message_id);    // "message:<id>"
std::string EpisodeBinding(std::string_view police_ref);    // "episode:<police ref>"
std::string DeliveryBinding(std::string_view delivery_id);  // "delivery:<id>"

struct SealedAcceptance {
  const Acceptance* acceptance = nullptr;
  std::string message;                  // acceptance->message.canonical_json
  std::optional<std::string> episode;   // acceptance->episode->snapshot_json, when there is one
  std::vector<std::string> deliveries;  // each acceptance->deliveries[i].payload, in order
};

Result<std::string, StoreError> SealDelivery(const crypto::Sealer& sealer,
                                             const Delivery& delivery);

// `acceptance` must outlive the result, which points at it.
Result<SealedAcceptance, StoreError> SealAcceptance(const crypto::Sealer& sealer,
                                                    const Acceptance& acceptance);

// Each of `acceptances`, sealed, in the same order: one that cannot be
// sealed fails alone, with its error.
std::vector<Result<SealedAcceptance, StoreError>> SealAcceptances(
    const crypto::Sealer& sealer, std::span<const Acceptance* const> acceptances);

}  // namespace isagw::store
