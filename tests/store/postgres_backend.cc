#include "tests/store/postgres_backend.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "gateway/store/pg_audit_log.h"
#include "gateway/store/pg_connection.h"
#include "gateway/store/pg_store.h"
#include "tests/support/postgres_test_cluster.h"

namespace isagw::store::testing {
namespace {

class PostgresBackend final : public StoreBackend {
 public:
  PostgresBackend() {
    static std::atomic<int> made{0};
    schema_ = "t_" + std::to_string(::getpid()) + "_" + std::to_string(++made);
  }

  std::optional<std::string> Unavailable() override {
    auto cluster = isagw::testing::FindPostgresTestCluster();
    if (!cluster.ok()) return cluster.error();
    cluster_ = *cluster;
    return std::nullopt;
  }

  Result<std::unique_ptr<Store>, std::string> OpenFresh(
      std::shared_ptr<const crypto::Sealer> sealer) override {
    if (!cluster_ && Unavailable()) return Fail(std::string("no PostgreSQL cluster"));
    auto admin = Admin();
    if (!admin.ok()) return Fail(admin.error());
    if (auto made = admin->Execute("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " +
                                   schema_);
        !made.ok()) {
      return Fail(made.error().message);
    }
    created_ = true;
    return OpenNamed(std::move(sealer), "replica-1");
  }

  Result<std::unique_ptr<Store>, std::string> OpenAnother(
      std::shared_ptr<const crypto::Sealer> sealer) override {
    return OpenNamed(std::move(sealer), "replica-" + std::to_string(++others_ + 1));
  }

  int Count(const std::string& from) override {
    auto conn = Connect();
    if (!conn.ok()) return -1;
    auto counted = conn->Query("SELECT COUNT(*) FROM " + from);
    return counted.ok() ? static_cast<int>(counted->Int(0, 0)) : -1;
  }

  std::vector<AuditRow> AuditRows() override {
    std::vector<AuditRow> rows;
    auto conn = Connect();
    if (!conn.ok()) return rows;
    auto read = conn->Query("SELECT seq, at, kind, body, prev_hash, hash FROM audit ORDER BY seq");
    if (!read.ok()) return rows;
    for (int r = 0; r < read->rows(); ++r) {
      rows.push_back(AuditRow{read->Int(r, 0), read->Int(r, 1), read->Text(r, 2), read->Text(r, 3),
                              read->Bytes(r, 4), read->Bytes(r, 5)});
    }
    return rows;
  }

  int Execute(const std::string& sql) override {
    auto conn = Connect();
    if (!conn.ok()) {
      ADD_FAILURE() << conn.error();
      return -1;
    }
    auto ran = conn->Query(sql);
    if (!ran.ok()) {
      ADD_FAILURE() << ran.error().message;
      return -1;
    }
    return ran->affected();
  }

  Result<std::unique_ptr<audit::AuditLog>, std::string> OpenAuditLog() override {
    auto log = PostgresAuditLog::Open(Dsn());
    if (!log.ok()) return Fail(log.error().detail);
    return std::unique_ptr<audit::AuditLog>(std::move(*log));
  }

  // What the server has on disk: its tables' files and its WAL, after a
  // CHECKPOINT has written every dirty page out. Other tests' schemas are
  // in there too; they seal alike, so the check holds for all of them.
  std::string BytesAtRest() override {
    std::string bytes;
    auto admin = Admin();
    if (!admin.ok() || !admin->Execute("CHECKPOINT").ok()) return bytes;
    for (const char* part : {"base", "pg_wal"}) {
      std::error_code ignored;
      for (const auto& entry :
           std::filesystem::recursive_directory_iterator(cluster_->data_dir / part, ignored)) {
        if (!entry.is_regular_file(ignored)) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
    }
    return bytes;
  }

  void RemoveDatabase() override {
    if (!created_) return;
    if (auto admin = Admin(); admin.ok()) {
      (void)admin->Execute("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    }
    created_ = false;
  }

 private:
  // The store's DSN: the cluster's, with this test's schema first in the path.
  std::string Dsn() const { return cluster_->dsn + " options='-c search_path=" + schema_ + "'"; }

  Result<PgConnection, std::string> Admin() {
    auto conn = PgConnection::Open(cluster_->dsn);
    if (!conn.ok()) return Fail(conn.error().message);
    return std::move(*conn);
  }
  Result<PgConnection, std::string> Connect() {
    auto conn = PgConnection::Open(Dsn());
    if (!conn.ok()) return Fail(conn.error().message);
    return std::move(*conn);
  }

  Result<std::unique_ptr<Store>, std::string> OpenNamed(
      std::shared_ptr<const crypto::Sealer> sealer, const std::string& replica) {
    auto opened =
        PostgresStore::Open({.dsn = Dsn(), .pool = 8, .replica = replica}, std::move(sealer));
    if (!opened.ok()) return Fail(opened.error().detail);
    return std::unique_ptr<Store>(std::move(*opened));
  }

  std::string schema_;
  std::optional<isagw::testing::PostgresTestCluster> cluster_;
  bool created_ = false;
  int others_ = 0;
};

}  // namespace

BackendFactory PostgresBackendFactory() {
  return {"Postgres", [] { return std::make_unique<PostgresBackend>(); }};
}

}  // namespace isagw::store::testing
