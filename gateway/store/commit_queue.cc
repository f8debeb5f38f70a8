#include "gateway/store/commit_queue.h"

#include <vector>

namespace isagw::store {

Result<Ok, StoreError> CommitQueue::Commit(const SealedAcceptance& acceptance,
                                           const GroupStep& step) {
  Waiter self;
  self.entry.sealed = &acceptance;
  std::unique_lock lock(mutex_);
  queue_.push_back(&self);
  self.wake.wait(lock, [&] { return self.done || queue_.front() == &self; });
  if (self.done) return *std::move(self.entry.outcome);

  // Leader: the group is the front of the queue, this caller first. Others
  // keep queueing behind it while it commits.
  const std::size_t size = std::min(queue_.size(), max_group_);
  std::vector<Waiter*> waiters(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(size));
  std::vector<Entry*> group;
  group.reserve(size);
  for (Waiter* waiter : waiters) group.push_back(&waiter->entry);
  lock.unlock();

  // Hands each waiter its outcome (a failure when the step gave none) and
  // wakes the next leader; also when the step throws, so nobody waits for
  // ever on a group that is gone.
  auto finish = [&] {
    lock.lock();
    counts_.groups += 1;
    counts_.acceptances += size;
    for (Waiter* waiter : waiters) {
      if (!waiter->entry.outcome) {
        waiter->entry.outcome =
            Fail(StoreError{StoreErrorKind::kBackend, "the group commit was abandoned"});
      }
      queue_.pop_front();
      waiter->done = true;
      if (waiter != &self) waiter->wake.notify_one();
    }
    if (!queue_.empty()) queue_.front()->wake.notify_one();  // the next leader
  };
  const auto started = std::chrono::steady_clock::now();
  try {
    step(group);
  } catch (...) {
    finish();
    throw;
  }
  const auto took = std::chrono::steady_clock::now() - started;
  finish();
  lock.unlock();
  if (observer_) observer_(Group{size, took});
  return *std::move(self.entry.outcome);
}

std::size_t CommitQueue::depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

CommitQueue::Counts CommitQueue::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

}  // namespace isagw::store
