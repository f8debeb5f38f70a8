// Opens the store the configuration names: the embedded SQLite file (held
// by this process alone) or PostgreSQL shared with other replicas, and how
// the audit checkpointer signs on it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "gateway/app/checkpointer.h"
#include "gateway/common/result.h"
#include "gateway/config/gateway_config.h"
#include "gateway/crypto/sealer.h"
#include "gateway/store/sole_user_lock.h"
#include "gateway/store/store.h"

namespace isagw::app {

struct OpenedStore {
  // Members go in reverse: the store closes before its lock is let go.
  std::optional<store::SoleUserLock> sole_user;  // SQLite: no second process on the file
  std::unique_ptr<store::Store> store;
  Checkpointer::Sign sign_checkpoint;
  std::string description;  // "sqlite <path>" or "postgres replica <name>": for the start log
};

// Opens the store. SQLite: creates its directory and takes the file for
// this process alone. PostgreSQL: migrates and takes the replica's name.
Result<OpenedStore, std::string> OpenStore(const config::StoreSettings& settings,
                                           std::shared_ptr<const crypto::Sealer> sealer);

// The DSN with the password from `password_file` (if any) added, quoted as
// libpq expects. Exposed for its test.
Result<std::string, std::string> PostgresDsn(const config::PostgresSettings& settings);

}  // namespace isagw::app
