#include "gateway/audit/chain_follower.h"

namespace isagw::audit {

Result<Ok, std::string> ChainFollower::Add(const AuditRow& row) {
  const auto prev_hash = ChainHashFromBytes(row.prev_hash);
  const auto hash = ChainHashFromBytes(row.hash);
  const auto refuse = [&row](const char* what) {
    return Fail("audit entry " + std::to_string(row.seq) + " " + what +
                "; run `isagw audit verify` before signing");
  };
  if (!prev_hash || !hash) return refuse("is malformed");
  if (first_ && from_) {
    first_ = false;
    if (row.seq != from_->seq || *hash != from_->hash) {
      return refuse("does not match the latest checkpoint");
    }
    head_ = {row.seq, *hash};
    return Ok{};
  }
  first_ = false;
  if (row.seq != head_.seq + 1) return refuse("does not follow the entry before it");
  if (*prev_hash != head_.hash ||
      NextHash(head_.hash, row.seq, row.at, row.kind, row.body) != *hash) {
    return refuse("does not hash correctly");
  }
  head_ = {row.seq, *hash};
  return Ok{};
}

Result<AuditHead, std::string> ChainFollower::Head() const {
  if (from_ && first_) {
    return Fail(
        std::string("the audit log ends before its latest checkpoint; run `isagw audit verify`"));
  }
  return head_;
}

}  // namespace isagw::audit
