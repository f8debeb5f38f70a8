// A thin RAII layer over the SQLite C API: a connection and prepared
// statements, with errors as values. The store is built on this; nothing
// else in the gateway touches sqlite3 directly.
//
// A connection keeps the statements it has prepared: Prepare hands back an
// idle one for the same SQL when there is one, and a statement going out
// of scope is reset and kept for the next caller. Parsing SQL was a tenth
// of the CPU of an ingested message (issue 13's profile); the statements
// the store uses are a few dozen fixed strings.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gateway/common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace isagw::store {

class StatementCache;

struct SqliteError {
  int code = 0;         // SQLite result code
  std::string message;  // SQLite's message: names tables and constraints, never row values
};

class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&&) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) noexcept;
  ~SqliteStatement();

  // Parameters are 1-based, as in SQLite.
  SqliteStatement& Bind(int index, std::int64_t value);
  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& BindBlob(int index, std::string_view bytes);
  SqliteStatement& BindNull(int index);
  SqliteStatement& Bind(int index, const std::optional<std::string>& text);

  // Advances: true when a row is ready, false when done.
  Result<bool, SqliteError> Step();
  // Runs to completion, for statements that return no rows.
  Result<Ok, SqliteError> Run();
  void Reset();

  std::int64_t ColumnInt(int index) const;
  std::string ColumnText(int index) const;
  std::string ColumnBlob(int index) const;
  bool ColumnIsNull(int index) const;
  std::optional<std::string> ColumnOptionalText(int index) const;

 private:
  friend class SqliteDatabase;
  void Release();
  SqliteStatement(sqlite3* db, sqlite3_stmt* statement, StatementCache* cache)
      : db_(db), statement_(statement), cache_(cache) {}
  sqlite3* db_;
  sqlite3_stmt* statement_;
  StatementCache* cache_;  // takes the statement back when this goes out of scope
};

class SqliteDatabase {
 public:
  // Opens (creating if needed) a database in WAL mode with foreign keys on,
  // synchronous=FULL (a commit survives power loss) and a busy timeout.
  static Result<SqliteDatabase, SqliteError> Open(const std::filesystem::path& path);
  static Result<SqliteDatabase, SqliteError> OpenInMemory();

  SqliteDatabase(SqliteDatabase&&) noexcept;
  SqliteDatabase& operator=(SqliteDatabase&&) noexcept;
  ~SqliteDatabase();

  Result<Ok, SqliteError> Execute(std::string_view sql);  // one or more statements, no rows
  // One statement; an idle one prepared before from the same SQL if there is one.
  Result<SqliteStatement, SqliteError> Prepare(std::string_view sql);
  // Prepares and runs one statement that returns no rows (BEGIN, COMMIT...).
  Result<Ok, SqliteError> Run(std::string_view sql);
  // True when no transaction is open: SQLite rolls back by itself after
  // some errors (disk full, I/O), and a group commit must know.
  bool InAutocommit() const;
  std::int64_t LastInsertRowId() const;
  int Changes() const;

  // Replaces SQLite's own checkpoint (run by the committing connection
  // once the WAL holds 1,000 frames) with `hook`, called after each commit
  // with the number of frames in the WAL: whoever sets it checkpoints, off
  // the commit path. It runs on the committing thread and must be quick.
  // An empty hook restores the automatic checkpoint.
  using WalHook = std::function<void(int frames)>;
  void SetWalHook(WalHook hook);

 private:
  explicit SqliteDatabase(sqlite3* db);
  void Close();
  sqlite3* db_;
  // Owned apart so that its address outlives moves of the database: the
  // statements handed out point to it.
  std::unique_ptr<StatementCache> cache_;
  std::unique_ptr<WalHook> wal_hook_;  // apart, for the same reason
};

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back when it
// fails. IMMEDIATE takes the write lock up front, so two writers never
// deadlock upgrading read locks.
template <typename Body>
auto InWriteTransaction(SqliteDatabase& db, Body&& body) -> decltype(body()) {
  if (auto begun = db.Run("BEGIN IMMEDIATE"); !begun.ok()) return Fail(begun.error());
  auto result = body();
  if (!result.ok()) {
    (void)db.Run("ROLLBACK");
    return result;
  }
  if (auto committed = db.Run("COMMIT"); !committed.ok()) {
    (void)db.Run("ROLLBACK");
    return Fail(committed.error());
  }
  return result;
}

// A numbered schema change. Migrations run in order, each in its own
// transaction together with the bump of the schema version, and are
// never edited once released: a change is a new migration.
struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// Brings the database to the newest version. Refuses a database whose
// version is newer than this binary knows (a rollback of the gateway
// must not write to a schema it does not understand).
Result<int, SqliteError> Migrate(SqliteDatabase& db, const std::vector<Migration>& migrations);

}  // namespace isagw::store
