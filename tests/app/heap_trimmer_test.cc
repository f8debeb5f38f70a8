// HeapTrimmer: freed heap goes back to the system after many connections
// close or open, and not at every small change.
#include "gateway/app/heap_trimmer.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace isagw::app {
namespace {

using namespace std::chrono_literals;

TEST(TrimDecision, TrimsOnceTheConnectionsFellByTheDropBelowTheirPeak) {
  TrimDecision decision(100);
  // Nothing is counted as accepted, to watch the rule for closing alone.
  EXPECT_FALSE(decision.Observe({0, 0}));
  EXPECT_FALSE(decision.Observe({500, 0}));
  EXPECT_FALSE(decision.Observe({1000, 0}));
  EXPECT_FALSE(decision.Observe({901, 0})) << "99 closed: not yet";
  EXPECT_TRUE(decision.Observe({900, 0})) << "100 below the peak of 1,000";
  // The count starts again from 900: a further 99 are not enough.
  EXPECT_FALSE(decision.Observe({801, 0}));
  EXPECT_TRUE(decision.Observe({0, 0}));
  EXPECT_FALSE(decision.Observe({0, 0})) << "nothing more has closed";
}

TEST(TrimDecision, TrimsOnceTheDropWereAcceptedSinceTheLastTrim) {
  TrimDecision decision(100);
  // A thousand handshakes at once, all connections kept.
  EXPECT_TRUE(decision.Observe({1000, 1000}));
  EXPECT_FALSE(decision.Observe({1000, 1000})) << "nothing new since the trim";
  EXPECT_FALSE(decision.Observe({1000, 1099})) << "99 accepted (and closed): not yet";
  EXPECT_TRUE(decision.Observe({1000, 1100}));
  // Both counts start again at the trim: 60 more closed and 60 more
  // accepted are each under the churn.
  EXPECT_FALSE(decision.Observe({940, 1160}));
}

TEST(TrimDecision, ARiseAfterATrimSetsANewPeak) {
  TrimDecision decision(100);
  EXPECT_FALSE(decision.Observe({300, 0}));
  EXPECT_TRUE(decision.Observe({0, 0}));
  EXPECT_FALSE(decision.Observe({50, 0}));
  EXPECT_FALSE(decision.Observe({0, 0})) << "only 50 closed since the trim";
  EXPECT_FALSE(decision.Observe({250, 0}));
  EXPECT_TRUE(decision.Observe({150, 0}));
}

// Memory freed in the middle of the heap, where neither allocator gives
// it back by itself at once: every hundredth block stays allocated, so
// glibc cannot just lower the top of its heap, and jemalloc waits for its
// decay.
TEST(TrimHeap, GivesBackTheFreedMiddleOfTheHeap) {
#if defined(ISAGW_SANITIZED)
  GTEST_SKIP() << "the sanitizer's allocator quarantines freed memory and trims nothing";
#endif
  constexpr std::size_t kBlock = 4000;
  std::vector<std::vector<char>> blocks;
  for (int i = 0; i < 8000; ++i) blocks.emplace_back(kBlock, static_cast<char>(i | 1));  // 32 MB
  std::vector<std::vector<char>> kept;
  for (std::size_t i = 0; i < blocks.size(); i += 100) kept.push_back(std::move(blocks[i]));
  blocks.clear();
  EXPECT_GT(TrimHeap(), 8 << 20) << "of 32 MB freed, with " << kept.size() << " blocks kept";
}

TEST(TrimHeap, NeverReportsANegativeFigure) { EXPECT_GE(TrimHeap(), 0); }

#if defined(ISAGW_JEMALLOC)
// The build said jemalloc (ISAGW_JEMALLOC): malloc must be its, in every
// program that links isagw_options, or the measured figures do not hold.
TEST(Allocator, MallocIsJemallocs) {
  void* malloc_in_use = ::dlsym(RTLD_DEFAULT, "malloc");
  ASSERT_NE(malloc_in_use, nullptr);
  Dl_info info{};
  ASSERT_NE(::dladdr(malloc_in_use, &info), 0);
  ASSERT_NE(info.dli_fname, nullptr);
  EXPECT_NE(std::string(info.dli_fname).find("libjemalloc"), std::string::npos) << info.dli_fname;
}
#endif

// The thread asks for the count every interval and trims when the decision
// says so, reporting what the trim gave back.
TEST(HeapTrimmer, TrimsFromItsThreadAfterTheConnectionsFallAndReports) {
  std::atomic<double> open{1000};  // all accepted before the trimmer started
  std::atomic<int> checks{0};
  std::mutex mutex;
  std::condition_variable reported;
  std::vector<std::int64_t> reports;
  std::atomic<int> trims{0};
  {
    HeapTrimmer trimmer(
        [&] {
          ++checks;
          return ConnectionCounts{open.load(), 0};
        },
        1ms, 100,
        [&] {
          ++trims;
          return std::int64_t{4096};
        },
        [&](std::int64_t freed) {
          std::lock_guard lock(mutex);
          reports.push_back(freed);
          reported.notify_all();
        });
    // The 1,000 are seen before they close.
    while (checks.load() < 2) std::this_thread::yield();
    open = 0;
    std::unique_lock lock(mutex);
    // A deadline only so that a broken trimmer fails rather than hangs.
    ASSERT_TRUE(reported.wait_for(lock, 30s, [&] { return !reports.empty(); }));
  }
  EXPECT_EQ(trims.load(), 1) << "the count stayed at 0: one trim, not one per check";
  ASSERT_EQ(reports.size(), 1U);
  EXPECT_EQ(reports[0], 4096);
}

TEST(HeapTrimmer, NeverTrimsWhileTheConnectionsHold) {
  std::atomic<int> checks{0};
  std::atomic<int> trims{0};
  {
    HeapTrimmer trimmer(
        [&] {
          ++checks;
          return ConnectionCounts{1000, 0};
        },
        1ms, 100,
        [&] {
          ++trims;
          return std::int64_t{0};
        },
        nullptr);
    while (checks.load() < 20) std::this_thread::yield();
  }
  EXPECT_EQ(trims.load(), 0);
}

}  // namespace
}  // namespace isagw::app
