// AuditLog: the audit as the tools read it back, wherever the gateway
// stores it (SQLite: sqlite_audit_log.h; PostgreSQL: store/pg_audit_log.h).
// The gateway appends entries through its store, in the transaction of the
// action recorded; a log reads them back, one row at a time, and appends
// checkpoints. Verification and subject reports (audit_verifier.h,
// subject_report.h) are written once, against this interface.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gateway/audit/chain_follower.h"
#include "gateway/audit/checkpoint.h"
#include "gateway/common/result.h"
#include "gateway/model/time.h"

namespace isagw::audit {

struct AuditLogError {
  std::string detail;  // names files and tables, never entry contents
};

// One row of the audit_checkpoints table, as stored.
struct CheckpointRow {
  std::int64_t id = 0;
  std::int64_t seq = 0;
  std::int64_t at = 0;
  std::string head_hash;
  std::string prev_hash;
  std::string public_key;
  std::string signature;
};
// The row as a Checkpoint; nullopt when a column has the wrong size.
std::optional<Checkpoint> ToCheckpoint(const CheckpointRow& row);

// Which entries ForEachEntry visits.
struct AuditFilter {
  std::optional<std::int64_t> from_seq;  // seq >= this
  std::optional<std::string> kind;       // only this kind
  std::optional<std::string> contains;   // only bodies holding this text (matched by the database)
};

// The checkpoint to append after `latest`, signing `head` (the head as the
// chain was just checked to it); nullopt when `latest` already covers it.
// Refuses an empty log. Both stores append through this, so a checkpoint
// is the same bytes whichever database holds it.
Result<std::optional<Checkpoint>, AuditLogError> NextCheckpoint(
    const std::optional<Checkpoint>& latest, const AuditHead& head, const CheckpointSigner& signer,
    model::Timestamp now);

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Calls `visit` for each entry in seq order, streaming (a log of millions
  // of entries needs little memory); stops early when it returns false.
  virtual Result<Ok, AuditLogError> ForEachEntry(const std::function<bool(const AuditRow&)>& visit,
                                                 const AuditFilter& filter) = 0;
  Result<Ok, AuditLogError> ForEachEntry(const std::function<bool(const AuditRow&)>& visit) {
    return ForEachEntry(visit, AuditFilter{});
  }

  // Every checkpoint row in id order; an empty list when the store predates
  // checkpoints.
  virtual Result<std::vector<CheckpointRow>, AuditLogError> CheckpointRows() = 0;
  virtual Result<std::optional<Checkpoint>, AuditLogError> LatestCheckpoint() = 0;

  // Signs the current head, holding it so that nothing is appended between
  // reading and signing it, after checking every entry since the latest
  // checkpoint (a checkpoint must never bless entries altered since).
  // Returns the latest checkpoint unchanged when it already covers the
  // head; refuses an empty log.
  virtual Result<Checkpoint, AuditLogError> AppendCheckpoint(const CheckpointSigner& signer,
                                                             model::Timestamp now) = 0;

  // Runs `read` with every read in it seeing one snapshot of the log, while
  // the gateway goes on appending: checkpoints and entries then agree.
  virtual Result<Ok, AuditLogError> InSnapshot(
      const std::function<Result<Ok, AuditLogError>()>& read) = 0;

 protected:
  AuditLog() = default;
  AuditLog(AuditLog&&) = default;
  AuditLog& operator=(AuditLog&&) = default;
};

}  // namespace isagw::audit
