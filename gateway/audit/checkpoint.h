// Checkpoints: Ed25519 signatures over the audit chain's head, made from
// time to time (AuditLog::AppendCheckpoint, audit_log.h). The chain alone
// shows an edit only until someone rebuilds it; a signed head pins every
// entry up to it, and checkpoints chain to each other so that none can be
// dropped from the middle either.
//
// What is signed (all integers little-endian):
//   "isagw.audit.checkpoint/1" | le64(seq) | head_hash | le64(at) | prev_hash
// where seq and head_hash name the newest audit entry, at is the signing
// time (seconds since the epoch, UTC) and prev_hash is the previous
// checkpoint's hash (32 zero bytes for the first):
//   checkpoint hash = BLAKE2b-256(signed message | signature)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/audit/audit_chain.h"
#include "gateway/audit/signing_key.h"
#include "gateway/common/field_error.h"
#include "gateway/common/result.h"
#include "gateway/model/time.h"

namespace isagw::audit {

// A signed head: what a third party can hold, and check later against the
// log ("it must contain entry seq with this hash").
struct SignedHead {
  std::int64_t seq = 0;
  ChainHash head_hash{};
  model::Timestamp at{};
  ChainHash prev_hash{};  // the previous checkpoint's hash
  PublicKey public_key{};
  Signature signature{};
  friend bool operator==(const SignedHead&, const SignedHead&) = default;
};

// A signed head as stored: numbered 1, 2, 3... in the audit_checkpoints table.
struct Checkpoint {
  std::int64_t id = 0;
  SignedHead head;
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

std::string SignedMessage(std::int64_t seq, const ChainHash& head_hash, model::Timestamp at,
                          const ChainHash& prev_hash);
SignedHead SignHead(const CheckpointSigner& signer, std::int64_t seq, const ChainHash& head_hash,
                    model::Timestamp at, const ChainHash& prev_hash);
// True when the signature verifies under the head's own public key (the
// caller still decides whether it trusts that key).
bool SignatureValid(const SignedHead& head);
ChainHash CheckpointHash(const SignedHead& head);

// The JSON a third party keeps:
//   {"format": "isagw.audit.signed_head/1", "seq": 1234,
//    "head_hash": hex, "at": "2026-11-22T21:41:00Z", "prev_hash": hex,
//    "public_key": base64, "signature": base64}
std::string ExportSignedHead(const SignedHead& head);
Result<SignedHead, FieldErrors> ParseSignedHead(std::string_view json);

}  // namespace isagw::audit
