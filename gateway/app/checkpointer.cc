#include "gateway/app/checkpointer.h"

#include <utility>

#include "gateway/audit/sqlite_audit_log.h"

namespace isagw::app {

Checkpointer::Checkpointer(std::filesystem::path database,
                           std::shared_ptr<const audit::CheckpointSigner> signer,
                           std::chrono::milliseconds interval, const delivery::Clock& clock,
                           Report report)
    : database_(std::move(database)),
      signer_(std::move(signer)),
      interval_(interval),
      clock_(clock),
      report_(std::move(report)) {}

Checkpointer::~Checkpointer() { Stop(); }

void Checkpointer::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

bool Checkpointer::SignNow() {
  std::lock_guard lock(signing_);
  // A connection per signature: checkpoints are minutes apart, and a
  // connection held open would pin an old WAL snapshot for nothing.
  auto log = audit::SqliteAuditLog::Open(database_);
  if (!log.ok()) {
    if (report_) report_(false, 0, log.error().detail);
    return false;
  }
  auto checkpoint = log->AppendCheckpoint(*signer_, clock_.Now());
  if (!checkpoint.ok()) {
    if (report_) report_(false, 0, checkpoint.error().detail);
    return false;
  }
  if (report_) report_(true, checkpoint->head.seq, "");
  return true;
}

void Checkpointer::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (changed_.wait_for(lock, interval_, [this] { return stopping_; })) break;
    lock.unlock();
    SignNow();
    lock.lock();
  }
}

void Checkpointer::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopping_ = true;
    stopped_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  // The last word: whatever was written before the stop is signed.
  SignNow();
}

}  // namespace isagw::app
