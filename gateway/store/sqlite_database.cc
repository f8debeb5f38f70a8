#include "gateway/store/sqlite_database.h"

#include <sqlite3.h>

#include <mutex>
#include <unordered_map>
#include <utility>

#include "gateway/store/wal_write_buffer.h"

namespace isagw::store {

// The idle prepared statements of one connection, by their SQL. Its own
// mutex: statements go back to it from wherever their scope ends, and the
// lock is never contended in practice (the store serialises a connection).
class StatementCache {
 public:
  StatementCache() = default;
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache() { FinalizeAll(); }

  // An idle statement for `sql`, or nullptr.
  sqlite3_stmt* Take(std::string_view sql) {
    std::lock_guard lock(mutex_);
    auto found = idle_.find(sql);
    if (found == idle_.end() || found->second.empty()) return nullptr;
    sqlite3_stmt* statement = found->second.back();
    found->second.pop_back();
    return statement;
  }

  // A statement done with: reset (ending any read it held open) and kept.
  void Give(sqlite3_stmt* statement) {
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    std::lock_guard lock(mutex_);
    const char* sql = sqlite3_sql(statement);
    auto found = idle_.find(std::string_view(sql));
    if (found == idle_.end()) found = idle_.emplace(std::string(sql), Idle{}).first;
    found->second.push_back(statement);
  }

  void FinalizeAll() {
    std::lock_guard lock(mutex_);
    for (auto& [sql, statements] : idle_) {
      for (sqlite3_stmt* statement : statements) sqlite3_finalize(statement);
    }
    idle_.clear();
  }

 private:
  using Idle = std::vector<sqlite3_stmt*>;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Idle, Hash, std::equal_to<>> idle_;
};

namespace {

SqliteError ErrorOf(sqlite3* db, int code) {
  return {code, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code)};
}

Result<SqliteDatabase, SqliteError> Configure(Result<SqliteDatabase, SqliteError> opened,
                                              bool wal) {
  if (!opened.ok()) return opened;
  std::string pragmas =
      "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"
      // Savepoint journals (group commit) in memory, not in temporary files.
      " PRAGMA temp_store=MEMORY;";
  if (wal) pragmas += "PRAGMA journal_mode=WAL;";
  if (auto done = opened->Execute(pragmas); !done.ok()) return Fail(done.error());
  return opened;
}

}  // namespace

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), statement_(std::exchange(other.statement_, nullptr)), cache_(other.cache_) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    Release();
    db_ = other.db_;
    statement_ = std::exchange(other.statement_, nullptr);
    cache_ = other.cache_;
  }
  return *this;
}

SqliteStatement::~SqliteStatement() { Release(); }

void SqliteStatement::Release() {
  if (statement_ == nullptr) return;
  if (cache_ != nullptr) {
    cache_->Give(std::exchange(statement_, nullptr));
  } else {
    sqlite3_finalize(std::exchange(statement_, nullptr));
  }
}

SqliteStatement& SqliteStatement::Bind(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  sqlite3_bind_null(statement_, index);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, const std::optional<std::string>& text) {
  return text ? Bind(index, std::string_view(*text)) : BindNull(index);
}

Result<bool, SqliteError> SqliteStatement::Step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Fail(ErrorOf(db_, rc));
}

Result<Ok, SqliteError> SqliteStatement::Run() {
  auto stepped = Step();
  Reset();
  if (!stepped.ok()) return Fail(stepped.error());
  return Ok{};
}

void SqliteStatement::Reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::int64_t SqliteStatement::ColumnInt(int index) const {
  return sqlite3_column_int64(statement_, index);
}

std::string SqliteStatement::ColumnText(int index) const {
  const auto* text = sqlite3_column_text(statement_, index);
  const int size = sqlite3_column_bytes(statement_, index);
  return text == nullptr
             ? std::string()
             : std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::string SqliteStatement::ColumnBlob(int index) const {
  const void* blob = sqlite3_column_blob(statement_, index);
  const int size = sqlite3_column_bytes(statement_, index);
  return blob == nullptr
             ? std::string()
             : std::string(static_cast<const char*>(blob), static_cast<std::size_t>(size));
}

bool SqliteStatement::ColumnIsNull(int index) const {
  return sqlite3_column_type(statement_, index) == SQLITE_NULL;
}

std::optional<std::string> SqliteStatement::ColumnOptionalText(int index) const {
  if (ColumnIsNull(index)) return std::nullopt;
  return ColumnText(index);
}

Result<SqliteDatabase, SqliteError> SqliteDatabase::Open(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW,
      WalWriteBufferVfs());
  if (rc != SQLITE_OK) {
    SqliteError error = ErrorOf(db, rc);
    sqlite3_close(db);
    return Fail(std::move(error));
  }
  return Configure(SqliteDatabase(db), /*wal=*/true);
}

Result<SqliteDatabase, SqliteError> SqliteDatabase::OpenInMemory() {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open(":memory:", &db);
  if (rc != SQLITE_OK) {
    SqliteError error = ErrorOf(db, rc);
    sqlite3_close(db);
    return Fail(std::move(error));
  }
  return Configure(SqliteDatabase(db), /*wal=*/false);
}

SqliteDatabase::SqliteDatabase(sqlite3* db) : db_(db), cache_(std::make_unique<StatementCache>()) {}

SqliteDatabase::SqliteDatabase(SqliteDatabase&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      cache_(std::move(other.cache_)),
      wal_hook_(std::move(other.wal_hook_)) {}

SqliteDatabase& SqliteDatabase::operator=(SqliteDatabase&& other) noexcept {
  if (this != &other) {
    Close();
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
    wal_hook_ = std::move(other.wal_hook_);
  }
  return *this;
}

namespace {

int CallWalHook(void* hook, sqlite3* /*db*/, const char* /*schema*/, int frames) {
  (*static_cast<SqliteDatabase::WalHook*>(hook))(frames);
  return SQLITE_OK;
}

}  // namespace

void SqliteDatabase::SetWalHook(WalHook hook) {
  if (!hook) {
    // Reinstalls SQLite's own hook before ours is freed.
    sqlite3_wal_autocheckpoint(db_, 1000);
    wal_hook_.reset();
    return;
  }
  auto installed = std::make_unique<WalHook>(std::move(hook));
  sqlite3_wal_hook(db_, CallWalHook, installed.get());
  wal_hook_ = std::move(installed);
}

SqliteDatabase::~SqliteDatabase() { Close(); }

void SqliteDatabase::Close() {
  // Statements must be finalized before the connection closes.
  if (cache_) cache_->FinalizeAll();
  sqlite3_close(db_);
  db_ = nullptr;
}

Result<Ok, SqliteError> SqliteDatabase::Execute(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    SqliteError error{rc, message != nullptr ? message : sqlite3_errstr(rc)};
    sqlite3_free(message);
    return Fail(std::move(error));
  }
  return Ok{};
}

Result<SqliteStatement, SqliteError> SqliteDatabase::Prepare(std::string_view sql) {
  if (sqlite3_stmt* idle = cache_->Take(sql); idle != nullptr) {
    return SqliteStatement(db_, idle, cache_.get());
  }
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &statement, &tail);
  if (rc != SQLITE_OK) return Fail(ErrorOf(db_, rc));
  // Kept only when the statement is the whole text: the cache finds it
  // again by sqlite3_sql(), which is the text of this statement alone.
  const bool whole = tail == sql.data() + sql.size() && statement != nullptr &&
                     std::string_view(sqlite3_sql(statement)) == sql;
  return SqliteStatement(db_, statement, whole ? cache_.get() : nullptr);
}

Result<Ok, SqliteError> SqliteDatabase::Run(std::string_view sql) {
  auto statement = Prepare(sql);
  if (!statement.ok()) return Fail(statement.error());
  return statement->Run();
}

bool SqliteDatabase::InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }

std::int64_t SqliteDatabase::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int SqliteDatabase::Changes() const { return sqlite3_changes(db_); }

Result<int, SqliteError> Migrate(SqliteDatabase& db, const std::vector<Migration>& migrations) {
  if (auto made = db.Execute(
          "CREATE TABLE IF NOT EXISTS schema_version ("
          " version INTEGER NOT NULL, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
      !made.ok()) {
    return Fail(made.error());
  }
  auto read = db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!read.ok()) return Fail(read.error());
  if (auto row = read->Step(); !row.ok()) return Fail(row.error());
  int current = static_cast<int>(read->ColumnInt(0));
  read->Reset();

  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    return Fail(SqliteError{
        SQLITE_MISMATCH, "the database schema is version " + std::to_string(current) +
                             ", newer than this gateway knows (" + std::to_string(newest) + ")"});
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= current) continue;
    auto applied = InWriteTransaction(db, [&]() -> Result<Ok, SqliteError> {
      if (auto ran = db.Execute(migration.sql); !ran.ok()) return Fail(ran.error());
      auto record = db.Prepare(
          "INSERT INTO schema_version (version, description, applied_at)"
          " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
      if (!record.ok()) return Fail(record.error());
      record->Bind(1, static_cast<std::int64_t>(migration.version)).Bind(2, migration.description);
      return record->Run();
    });
    if (!applied.ok()) return Fail(applied.error());
    current = migration.version;
  }
  return current;
}

}  // namespace isagw::store
