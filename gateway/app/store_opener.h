// Opens the store the configuration names: the embedded SQLite file (held
// by this process alone) or PostgreSQL shared with other replicas, and how
// the audit checkpointer signs on it. Also what the command-line tools
// open beside a running gateway: the store (reports, timers) and the audit
// log (`isagw audit`), whichever database holds them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/audit/audit_log.h"
#include "gateway/audit/signing_key.h"
#include "gateway/common/result.h"
#include "gateway/config/gateway_config.h"
#include "gateway/crypto/sealer.h"
#include "gateway/store/commit_queue.h"
#include "gateway/store/sole_user_lock.h"
#include "gateway/store/store.h"

namespace isagw::app {

// Signs the audit chain's head at `now`: the checkpoint's head seq, or why
// it could not (Checkpointer::Sign).
using SignCheckpoint = std::function<Result<std::int64_t, std::string>(
    const audit::CheckpointSigner& signer, model::Timestamp now)>;

struct OpenedStore {
  // Members go in reverse: the store closes before its lock is let go.
  std::optional<store::SoleUserLock> sole_user;  // SQLite: no second process on the file
  std::unique_ptr<store::Store> store;
  SignCheckpoint sign_checkpoint;
  std::string description;  // "sqlite <path>" or "postgres replica <name>": for the start log
};

// Opens the store. SQLite: creates its directory and takes the file for
// this process alone. PostgreSQL: migrates and takes the replica's name.
// `on_group`, if set, is told of every group commit (the metrics).
Result<OpenedStore, std::string> OpenStore(const config::StoreSettings& settings,
                                           std::shared_ptr<const crypto::Sealer> sealer,
                                           store::CommitQueue::GroupObserver on_group = {});

// The store for a command-line tool beside a running gateway. SQLite: the
// existing file only (a missing one is an error, never created empty).
// PostgreSQL: under a replica name of its own ("<replica>/<tool>/<pid>"),
// so it neither collides with the gateway's name nor holds its leases.
Result<std::unique_ptr<store::Store>, std::string> OpenStoreForTool(
    const config::StoreSettings& settings, std::shared_ptr<const crypto::Sealer> sealer,
    std::string_view tool);

// The audit log, for `isagw audit`. SQLite: the existing file, its schema
// brought up to date first when `migrate` (a writer's checkpoint).
// PostgreSQL: a database a gateway has set up; never migrated here.
Result<std::unique_ptr<audit::AuditLog>, std::string> OpenAuditLog(
    const config::StoreSettings& settings, bool migrate);

// The DSN with the password from `password_file` (if any) added, quoted as
// libpq expects. Exposed for its test.
Result<std::string, std::string> PostgresDsn(const config::PostgresSettings& settings);

}  // namespace isagw::app
