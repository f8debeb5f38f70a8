#include "gateway/app/store_opener.h"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <system_error>

#include "gateway/audit/sqlite_audit_log.h"
#include "gateway/store/pg_audit_log.h"
#include "gateway/store/pg_store.h"
#include "gateway/store/sqlite_store.h"

namespace isagw::app {
namespace {

// A libpq value in single quotes, with \ and ' escaped.
std::string Quoted(std::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('\'');
  return quoted;
}

Result<OpenedStore, std::string> OpenSqlite(const config::StoreSettings& settings,
                                            std::shared_ptr<const crypto::Sealer> sealer,
                                            store::CommitQueue::GroupObserver on_group) {
  OpenedStore opened;
  std::error_code ignored;
  std::filesystem::create_directories(settings.path.parent_path(), ignored);
  auto sole_user = store::SoleUserLock::Take(settings.path);
  if (!sole_user.ok()) return Fail(sole_user.error());
  opened.sole_user.emplace(std::move(*sole_user));
  auto store = store::SqliteStore::Open(settings.path, std::move(sealer));
  if (!store.ok()) return Fail(store.error().detail);
  (*store)->ObserveGroupCommits(std::move(on_group));
  opened.store = std::move(*store);
  // A connection per signature: checkpoints are minutes apart, and a
  // connection held open would pin an old WAL snapshot for nothing.
  opened.sign_checkpoint = [path = settings.path](
                               const audit::CheckpointSigner& signer,
                               model::Timestamp now) -> Result<std::int64_t, std::string> {
    auto log = audit::SqliteAuditLog::Open(path);
    if (!log.ok()) return Fail(log.error().detail);
    auto checkpoint = log->AppendCheckpoint(signer, now);
    if (!checkpoint.ok()) return Fail(checkpoint.error().detail);
    return checkpoint->head.seq;
  };
  opened.description = "sqlite " + settings.path.string();
  return opened;
}

Result<std::unique_ptr<store::PostgresStore>, std::string> OpenPostgresAs(
    const config::StoreSettings& settings, std::shared_ptr<const crypto::Sealer> sealer,
    const std::string& replica) {
  auto dsn = PostgresDsn(settings.postgres);
  if (!dsn.ok()) return Fail(dsn.error());
  auto store = store::PostgresStore::Open(
      {.dsn = *dsn, .pool = settings.postgres.pool, .replica = replica}, std::move(sealer));
  if (!store.ok()) return Fail(store.error().detail);
  return std::move(*store);
}

// Opening a SQLite store that is not there would create an empty one.
Result<Ok, std::string> SqliteFileExists(const config::StoreSettings& settings) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(settings.path, ec)) return Ok{};
  return Fail("the store " + settings.path.string() + " (store.path) does not exist");
}

Result<OpenedStore, std::string> OpenPostgres(const config::StoreSettings& settings,
                                              std::shared_ptr<const crypto::Sealer> sealer,
                                              store::CommitQueue::GroupObserver on_group) {
  auto store = OpenPostgresAs(settings, std::move(sealer), settings.postgres.replica);
  if (!store.ok()) return Fail(store.error());
  (*store)->ObserveGroupCommits(std::move(on_group));
  OpenedStore opened;
  store::PostgresStore* raw = store->get();
  opened.store = std::move(*store);
  opened.sign_checkpoint = [raw](const audit::CheckpointSigner& signer,
                                 model::Timestamp now) -> Result<std::int64_t, std::string> {
    auto checkpoint = raw->AppendCheckpoint(signer, now);
    if (!checkpoint.ok()) return Fail(checkpoint.error().detail);
    return checkpoint->head.seq;
  };
  opened.description = "postgres replica " + settings.postgres.replica;
  return opened;
}

}  // namespace

Result<std::string, std::string> PostgresDsn(const config::PostgresSettings& settings) {
  if (settings.password_file.empty()) return settings.dsn;
  std::ifstream in(settings.password_file, std::ios::binary);
  if (!in) return Fail("cannot read " + settings.password_file.string());
  std::string password{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
    password.pop_back();
  }
  if (password.empty()) return Fail(settings.password_file.string() + " is empty");
  return settings.dsn + " password=" + Quoted(password);
}

Result<std::unique_ptr<store::Store>, std::string> OpenStoreForTool(
    const config::StoreSettings& settings, std::shared_ptr<const crypto::Sealer> sealer,
    std::string_view tool) {
  if (settings.kind == config::StoreKind::kPostgres) {
    auto store = OpenPostgresAs(
        settings, std::move(sealer),
        settings.postgres.replica + "/" + std::string(tool) + "/" + std::to_string(::getpid()));
    if (!store.ok()) return Fail(store.error());
    return std::unique_ptr<store::Store>(std::move(*store));
  }
  if (auto exists = SqliteFileExists(settings); !exists.ok()) return Fail(exists.error());
  auto store = store::SqliteStore::Open(settings.path, std::move(sealer));
  if (!store.ok()) return Fail("the store did not open: " + store.error().detail);
  return std::unique_ptr<store::Store>(std::move(*store));
}

Result<std::unique_ptr<audit::AuditLog>, std::string> OpenAuditLog(
    const config::StoreSettings& settings, bool migrate) {
  if (settings.kind == config::StoreKind::kPostgres) {
    auto dsn = PostgresDsn(settings.postgres);
    if (!dsn.ok()) return Fail(dsn.error());
    auto log = store::PostgresAuditLog::Open(*dsn);
    if (!log.ok()) return Fail(log.error().detail);
    return std::unique_ptr<audit::AuditLog>(std::move(*log));
  }
  if (auto exists = SqliteFileExists(settings); !exists.ok()) return Fail(exists.error());
  auto log = audit::SqliteAuditLog::Open(settings.path, migrate);
  if (!log.ok()) return Fail(log.error().detail);
  return std::unique_ptr<audit::AuditLog>(std::make_unique<audit::SqliteAuditLog>(std::move(*log)));
}

Result<OpenedStore, std::string> OpenStore(const config::StoreSettings& settings,
                                           std::shared_ptr<const crypto::Sealer> sealer,
                                           store::CommitQueue::GroupObserver on_group) {
  if (settings.kind == config::StoreKind::kPostgres) {
    return OpenPostgres(settings, std::move(sealer), std::move(on_group));
  }
  return OpenSqlite(settings, std::move(sealer), std::move(on_group));
}

}  // namespace isagw::app
