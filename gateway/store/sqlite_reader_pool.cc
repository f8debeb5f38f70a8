#include "gateway/store/sqlite_reader_pool.h"

namespace isagw::store {

Result<SqliteReaderPool::Lease, SqliteError> SqliteReaderPool::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(db));
    }
  }
  auto opened = SqliteDatabase::Open(path_);
  if (!opened.ok()) return Fail(opened.error());
  return Lease(*this, std::make_unique<SqliteDatabase>(std::move(*opened)));
}

void SqliteReaderPool::Return(std::unique_ptr<SqliteDatabase> db) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(db));
}

}  // namespace isagw::store
