#include "gateway/store/pg_pool.h"

namespace isagw::store {

Result<PgPool::Lease, PgError> PgPool::Acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
  if (!idle_.empty()) {
    std::unique_ptr<PgConnection> conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(conn));
  }
  ++open_;  // reserved before connecting, so others do not overshoot
  lock.unlock();
  auto opened = PgConnection::Open(dsn_);
  if (!opened.ok()) {
    lock.lock();
    --open_;
    returned_.notify_one();
    return Fail(opened.error());
  }
  return Lease(*this, std::make_unique<PgConnection>(std::move(*opened)));
}

void PgPool::Return(std::unique_ptr<PgConnection> conn) {
  // A lost connection, or one a failure left inside a transaction, is not
  // lent again: the next caller connects afresh.
  const bool reusable = conn->healthy() && !conn->InTransaction();
  if (!reusable) conn.reset();
  std::vector<std::unique_ptr<PgConnection>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (reusable) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
      // A lost connection usually means the server restarted: the idle
      // ones are lost too, and would each fail one caller to find out.
      open_ -= static_cast<int>(idle_.size());
      dropped.swap(idle_);
    }
  }
  returned_.notify_all();
}

}  // namespace isagw::store
