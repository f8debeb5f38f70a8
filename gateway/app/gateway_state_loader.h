// LoadGatewayState: the decision-making half of a gateway built from its
// configuration (registry, ISAs, safeguarding rules and every key), with
// no listener: what `isagw serve` swaps in on reload, and what offline
// tools such as `isagw report` decide with.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/audit/signing_key.h"
#include "gateway/common/result.h"
#include "gateway/config/gateway_config.h"
#include "gateway/crypto/key_ring.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/store/store.h"

namespace isagw::app {

struct LoadedState {
  std::shared_ptr<const pipeline::GatewayState> state;
  std::shared_ptr<const crypto::KeyRing> sealing;
  std::shared_ptr<const audit::CheckpointSigner> signer;
  std::vector<store::AuditRecord> keys_made;  // "key_rotated" records for keys it made
};

// The error names a file or a count of errors, never key material or data.
Result<LoadedState, std::string> LoadGatewayState(const config::GatewayConfig& config);

}  // namespace isagw::app
