#include "tests/store/sqlite_backend.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "gateway/audit/sqlite_audit_log.h"
#include "gateway/store/sqlite_database.h"
#include "gateway/store/sqlite_store.h"

namespace isagw::store::testing {
namespace {

class SqliteBackend final : public StoreBackend {
 public:
  SqliteBackend() {
    // A parameterised test is named "Test/Backend": no directory separators in a file name.
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(test.begin(), test.end(), '/', '-');
    path_ = std::filesystem::temp_directory_path() /
            ("isagw-store-" + std::to_string(::getpid()) + "-" + test + ".db");
  }

  Result<std::unique_ptr<Store>, std::string> OpenFresh(
      std::shared_ptr<const crypto::Sealer> sealer) override {
    RemoveDatabase();  // what a killed run left behind
    return OpenAnother(std::move(sealer));
  }

  Result<std::unique_ptr<Store>, std::string> OpenAnother(
      std::shared_ptr<const crypto::Sealer> sealer) override {
    auto opened = SqliteStore::Open(path_, std::move(sealer));
    if (!opened.ok()) return Fail(opened.error().detail);
    return std::unique_ptr<Store>(std::move(*opened));
  }

  int Count(const std::string& from) override {
    auto db = SqliteDatabase::Open(path_);
    if (!db.ok()) return Failed(db.error(), -1);
    auto query = db->Prepare("SELECT COUNT(*) FROM " + from);
    if (!query.ok()) return Failed(query.error(), -1);
    auto row = query->Step();
    if (!row.ok()) return Failed(row.error(), -1);
    EXPECT_TRUE(*row);
    return *row ? static_cast<int>(query->ColumnInt(0)) : -1;
  }

  std::vector<AuditRow> AuditRows() override {
    std::vector<AuditRow> rows;
    auto db = SqliteDatabase::Open(path_);
    if (!db.ok()) return Failed(db.error(), rows);
    auto query = db->Prepare("SELECT seq, at, kind, body, prev_hash, hash FROM audit ORDER BY seq");
    if (!query.ok()) return Failed(query.error(), rows);
    for (;;) {
      auto row = query->Step();
      if (!row.ok()) return Failed(row.error(), rows);
      if (!*row) return rows;
      rows.push_back({query->ColumnInt(0), query->ColumnInt(1), query->ColumnText(2),
                      query->ColumnText(3), query->ColumnBlob(4), query->ColumnBlob(5)});
    }
  }

  int Execute(const std::string& sql) override {
    auto db = SqliteDatabase::Open(path_);
    if (!db.ok()) return Failed(db.error(), -1);
    if (auto ran = db->Execute(sql); !ran.ok()) return Failed(ran.error(), -1);
    return db->Changes();
  }

  Result<std::unique_ptr<audit::AuditLog>, std::string> OpenAuditLog() override {
    auto log = audit::SqliteAuditLog::Open(path_);
    if (!log.ok()) return Fail(log.error().detail);
    return std::unique_ptr<audit::AuditLog>(
        std::make_unique<audit::SqliteAuditLog>(std::move(*log)));
  }

  // The stores are closed by now, and the last connection to close has
  // checkpointed the WAL into the file; the WAL is read too in case it
  // could not.
  std::string BytesAtRest() override {
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(path_.string() + suffix, std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
  }

  void RemoveDatabase() override {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ignored;  // absent when nothing was opened
      std::filesystem::remove(path_.string() + suffix, ignored);
    }
  }

 private:
  template <typename T>
  T Failed(const SqliteError& error, T value) {
    ADD_FAILURE() << path_ << ": " << error.message;
    return value;
  }

  std::filesystem::path path_;
};

}  // namespace

BackendFactory SqliteBackendFactory() {
  return {"Sqlite", [] { return std::make_unique<SqliteBackend>(); }};
}

}  // namespace isagw::store::testing
