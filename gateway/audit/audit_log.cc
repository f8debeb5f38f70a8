#include "gateway/audit/audit_log.h"

#include <algorithm>

namespace isagw::audit {

std::optional<Checkpoint> ToCheckpoint(const CheckpointRow& row) {
  const auto head_hash = ChainHashFromBytes(row.head_hash);
  const auto prev_hash = ChainHashFromBytes(row.prev_hash);
  Checkpoint checkpoint;
  if (!head_hash || !prev_hash || row.public_key.size() != checkpoint.head.public_key.size() ||
      row.signature.size() != checkpoint.head.signature.size()) {
    return std::nullopt;
  }
  checkpoint.id = row.id;
  checkpoint.head.seq = row.seq;
  checkpoint.head.head_hash = *head_hash;
  checkpoint.head.at = model::Timestamp{std::chrono::seconds{row.at}};
  checkpoint.head.prev_hash = *prev_hash;
  std::copy(row.public_key.begin(), row.public_key.end(), checkpoint.head.public_key.begin());
  std::copy(row.signature.begin(), row.signature.end(), checkpoint.head.signature.begin());
  return checkpoint;
}

Result<std::optional<Checkpoint>, AuditLogError> NextCheckpoint(
    const std::optional<Checkpoint>& latest, const AuditHead& head, const CheckpointSigner& signer,
    model::Timestamp now) {
  if (head.seq == 0) return Fail(AuditLogError{"the audit log is empty: nothing to sign"});
  if (latest && latest->head.seq == head.seq) return std::optional<Checkpoint>();
  Checkpoint checkpoint;
  checkpoint.id = latest ? latest->id + 1 : 1;
  checkpoint.head = SignHead(signer, head.seq, head.hash, now,
                             latest ? CheckpointHash(latest->head) : kGenesisHash);
  return std::optional<Checkpoint>(checkpoint);
}

}  // namespace isagw::audit
