// ChainFollower: checks audit entries one after another against the hash
// chain, from the start or from a checkpoint's head, wherever the rows come
// from (SQLite, PostgreSQL). What a checkpoint is signed after: it must
// never bless entries altered since the last one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "gateway/audit/audit_chain.h"
#include "gateway/common/result.h"

namespace isagw::audit {

// One row of the audit table, exactly as stored (nothing checked yet).
struct AuditRow {
  std::int64_t seq = 0;
  std::int64_t at = 0;
  std::string kind;
  std::string body;
  std::string prev_hash;  // BLOB bytes
  std::string hash;
};

// The newest entry.
struct AuditHead {
  std::int64_t seq = 0;
  ChainHash hash{};
};

class ChainFollower {
 public:
  // From the first entry, or from `from` (a checkpoint's head), whose own
  // row must then come first and match it.
  explicit ChainFollower(std::optional<AuditHead> from) : from_(from) {}

  // The next row in seq order; an error (naming the entry, never its
  // contents) when it does not follow.
  Result<Ok, std::string> Add(const AuditRow& row);
  // The head reached; an error when `from` was given and never seen.
  Result<AuditHead, std::string> Head() const;

 private:
  std::optional<AuditHead> from_;
  AuditHead head_{0, kGenesisHash};
  bool first_ = true;
};

}  // namespace isagw::audit
