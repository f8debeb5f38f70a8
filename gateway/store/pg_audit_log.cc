#include "gateway/store/pg_audit_log.h"

#include <limits>

#include "gateway/store/pg_schema.h"
#include "gateway/store/pg_transaction.h"

namespace isagw::store {
namespace {

using audit::AuditFilter;
using audit::AuditLogError;
using audit::AuditRow;
using audit::Checkpoint;
using audit::CheckpointRow;

constexpr const char* kUndefinedTable = "42P01";
constexpr const char* kCheckpointColumns =
    "SELECT id, seq, at, head_hash, prev_hash, public_key, signature FROM audit_checkpoints";

AuditLogError AuditBackendError(const PgError& e) { return {"the store failed: " + e.message}; }

CheckpointRow CheckpointRowAt(const PgResult& rows, int r) {
  return {rows.Int(r, 0),   rows.Int(r, 1),   rows.Int(r, 2),  rows.Bytes(r, 3),
          rows.Bytes(r, 4), rows.Bytes(r, 5), rows.Bytes(r, 6)};
}

// The entries `filter` selects, in seq order, a page at a time: keyset
// pages (seq > the last one seen) cost the same however deep the log is.
Result<Ok, AuditLogError> ForEachRow(PgConnection& conn, const AuditFilter& filter,
                                     const std::function<bool(const AuditRow&)>& visit) {
  std::string sql = "SELECT seq, at, kind, body, prev_hash, hash FROM audit WHERE seq >= $1";
  int parameter = 1;
  if (filter.kind) sql += " AND kind = $" + std::to_string(++parameter);
  if (filter.contains) sql += " AND strpos(body, $" + std::to_string(++parameter) + ") > 0";
  sql += " ORDER BY seq LIMIT " + std::to_string(PostgresAuditLog::kPage);
  // No lower bound unless asked: a row with a seq below 1 is for the
  // verifier to find, not for the query to hide.
  std::int64_t from = filter.from_seq.value_or(std::numeric_limits<std::int64_t>::min());
  AuditRow row;
  for (;;) {
    PgParams params;
    params.Add(from);
    if (filter.kind) params.Add(*filter.kind);
    if (filter.contains) params.Add(*filter.contains);
    auto page = conn.Query(sql, params);
    if (!page.ok()) return Fail(AuditBackendError(page.error()));
    for (int r = 0; r < page->rows(); ++r) {
      row.seq = page->Int(r, 0);
      row.at = page->Int(r, 1);
      row.kind = page->Text(r, 2);
      row.body = page->Text(r, 3);
      row.prev_hash = page->Bytes(r, 4);
      row.hash = page->Bytes(r, 5);
      if (!visit(row)) return Ok{};
    }
    if (page->rows() < PostgresAuditLog::kPage) return Ok{};
    from = row.seq + 1;
  }
}

Result<std::optional<Checkpoint>, AuditLogError> LatestCheckpointOn(PgConnection& conn) {
  auto rows = conn.Query(std::string(kCheckpointColumns) + " ORDER BY id DESC LIMIT 1");
  if (!rows.ok()) return Fail(AuditBackendError(rows.error()));
  if (rows->rows() == 0) return std::optional<Checkpoint>();
  auto checkpoint = audit::ToCheckpoint(CheckpointRowAt(*rows, 0));
  if (!checkpoint) return Fail(AuditLogError{"the latest checkpoint is malformed"});
  return checkpoint;
}

}  // namespace

Result<std::unique_ptr<PostgresAuditLog>, AuditLogError> PostgresAuditLog::Open(
    const std::string& dsn) {
  auto conn = PgConnection::Open(WithConnectTimeout(dsn));
  if (!conn.ok()) return Fail(AuditBackendError(conn.error()));
  auto version = conn->Query("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!version.ok()) {
    if (version.error().sqlstate == kUndefinedTable) {
      return Fail(AuditLogError{
          "the database has no gateway schema (no schema_version table): check the DSN's "
          "database and search_path"});
    }
    return Fail(AuditBackendError(version.error()));
  }
  const auto& migrations = PostgresMigrations();
  const std::int64_t newest = migrations.empty() ? 0 : migrations.back().version;
  if (version->Int(0, 0) == 0) {
    return Fail(AuditLogError{"the database's gateway schema was never set up"});
  }
  if (version->Int(0, 0) > newest) {
    return Fail(AuditLogError{"the database schema is version " +
                              std::to_string(version->Int(0, 0)) +
                              ", newer than this binary knows (" + std::to_string(newest) + ")"});
  }
  return std::make_unique<PostgresAuditLog>(std::move(*conn));
}

Result<Ok, AuditLogError> PostgresAuditLog::ForEachEntry(
    const std::function<bool(const AuditRow&)>& visit, const AuditFilter& filter) {
  return ForEachRow(conn_, filter, visit);
}

Result<std::vector<CheckpointRow>, AuditLogError> PostgresAuditLog::CheckpointRows() {
  auto rows = conn_.Query(std::string(kCheckpointColumns) + " ORDER BY id");
  if (!rows.ok()) return Fail(AuditBackendError(rows.error()));
  std::vector<CheckpointRow> out;
  out.reserve(static_cast<std::size_t>(rows->rows()));
  for (int r = 0; r < rows->rows(); ++r) out.push_back(CheckpointRowAt(*rows, r));
  return out;
}

Result<std::optional<Checkpoint>, AuditLogError> PostgresAuditLog::LatestCheckpoint() {
  return LatestCheckpointOn(conn_);
}

Result<Checkpoint, AuditLogError> PostgresAuditLog::AppendCheckpoint(
    const audit::CheckpointSigner& signer, model::Timestamp now) {
  return InPgTransaction(
      conn_, "BEGIN",
      [&]() -> Result<Checkpoint, AuditLogError> {
        // Held until COMMIT: no replica appends between reading and signing.
        auto head = conn_.Query("SELECT seq FROM audit_head FOR UPDATE");
        if (!head.ok()) return Fail(AuditBackendError(head.error()));
        if (head->rows() != 1) return Fail(AuditLogError{"the audit chain's head row is missing"});
        return AppendCheckpointHoldingHead(conn_, head->Int(0, 0), signer, now);
      },
      AuditBackendError);
}

Result<Ok, AuditLogError> PostgresAuditLog::InSnapshot(
    const std::function<Result<Ok, AuditLogError>()>& read) {
  return InPgTransaction(conn_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", read,
                         AuditBackendError);
}

Result<Checkpoint, AuditLogError> AppendCheckpointHoldingHead(PgConnection& conn,
                                                              std::int64_t head_seq,
                                                              const audit::CheckpointSigner& signer,
                                                              model::Timestamp now) {
  auto latest = LatestCheckpointOn(conn);
  if (!latest.ok()) return Fail(latest.error());
  std::optional<audit::AuditHead> from;
  if (*latest) from = audit::AuditHead{(*latest)->head.seq, (*latest)->head.head_hash};
  audit::ChainFollower follower(from);
  std::optional<std::string> broken;
  AuditFilter filter;
  filter.from_seq = from ? from->seq : std::int64_t{1};
  auto walked = ForEachRow(conn, filter, [&](const AuditRow& row) {
    auto followed = follower.Add(row);
    if (!followed.ok()) broken = followed.error();
    return followed.ok();
  });
  if (!walked.ok()) return Fail(walked.error());
  if (broken) return Fail(AuditLogError{*broken});
  auto head = follower.Head();
  if (!head.ok()) return Fail(AuditLogError{head.error()});
  // The rows and the head row must agree: an entry appended without the
  // head (or the head moved without its entry) is a store out of order.
  if (head->seq != head_seq) {
    return Fail(AuditLogError{"the audit chain's head row does not match its last entry"});
  }
  auto next = audit::NextCheckpoint(*latest, *head, signer, now);
  if (!next.ok()) return Fail(next.error());
  if (!*next) return **latest;
  const audit::SignedHead& h = (*next)->head;
  const auto bytes = [](const auto& array) {
    return std::string_view(reinterpret_cast<const char*>(array.data()), array.size());
  };
  auto inserted = conn.Query(
      "INSERT INTO audit_checkpoints (id, seq, head_hash, at, prev_hash, public_key, signature)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
      PgParams()
          .Add((*next)->id)
          .Add(h.seq)
          .AddBytes(bytes(h.head_hash))
          .Add(static_cast<std::int64_t>(h.at.time_since_epoch().count()))
          .AddBytes(bytes(h.prev_hash))
          .AddBytes(bytes(h.public_key))
          .AddBytes(bytes(h.signature)));
  if (!inserted.ok()) return Fail(AuditBackendError(inserted.error()));
  return **next;
}

}  // namespace isagw::store
