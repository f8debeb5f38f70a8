// PgPool: a replica's connections to PostgreSQL, at most `size` of them,
// made when first needed. A caller that finds them all lent waits: the
// pool, not the number of handler threads, bounds what one replica asks
// of the server (max_connections is shared by every replica).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/store/pg_connection.h"

namespace isagw::store {

class PgPool {
 public:
  PgPool(std::string dsn, int size) : dsn_(std::move(dsn)), size_(size < 1 ? 1 : size) {}
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // A connection lent to one caller; back to the pool when it goes, or
  // closed if it was lost or left inside a transaction.
  class Lease {
   public:
    Lease(PgPool& pool, std::unique_ptr<PgConnection> conn)
        : pool_(&pool), conn_(std::move(conn)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (conn_) pool_->Return(std::move(conn_));
    }
    PgConnection& conn() { return *conn_; }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  // An idle connection, a new one while fewer than `size` exist, or the
  // next one returned. Fails when a new connection cannot be made.
  Result<Lease, PgError> Acquire();

 private:
  void Return(std::unique_ptr<PgConnection> conn);

  const std::string dsn_;
  const int size_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;  // lent and idle
};

}  // namespace isagw::store
