// PostgresAuditLog: the AuditLog (audit/audit_log.h) of a PostgreSQL store,
// for the `isagw audit` commands, over a connection of its own. Entries are
// read in pages of kPage rows by seq, so a log of millions streams in
// little memory; inside InSnapshot the pages come from one REPEATABLE READ
// snapshot. The chain has one head for all replicas (pg_store.h), so a
// checkpoint appended here holds that head as a replica's write does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "gateway/audit/audit_log.h"
#include "gateway/store/pg_connection.h"

namespace isagw::store {

class PostgresAuditLog final : public audit::AuditLog {
 public:
  static constexpr int kPage = 1000;

  // Connects to a database a gateway has set up. Never creates the schema:
  // a DSN that names the wrong database must not look like an empty log.
  // Refuses a schema newer than this binary knows.
  static Result<std::unique_ptr<PostgresAuditLog>, audit::AuditLogError> Open(
      const std::string& dsn);

  using AuditLog::ForEachEntry;
  Result<Ok, audit::AuditLogError> ForEachEntry(
      const std::function<bool(const audit::AuditRow&)>& visit,
      const audit::AuditFilter& filter) override;
  Result<std::vector<audit::CheckpointRow>, audit::AuditLogError> CheckpointRows() override;
  Result<std::optional<audit::Checkpoint>, audit::AuditLogError> LatestCheckpoint() override;
  Result<audit::Checkpoint, audit::AuditLogError> AppendCheckpoint(
      const audit::CheckpointSigner& signer, model::Timestamp now) override;
  Result<Ok, audit::AuditLogError> InSnapshot(
      const std::function<Result<Ok, audit::AuditLogError>()>& read) override;

  explicit PostgresAuditLog(PgConnection conn) : conn_(std::move(conn)) {}

 private:
  PgConnection conn_;
};

// Appends a checkpoint of the chain on `conn`, in a transaction that
// already holds the chain's head row (audit_head FOR UPDATE) at
// `head_seq`, after checking every entry since the latest checkpoint.
// PostgresStore and PostgresAuditLog both sign through this.
Result<audit::Checkpoint, audit::AuditLogError> AppendCheckpointHoldingHead(
    PgConnection& conn, std::int64_t head_seq, const audit::CheckpointSigner& signer,
    model::Timestamp now);

}  // namespace isagw::store
