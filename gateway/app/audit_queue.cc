#include "gateway/app/audit_queue.h"

#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

namespace isagw::app {

AuditQueue::AuditQueue(store::Store& store, const delivery::Clock& clock, std::size_t capacity,
                       std::function<void(const std::string& detail)> failed)
    : store_(store), clock_(clock), capacity_(capacity), failed_(std::move(failed)) {}

AuditQueue::~AuditQueue() { Stop(); }

void AuditQueue::Push(store::AuditRecord record) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= capacity_) {
      ++dropped_[record.kind];
      return;
    }
    queue_.push_back(std::move(record));
  }
  changed_.notify_one();
}

void AuditQueue::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void AuditQueue::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  Flush();
}

void AuditQueue::Flush() {
  std::lock_guard writing(writing_);
  std::vector<store::AuditRecord> batch;
  {
    std::lock_guard lock(mutex_);
    batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
    queue_.clear();
    for (const auto& [kind, count] : dropped_) {
      batch.push_back(
          {"audit_records_dropped", nlohmann::json{{"kind", kind}, {"count", count}}.dump()});
    }
    dropped_.clear();
  }
  if (batch.empty()) return;
  if (auto written = store_.RecordAudit(batch, clock_.Now()); !written.ok() && failed_) {
    failed_(written.error().detail);
  }
}

void AuditQueue::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty() || !dropped_.empty(); });
    if (stopping_) break;
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace isagw::app
