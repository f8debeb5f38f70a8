// SqliteAuditLog: the AuditLog (audit_log.h) of the gateway's SQLite store,
// over a connection of its own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gateway/audit/audit_log.h"
#include "gateway/common/result.h"
#include "gateway/store/sqlite_database.h"

namespace isagw::audit {

class SqliteAuditLog final : public AuditLog {
 public:
  // Opens an existing store (never creates one). `migrate` brings the schema
  // up to date first (for writers); readers leave the file as it is.
  static Result<SqliteAuditLog, AuditLogError> Open(const std::filesystem::path& path,
                                                    bool migrate = false);

  using Filter = AuditFilter;
  using AuditLog::ForEachEntry;
  Result<Ok, AuditLogError> ForEachEntry(const std::function<bool(const AuditRow&)>& visit,
                                         const AuditFilter& filter) override;
  Result<std::vector<CheckpointRow>, AuditLogError> CheckpointRows() override;
  Result<std::optional<Checkpoint>, AuditLogError> LatestCheckpoint() override;
  Result<Checkpoint, AuditLogError> AppendCheckpoint(const CheckpointSigner& signer,
                                                     model::Timestamp now) override;
  // One read transaction: SQLite's WAL keeps its snapshot.
  Result<Ok, AuditLogError> InSnapshot(
      const std::function<Result<Ok, AuditLogError>()>& read) override;

  store::SqliteDatabase& database() { return db_; }

 private:
  explicit SqliteAuditLog(store::SqliteDatabase db) : db_(std::move(db)) {}
  store::SqliteDatabase db_;
};

}  // namespace isagw::audit
