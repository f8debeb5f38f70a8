#include "gateway/app/store_opener.h"

#include <fstream>
#include <iterator>
#include <system_error>

#include "gateway/audit/sqlite_audit_log.h"
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
                                            std::shared_ptr<const crypto::Sealer> sealer) {
  OpenedStore opened;
  std::error_code ignored;
  std::filesystem::create_directories(settings.path.parent_path(), ignored);
  auto sole_user = store::SoleUserLock::Take(settings.path);
  if (!sole_user.ok()) return Fail(sole_user.error());
  opened.sole_user.emplace(std::move(*sole_user));
  auto store = store::SqliteStore::Open(settings.path, std::move(sealer));
  if (!store.ok()) return Fail(store.error().detail);
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

Result<OpenedStore, std::string> OpenPostgres(const config::StoreSettings& settings,
                                              std::shared_ptr<const crypto::Sealer> sealer) {
  auto dsn = PostgresDsn(settings.postgres);
  if (!dsn.ok()) return Fail(dsn.error());
  auto store = store::PostgresStore::Open(
      {.dsn = *dsn, .pool = settings.postgres.pool, .replica = settings.postgres.replica},
      std::move(sealer));
  if (!store.ok()) return Fail(store.error().detail);
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

Result<OpenedStore, std::string> OpenStore(const config::StoreSettings& settings,
                                           std::shared_ptr<const crypto::Sealer> sealer) {
  auto opened = settings.kind == config::StoreKind::kPostgres ? OpenPostgres(settings, sealer)
                                                              : OpenSqlite(settings, sealer);
  return opened;
}

}  // namespace isagw::app
