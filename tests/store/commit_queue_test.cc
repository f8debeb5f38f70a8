#include "gateway/store/commit_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace isagw::store {
namespace {

Acceptance Numbered(int n) {
  Acceptance a;
  a.message.id = "m" + std::to_string(n);
  return a;
}

// The queue never looks inside a sealed payload: these carry none.
SealedAcceptance Queued(const Acceptance& a) {
  SealedAcceptance sealed;
  sealed.acceptance = &a;
  return sealed;
}

// Holds the first group's step until released, so that every other caller
// is queued behind it by then.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mutex_);
    open_changed_.wait(lock, [&] { return open_; });
  }
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    open_changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable open_changed_;
  bool open_ = false;
};

void WaitForDepth(const CommitQueue& queue, std::size_t depth) {
  while (queue.depth() < depth) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TEST(CommitQueueTest, OneCallerAloneIsAGroupOfOne) {
  CommitQueue queue(8);
  std::vector<std::size_t> sizes;
  auto outcome = queue.Commit(Queued(Numbered(1)), [&](std::span<CommitQueue::Entry* const> group) {
    sizes.push_back(group.size());
    for (auto* entry : group) entry->outcome = Ok{};
  });
  EXPECT_TRUE(outcome.ok());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1}));
  EXPECT_EQ(queue.counts().groups, 1u);
  EXPECT_EQ(queue.counts().acceptances, 1u);
}

TEST(CommitQueueTest, CallersQueuedBehindALeaderCommitTogetherEachWithItsOwnOutcome) {
  constexpr int kFollowers = 6;
  CommitQueue queue(64);
  Gate gate;
  std::mutex seen_mutex;
  std::vector<std::vector<std::string>> groups;  // message ids per group, in order
  std::atomic<bool> first_step_running{false};
  auto step = [&](std::span<CommitQueue::Entry* const> group) {
    if (!first_step_running.exchange(true)) gate.Wait();
    std::vector<std::string> ids;
    for (auto* entry : group) {
      ids.push_back(entry->sealed->acceptance->message.id);
      // Odd messages conflict: only they fail.
      const int n = std::stoi(entry->sealed->acceptance->message.id.substr(1));
      if (n % 2 == 1) {
        entry->outcome = Fail(StoreError{StoreErrorKind::kConflict, "odd"});
      } else {
        entry->outcome = Ok{};
      }
    }
    std::lock_guard lock(seen_mutex);
    groups.push_back(std::move(ids));
  };

  std::vector<Acceptance> acceptances;
  for (int n = 0; n <= kFollowers; ++n) acceptances.push_back(Numbered(n));
  std::vector<std::optional<Result<Ok, StoreError>>> outcomes(acceptances.size());
  // m0 leads and is held at the gate; m1..m6 queue behind it.
  std::thread leader([&] { outcomes[0] = queue.Commit(Queued(acceptances[0]), step); });
  while (!first_step_running) std::this_thread::yield();
  std::vector<std::thread> followers;
  for (int n = 1; n <= kFollowers; ++n) {
    followers.emplace_back([&, n] { outcomes[n] = queue.Commit(Queued(acceptances[n]), step); });
  }
  // The followers queue while the leader is held.
  WaitForDepth(queue, kFollowers + 1);
  gate.Open();
  leader.join();
  for (auto& follower : followers) follower.join();

  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], (std::vector<std::string>{"m0"}));
  EXPECT_EQ(groups[1].size(), static_cast<std::size_t>(kFollowers));
  for (int n = 0; n <= kFollowers; ++n) {
    ASSERT_TRUE(outcomes[n].has_value());
    if (n % 2 == 1) {
      ASSERT_FALSE(outcomes[n]->ok()) << n;
      EXPECT_EQ(outcomes[n]->error().kind, StoreErrorKind::kConflict);
    } else {
      EXPECT_TRUE(outcomes[n]->ok()) << n;
    }
  }
  EXPECT_EQ(queue.counts().groups, 2u);
  EXPECT_EQ(queue.counts().acceptances, static_cast<std::uint64_t>(kFollowers + 1));
}

TEST(CommitQueueTest, KeepsTheOrderCallersQueuedIn) {
  CommitQueue queue(64);
  Gate gate;
  std::vector<std::string> order;
  std::atomic<bool> first_step_running{false};
  auto step = [&](std::span<CommitQueue::Entry* const> group) {
    if (!first_step_running.exchange(true)) gate.Wait();
    for (auto* entry : group) {
      order.push_back(entry->sealed->acceptance->message.id);
      entry->outcome = Ok{};
    }
  };
  std::vector<Acceptance> acceptances;
  for (int n = 0; n < 5; ++n) acceptances.push_back(Numbered(n));
  std::thread leader([&] { (void)queue.Commit(Queued(acceptances[0]), step); });
  while (!first_step_running) std::this_thread::yield();
  std::vector<std::thread> followers;
  for (int n = 1; n < 5; ++n) {
    followers.emplace_back([&, n] { (void)queue.Commit(Queued(acceptances[n]), step); });
    WaitForDepth(queue, static_cast<std::size_t>(n) + 1);  // queued one at a time
  }
  gate.Open();
  leader.join();
  for (auto& follower : followers) follower.join();
  EXPECT_EQ(order, (std::vector<std::string>{"m0", "m1", "m2", "m3", "m4"}));
}

// Commits `callers` Acceptances through `step`: the first caller's group is
// held in its step until every other caller has queued behind it, so the
// rest make groups as large as the queue allows. Returns when all have.
void CommitWithTheFirstHeldBack(CommitQueue& queue, int callers,
                                const CommitQueue::GroupStep& step) {
  Gate gate;
  std::atomic<bool> first_step_running{false};
  auto held = [&](std::span<CommitQueue::Entry* const> group) {
    if (!first_step_running.exchange(true)) gate.Wait();
    step(group);
  };
  std::vector<Acceptance> acceptances;
  for (int n = 0; n < callers; ++n) acceptances.push_back(Numbered(n));
  std::thread leader([&] { (void)queue.Commit(Queued(acceptances[0]), held); });
  while (!first_step_running) std::this_thread::yield();
  std::vector<std::thread> followers;
  for (int n = 1; n < callers; ++n) {
    followers.emplace_back([&, n] { (void)queue.Commit(Queued(acceptances[n]), held); });
  }
  WaitForDepth(queue, static_cast<std::size_t>(callers));
  gate.Open();
  leader.join();
  for (auto& follower : followers) follower.join();
}

TEST(CommitQueueTest, AGroupIsNeverLargerThanItsLimit) {
  CommitQueue queue(3);
  std::mutex sizes_mutex;
  std::vector<std::size_t> sizes;
  CommitWithTheFirstHeldBack(queue, 8, [&](std::span<CommitQueue::Entry* const> group) {
    {
      std::lock_guard lock(sizes_mutex);
      sizes.push_back(group.size());
    }
    for (auto* entry : group) entry->outcome = Ok{};
  });
  std::size_t total = 0;
  for (std::size_t size : sizes) {
    EXPECT_LE(size, 3u);
    total += size;
  }
  EXPECT_EQ(total, 8u);
}

TEST(CommitQueueTest, TheObserverHearsOfEveryGroupWithItsSizeAndTime) {
  CommitQueue queue(4);
  std::mutex seen_mutex;
  std::vector<CommitQueue::Group> seen;
  queue.Observe([&](const CommitQueue::Group& group) {
    std::lock_guard lock(seen_mutex);
    seen.push_back(group);
  });
  std::mutex sizes_mutex;
  std::vector<std::size_t> sizes;
  CommitWithTheFirstHeldBack(queue, 9, [&](std::span<CommitQueue::Entry* const> group) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    {
      std::lock_guard lock(sizes_mutex);
      sizes.push_back(group.size());
    }
    for (auto* entry : group) entry->outcome = Ok{};
  });

  // One report per group, in the sizes the step saw: 1 (the first caller
  // alone), then the eight queued behind it in groups of at most four.
  ASSERT_EQ(seen.size(), sizes.size());
  std::vector<std::size_t> observed;
  for (const auto& group : seen) observed.push_back(group.size);
  std::sort(observed.begin(), observed.end());
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(observed, sizes);
  EXPECT_EQ(queue.counts().groups, seen.size());
  EXPECT_EQ(queue.counts().acceptances, 9u);
  // Each group's time covers its step, which slept 5 ms.
  for (const auto& group : seen) EXPECT_GE(group.took, std::chrono::milliseconds(5));
}

TEST(CommitQueueTest, AnEntryTheStepLeftWithoutAnOutcomeFails) {
  CommitQueue queue(4);
  auto outcome = queue.Commit(Queued(Numbered(1)), [](std::span<CommitQueue::Entry* const>) {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, StoreErrorKind::kBackend);
}

}  // namespace
}  // namespace isagw::store
