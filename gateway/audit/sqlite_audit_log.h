// SqliteAuditLog: the audit as the tools see it, over its own connection to
// the gateway's SQLite store. The gateway appends entries through the store
// (SqliteStore::AppendAudit, in the transaction of the action recorded);
// this class reads them back, one row at a time, and appends checkpoints.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gateway/audit/chain_follower.h"
#include "gateway/audit/checkpoint.h"
#include "gateway/common/result.h"
#include "gateway/store/sqlite_database.h"

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

class SqliteAuditLog {
 public:
  // Opens an existing store (never creates one). `migrate` brings the schema
  // up to date first (for writers); readers leave the file as it is.
  static Result<SqliteAuditLog, AuditLogError> Open(const std::filesystem::path& path,
                                                    bool migrate = false);

  // Which entries ForEachEntry visits.
  struct Filter {
    std::optional<std::int64_t> from_seq;  // seq >= this
    std::optional<std::string> kind;       // only this kind
    std::optional<std::string> contains;   // only bodies holding this text (matched by SQLite)
  };
  // Calls `visit` for each entry in seq order, one row at a time; stops
  // early when it returns false.
  Result<Ok, AuditLogError> ForEachEntry(const std::function<bool(const AuditRow&)>& visit,
                                         const Filter& filter);
  Result<Ok, AuditLogError> ForEachEntry(const std::function<bool(const AuditRow&)>& visit) {
    return ForEachEntry(visit, Filter{});
  }

  // Every checkpoint row in id order; an empty list when the store predates
  // checkpoints (schema version 1).
  Result<std::vector<CheckpointRow>, AuditLogError> CheckpointRows();
  Result<std::optional<Checkpoint>, AuditLogError> LatestCheckpoint();

  // Signs the current head (in one write transaction, so it is the head).
  // Returns the new checkpoint, or the latest one unchanged when it already
  // covers the head; refuses an empty log.
  Result<Checkpoint, AuditLogError> AppendCheckpoint(const CheckpointSigner& signer,
                                                     model::Timestamp now);

  store::SqliteDatabase& database() { return db_; }

 private:
  explicit SqliteAuditLog(store::SqliteDatabase db) : db_(std::move(db)) {}
  store::SqliteDatabase db_;
};

// The same, on a connection the caller holds (e.g. a scheduler's).
Result<Checkpoint, AuditLogError> AppendCheckpoint(store::SqliteDatabase& db,
                                                   const CheckpointSigner& signer,
                                                   model::Timestamp now);

}  // namespace isagw::audit
