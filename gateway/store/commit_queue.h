// CommitQueue: group commit. Threads that commit at the same time share
// one transaction, and so one fsync: the first in line leads, takes every
// Acceptance queued behind it (up to a limit) and commits them together,
// while the others wait; each caller returns only when the transaction
// holding its Acceptance is durable, with its own outcome. The writer
// queue of LevelDB's DBImpl::Write, for Acceptances.
//
// A store backend supplies the group step. It must give every entry its
// own outcome (a conflict fails that entry alone) and apply them in queue
// order, so a later message of an episode sees the earlier one. Entries
// come sealed (SealedAcceptance): whatever needs no lock is done before
// the queue, since the whole group waits for each step.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>

#include "gateway/store/sealed_acceptance.h"
#include "gateway/store/store.h"

namespace isagw::store {

class CommitQueue {
 public:
  struct Entry {
    const SealedAcceptance* sealed = nullptr;
    std::optional<Result<Ok, StoreError>> outcome;  // set by the group step
  };
  using GroupStep = std::function<void(std::span<Entry* const> group)>;
  // What one group was: how many Acceptances, and how long its step took
  // (the transaction and its fsync). For metrics.
  struct Group {
    std::size_t size = 0;
    std::chrono::steady_clock::duration took{};
  };
  using GroupObserver = std::function<void(const Group& group)>;

  explicit CommitQueue(std::size_t max_group) : max_group_(max_group < 1 ? 1 : max_group) {}
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Commits `acceptance` in a group; blocks until that group's step is done.
  Result<Ok, StoreError> Commit(const SealedAcceptance& acceptance, const GroupStep& step);

  // Groups committed and Acceptances in them, since start: the mean group
  // size is what the disk was spared.
  struct Counts {
    std::uint64_t groups = 0;
    std::uint64_t acceptances = 0;
  };
  Counts counts() const;
  // Called by each group's leader once its waiters are woken, outside the
  // lock. Set it before the first Commit: it is not guarded.
  void Observe(GroupObserver observer) { observer_ = std::move(observer); }
  // Acceptances waiting or being committed now: the queue's depth.
  std::size_t depth() const;

 private:
  struct Waiter {
    Entry entry;
    bool done = false;
    std::condition_variable wake;
  };

  const std::size_t max_group_;
  mutable std::mutex mutex_;
  std::deque<Waiter*> queue_;  // the front is the leader
  Counts counts_;
  GroupObserver observer_;
};

}  // namespace isagw::store
