// GatewayKeys: every key a running gateway holds, read from (and on first
// start made in) the directories the configuration names:
//   store.key_dir/scopes/<scope>/   payload sealing, per scope ("inbound",
//                                   "child-link", "isa-<ID>", "pseudonym-<ID>")
//   audit.audit_key                 record hashes and child pseudonyms
//   audit.signing_key, public_key   the Ed25519 pair that signs checkpoints
// A key is never overwritten; one that is missing is made and reported, so
// the audit can record it (docs/operations.md, "Where keys live").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/audit/audit_key.h"
#include "gateway/audit/signing_key.h"
#include "gateway/common/result.h"
#include "gateway/config/gateway_config.h"
#include "gateway/crypto/key_ring.h"
#include "gateway/pipeline/child_key.h"
#include "gateway/policy/key_provider.h"
#include "gateway/policy/policy_set.h"
#include "gateway/store/store.h"

namespace isagw::app {

struct GatewayKeys {
  std::shared_ptr<crypto::KeyRing> sealing;
  std::shared_ptr<policy::KeyRing> pseudonyms;
  pipeline::ChildLinkKey child_link{};
  audit::AuditKey audit_key;
  std::shared_ptr<const audit::CheckpointSigner> signer;
  // Keys this call made: "key_rotated" audit records (action "added").
  std::vector<store::AuditRecord> made;
};

// Loads every key the configuration and `policies` need, making the
// missing ones. The error names a file, never key material.
Result<GatewayKeys, std::string> PrepareGatewayKeys(const config::GatewayConfig& config,
                                                    const policy::PolicySet& policies);

}  // namespace isagw::app
