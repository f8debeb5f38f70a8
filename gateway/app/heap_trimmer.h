// HeapTrimmer: gives back to the system the heap a burst of connections
// left behind. Allocators keep freed memory in their arenas: with glibc, a
// thousand mutual-TLS handshakes at once leave about 20 MB of it even while
// the connections stay open, and when they close, all their memory stays
// until malloc_trim(0) returns it (docs/benchmarks.md, "Memory"); jemalloc
// returns it after its decay, about ten seconds, unless purged sooner. A
// trim walks every arena under its lock, so it runs only after many
// connections opened or closed, and at most once per check.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace isagw::app {

struct ConnectionCounts {
  double open = 0;      // open now
  double accepted = 0;  // accepted since the process started
};

// When to trim: once the open connections have fallen `churn` or more
// below the most seen since the last trim, or `churn` or more connections
// were accepted since then (their handshakes' memory is free heap now).
// Pure, for tests.
class TrimDecision {
 public:
  explicit TrimDecision(double churn) : churn_(churn) {}
  // True when a trim is due; both counts then start again from now.
  bool Observe(ConnectionCounts now);

 private:
  double churn_;
  double peak_ = 0;
  double accepted_at_last_trim_ = 0;
};

// Returns free heap to the system (a purge of every arena with jemalloc,
// malloc_trim with glibc's malloc; nothing elsewhere). The resident bytes given back, as
// /proc/self/statm tells before and after, or 0.
std::int64_t TrimHeap();

class HeapTrimmer {
 public:
  using Count = std::function<ConnectionCounts()>;
  using Trim = std::function<std::int64_t()>;        // TrimHeap, or a test's
  using Report = std::function<void(std::int64_t)>;  // bytes given back

  // Checks `connections` every `interval` on a thread of its own.
  HeapTrimmer(Count connections, std::chrono::milliseconds interval, double churn, Trim trim,
              Report report);
  ~HeapTrimmer();  // stops the thread
  HeapTrimmer(const HeapTrimmer&) = delete;
  HeapTrimmer& operator=(const HeapTrimmer&) = delete;

 private:
  void Loop();

  Count connections_;
  std::chrono::milliseconds interval_;
  TrimDecision decision_;
  Trim trim_;
  Report report_;

  std::mutex mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;  // under mutex_
  std::thread thread_;
};

}  // namespace isagw::app
