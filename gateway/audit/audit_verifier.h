// VerifyAuditLog: checks a store's whole audit from first entry to last.
//   - seq runs 1, 2, 3... with no gap;
//   - each entry's prev_hash is the hash of the entry before it, and each
//     hash recomputes (audit_chain.h);
//   - checkpoints are numbered 1, 2, 3..., each chains to the one before,
//     is signed by a trusted key, covers a later entry than the one before,
//     and its head_hash is the hash of the entry at its seq;
//   - the log reaches at least the latest checkpoint (truncation), and, if
//     given, an externally held signed head: the log must hold that seq
//     with that hash.
// Rows are streamed, so a log of millions of entries needs little memory.
// Entries after the latest checkpoint are only as safe as the unkeyed
// chain: the report counts them, and a later checkpoint will cover them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gateway/audit/audit_log.h"
#include "gateway/audit/checkpoint.h"

namespace isagw::audit {

struct VerifyOptions {
  std::vector<PublicKey> trusted_keys;  // signers whose checkpoints count
  std::optional<SignedHead> external_head;
  // Refuse a non-empty log that no checkpoint covers: without one, deleting
  // the checkpoints and truncating the log would go unseen.
  bool require_checkpoint = true;
};

// The first thing found wrong, in log order.
struct VerifyFailure {
  // The audit entry at fault: for a gap, the missing seq; for a checkpoint
  // or signed head, the entry it covers. nullopt when no entry is involved.
  std::optional<std::int64_t> seq;
  std::optional<std::int64_t> checkpoint;  // the checkpoint at fault, if any
  // "sequence_gap", "malformed", "prev_hash_mismatch", "hash_mismatch",
  // "checkpoint_malformed", "checkpoint_sequence", "checkpoint_chain",
  // "checkpoint_untrusted", "checkpoint_signature", "checkpoint_mismatch",
  // "truncated", "external_head_untrusted", "external_head_signature",
  // "external_head_mismatch", "no_checkpoint", "unreadable".
  std::string code;
  std::string reason;  // a sentence with seqs and ids, never entry contents
};

struct VerifyReport {
  std::int64_t entries = 0;                     // rows read
  std::int64_t last_seq = 0;                    // the newest entry verified
  std::int64_t checkpoints = 0;                 // checkpoint rows read
  std::optional<std::int64_t> last_signed_seq;  // the latest checkpoint's seq
  std::int64_t unsigned_entries = 0;            // entries after it
  std::optional<VerifyFailure> failure;
  bool ok() const { return !failure.has_value(); }
};

VerifyReport VerifyAuditLog(AuditLog& log, const VerifyOptions& options);
// The same on a SQLite store file.
VerifyReport VerifyAuditLog(const std::filesystem::path& store_path, const VerifyOptions& options);

}  // namespace isagw::audit
