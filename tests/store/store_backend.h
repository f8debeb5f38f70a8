// StoreBackend: one Store implementation as the shared contract suite
// (store_contract_test.cc) drives it. Every backend runs the very same
// tests, so SQLite and PostgreSQL cannot drift apart (issue 14); a backend
// adds only what the Store interface cannot tell: how to make a fresh
// database, and how to look inside it.
//
// The test owns the stores it opens and closes them (resets them) itself;
// the backend owns the database they share.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gateway/audit/audit_log.h"
#include "gateway/audit/chain_follower.h"
#include "gateway/common/result.h"
#include "gateway/crypto/sealer.h"
#include "gateway/store/store.h"

namespace isagw::store::testing {

class StoreBackend {
 public:
  virtual ~StoreBackend() = default;

  // Why the backend cannot run here (no PostgreSQL server configured), or
  // nullopt when it can: the suite then skips with it. Asked before
  // OpenFresh, so that a backend that should run and fails to open fails
  // its tests rather than skipping them.
  virtual std::optional<std::string> Unavailable() { return std::nullopt; }

  // A fresh, empty database and a store on it.
  virtual Result<std::unique_ptr<Store>, std::string> OpenFresh(
      std::shared_ptr<const crypto::Sealer> sealer) = 0;
  // A second store on the SAME database, as another process (or replica)
  // would open it; only after OpenFresh.
  virtual Result<std::unique_ptr<Store>, std::string> OpenAnother(
      std::shared_ptr<const crypto::Sealer> sealer) = 0;

  // COUNT(*) of `from` ("outbox", "messages WHERE kind = 'escalation'"):
  // plain SQL that both databases accept. Reads on a connection of its own,
  // so it sees what the stores committed. A failure fails the test (-1).
  virtual int Count(const std::string& from) = 0;

  // The audit table in seq order, as stored: what the chain is checked on.
  using AuditRow = audit::AuditRow;
  virtual std::vector<AuditRow> AuditRows() = 0;

  // Runs `sql` (plain SQL both databases accept) on a connection of its
  // own, as someone with raw access to the database could: how tests
  // tamper with the audit. The rows it changed; -1 (and a failure) when it
  // did not run.
  virtual int Execute(const std::string& sql) = 0;

  // The store's audit as the `isagw audit` tools read it; only after
  // OpenFresh.
  virtual Result<std::unique_ptr<audit::AuditLog>, std::string> OpenAuditLog() = 0;

  // Every byte the database keeps on disk for this store, to check that no
  // plaintext is at rest. Called once the test has closed every store it
  // opened; the backend makes the database write everything out first
  // (SQLite: closing the last connection checkpoints the WAL; PostgreSQL:
  // CHECKPOINT).
  virtual std::string BytesAtRest() = 0;

  // Removes what OpenFresh made. Called once every store is closed, and
  // also when OpenFresh was never called or failed (a skipped test).
  virtual void RemoveDatabase() = 0;
};

// A named backend, for INSTANTIATE_TEST_SUITE_P: `name` names the tests
// (letters and digits only), `make` gives a backend per test.
struct BackendFactory {
  std::string name;
  std::function<std::unique_ptr<StoreBackend>()> make;
};

// So that GoogleTest names the backend in its messages instead of dumping bytes.
inline void PrintTo(const BackendFactory& factory, std::ostream* out) { *out << factory.name; }

// The test name suffix: a suite that runs on every store is instantiated
//   INSTANTIATE_TEST_SUITE_P(Stores, Suite, ::testing::ValuesIn(AllBackends()), BackendName);
// (AllBackends in all_backends.h).
inline std::string BackendName(const ::testing::TestParamInfo<BackendFactory>& backend) {
  return backend.param.name;
}

}  // namespace isagw::store::testing
