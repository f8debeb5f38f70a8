// SqliteReaderPool: connections that only read, for the ingest reads (an
// earlier answer, the episode, the child's link). WAL lets them read the
// last committed state while the writer connection is busy committing a
// group, so the next messages are decided while the disk syncs the last.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/store/sqlite_database.h"

namespace isagw::store {

class SqliteReaderPool {
 public:
  explicit SqliteReaderPool(std::filesystem::path path) : path_(std::move(path)) {}
  SqliteReaderPool(const SqliteReaderPool&) = delete;
  SqliteReaderPool& operator=(const SqliteReaderPool&) = delete;

  // A connection lent to one caller; back to the pool when it goes.
  class Lease {
   public:
    Lease(SqliteReaderPool& pool, std::unique_ptr<SqliteDatabase> db)
        : pool_(&pool), db_(std::move(db)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (db_) pool_->Return(std::move(db_));
    }
    SqliteDatabase& db() { return *db_; }

   private:
    SqliteReaderPool* pool_;
    std::unique_ptr<SqliteDatabase> db_;
  };

  // An idle connection, or a new one (there are never more than the
  // threads reading at once).
  Result<Lease, SqliteError> Acquire();

 private:
  void Return(std::unique_ptr<SqliteDatabase> db);

  const std::filesystem::path path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<SqliteDatabase>> idle_;
};

}  // namespace isagw::store
