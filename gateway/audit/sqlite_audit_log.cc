#include "gateway/audit/sqlite_audit_log.h"

#include "gateway/store/sqlite_schema.h"

namespace isagw::audit {
namespace {

using store::SqliteDatabase;
using store::SqliteError;

AuditLogError Backend(const SqliteError& error) { return {"the store failed: " + error.message}; }

Result<bool, AuditLogError> TableExists(SqliteDatabase& db, std::string_view table) {
  auto query = db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  if (!query.ok()) return Fail(Backend(query.error()));
  query->Bind(1, table);
  auto row = query->Step();
  if (!row.ok()) return Fail(Backend(row.error()));
  return *row;
}

Result<std::optional<CheckpointRow>, AuditLogError> LatestCheckpointRow(SqliteDatabase& db) {
  auto exists = TableExists(db, "audit_checkpoints");
  if (!exists.ok()) return Fail(exists.error());
  if (!*exists) return std::optional<CheckpointRow>();
  auto query = db.Prepare(
      "SELECT id, seq, at, head_hash, prev_hash, public_key, signature FROM audit_checkpoints"
      " ORDER BY id DESC LIMIT 1");
  if (!query.ok()) return Fail(Backend(query.error()));
  auto row = query->Step();
  if (!row.ok()) return Fail(Backend(row.error()));
  if (!*row) return std::optional<CheckpointRow>();
  return std::optional<CheckpointRow>(CheckpointRow{
      query->ColumnInt(0), query->ColumnInt(1), query->ColumnInt(2), query->ColumnBlob(3),
      query->ColumnBlob(4), query->ColumnBlob(5), query->ColumnBlob(6)});
}

// Checks the entries from `from_seq` (whose hash must be `from_hash`; from
// the start when absent) to the head, and returns the head. A checkpoint
// must never bless entries that were altered since the last one.
Result<AuditHead, AuditLogError> CheckedHead(SqliteDatabase& db, std::optional<AuditHead> from) {
  auto query = db.Prepare(
      "SELECT seq, at, kind, body, prev_hash, hash FROM audit WHERE seq >= ?1 ORDER BY seq");
  if (!query.ok()) return Fail(Backend(query.error()));
  query->Bind(1, from ? from->seq : std::int64_t{1});
  ChainFollower follower(from);
  for (;;) {
    auto row = query->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row) break;
    auto followed =
        follower.Add(AuditRow{query->ColumnInt(0), query->ColumnInt(1), query->ColumnText(2),
                              query->ColumnText(3), query->ColumnBlob(4), query->ColumnBlob(5)});
    if (!followed.ok()) return Fail(AuditLogError{followed.error()});
  }
  auto head = follower.Head();
  if (!head.ok()) return Fail(AuditLogError{head.error()});
  return *head;
}

Result<Checkpoint, AuditLogError> AppendCheckpointOn(SqliteDatabase& db,
                                                     const CheckpointSigner& signer,
                                                     model::Timestamp now) {
  // The write lock is taken first, so no entry is appended between reading
  // the head and signing it.
  if (auto begun = db.Execute("BEGIN IMMEDIATE"); !begun.ok()) return Fail(Backend(begun.error()));
  auto result = [&]() -> Result<Checkpoint, AuditLogError> {
    auto exists = TableExists(db, "audit_checkpoints");
    if (!exists.ok()) return Fail(exists.error());
    if (!*exists)
      return Fail(AuditLogError{"the store has no audit_checkpoints table (migrate it)"});
    auto latest_row = LatestCheckpointRow(db);
    if (!latest_row.ok()) return Fail(latest_row.error());
    std::optional<Checkpoint> latest;
    if (*latest_row) {
      latest = ToCheckpoint(**latest_row);
      if (!latest) return Fail(AuditLogError{"the latest checkpoint is malformed"});
    }
    std::optional<AuditHead> from;
    if (latest) from = AuditHead{latest->head.seq, latest->head.head_hash};
    auto head = CheckedHead(db, from);
    if (!head.ok()) return Fail(head.error());
    auto next = NextCheckpoint(latest, *head, signer, now);
    if (!next.ok()) return Fail(next.error());
    if (!*next) return *latest;
    const Checkpoint& checkpoint = **next;
    auto insert = db.Prepare(
        "INSERT INTO audit_checkpoints (id, seq, head_hash, at, prev_hash, public_key, signature)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert.ok()) return Fail(Backend(insert.error()));
    const SignedHead& h = checkpoint.head;
    insert->Bind(1, checkpoint.id)
        .Bind(2, h.seq)
        .BindBlob(3, BytesOf(h.head_hash))
        .Bind(4, static_cast<std::int64_t>(h.at.time_since_epoch().count()))
        .BindBlob(5, BytesOf(h.prev_hash))
        .BindBlob(6, std::string_view(reinterpret_cast<const char*>(h.public_key.data()),
                                      h.public_key.size()))
        .BindBlob(7, std::string_view(reinterpret_cast<const char*>(h.signature.data()),
                                      h.signature.size()));
    if (auto ran = insert->Run(); !ran.ok()) return Fail(Backend(ran.error()));
    return checkpoint;
  }();
  if (!result.ok()) {
    (void)db.Execute("ROLLBACK");
    return result;
  }
  if (auto committed = db.Execute("COMMIT"); !committed.ok()) {
    (void)db.Execute("ROLLBACK");
    return Fail(Backend(committed.error()));
  }
  return result;
}

}  // namespace

Result<SqliteAuditLog, AuditLogError> SqliteAuditLog::Open(const std::filesystem::path& path,
                                                           bool migrate) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Fail(AuditLogError{path.string() + " is not a store file"});
  }
  auto db = SqliteDatabase::Open(path);
  if (!db.ok()) return Fail(AuditLogError{path.string() + ": " + db.error().message});
  if (migrate) {
    if (auto migrated = store::Migrate(*db, store::SqliteMigrations()); !migrated.ok()) {
      return Fail(AuditLogError{path.string() + ": " + migrated.error().message});
    }
  }
  auto exists = TableExists(*db, "audit");
  if (!exists.ok()) return Fail(exists.error());
  if (!*exists) return Fail(AuditLogError{path.string() + " has no audit table"});
  return SqliteAuditLog(std::move(*db));
}

Result<Ok, AuditLogError> SqliteAuditLog::ForEachEntry(
    const std::function<bool(const AuditRow&)>& visit, const Filter& filter) {
  std::string sql = "SELECT seq, at, kind, body, prev_hash, hash FROM audit WHERE 1";
  if (filter.from_seq) sql += " AND seq >= ?1";
  if (filter.kind) sql += " AND kind = ?2";
  if (filter.contains) sql += " AND instr(body, ?3) > 0";
  sql += " ORDER BY seq";
  auto query = db_.Prepare(sql);
  if (!query.ok()) return Fail(Backend(query.error()));
  if (filter.from_seq) query->Bind(1, *filter.from_seq);
  if (filter.kind) query->Bind(2, std::string_view(*filter.kind));
  if (filter.contains) query->Bind(3, std::string_view(*filter.contains));
  AuditRow row;
  for (;;) {
    auto stepped = query->Step();
    if (!stepped.ok()) return Fail(Backend(stepped.error()));
    if (!*stepped) return Ok{};
    row.seq = query->ColumnInt(0);
    row.at = query->ColumnInt(1);
    row.kind = query->ColumnText(2);
    row.body = query->ColumnText(3);
    row.prev_hash = query->ColumnBlob(4);
    row.hash = query->ColumnBlob(5);
    if (!visit(row)) return Ok{};
  }
}

Result<std::vector<CheckpointRow>, AuditLogError> SqliteAuditLog::CheckpointRows() {
  std::vector<CheckpointRow> rows;
  auto exists = TableExists(db_, "audit_checkpoints");
  if (!exists.ok()) return Fail(exists.error());
  if (!*exists) return rows;
  auto query = db_.Prepare(
      "SELECT id, seq, at, head_hash, prev_hash, public_key, signature FROM audit_checkpoints"
      " ORDER BY id");
  if (!query.ok()) return Fail(Backend(query.error()));
  for (;;) {
    auto stepped = query->Step();
    if (!stepped.ok()) return Fail(Backend(stepped.error()));
    if (!*stepped) return rows;
    rows.push_back({query->ColumnInt(0), query->ColumnInt(1), query->ColumnInt(2),
                    query->ColumnBlob(3), query->ColumnBlob(4), query->ColumnBlob(5),
                    query->ColumnBlob(6)});
  }
}

Result<std::optional<Checkpoint>, AuditLogError> SqliteAuditLog::LatestCheckpoint() {
  auto row = LatestCheckpointRow(db_);
  if (!row.ok()) return Fail(row.error());
  if (!*row) return std::optional<Checkpoint>();
  auto checkpoint = ToCheckpoint(**row);
  if (!checkpoint) return Fail(AuditLogError{"the latest checkpoint is malformed"});
  return checkpoint;
}

Result<Checkpoint, AuditLogError> SqliteAuditLog::AppendCheckpoint(const CheckpointSigner& signer,
                                                                   model::Timestamp now) {
  return AppendCheckpointOn(db_, signer, now);
}

Result<Ok, AuditLogError> SqliteAuditLog::InSnapshot(
    const std::function<Result<Ok, AuditLogError>()>& read) {
  if (auto begun = db_.Execute("BEGIN"); !begun.ok()) return Fail(Backend(begun.error()));
  auto result = read();
  (void)db_.Execute(result.ok() ? "COMMIT" : "ROLLBACK");
  return result;
}

}  // namespace isagw::audit
