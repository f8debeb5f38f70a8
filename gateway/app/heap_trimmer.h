// HeapTrimmer: gives back to the system the heap a burst of connections
// left behind. glibc keeps freed memory in its arenas: after a thousand
// mutual-TLS connections close, the gateway's RSS stays about 100 MB above
// idle until malloc_trim(0) returns it (docs/benchmarks.md, "Memory"). A
// trim walks every arena under its lock, so it runs only after the open
// connections fell by many, and at most once per check.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace isagw::app {

// When to trim: once the open connections have fallen `drop` or more below
// the most seen since the last trim. Pure, for tests.
class TrimDecision {
 public:
  explicit TrimDecision(double drop) : drop_(drop) {}
  // The connections open now; true when a trim is due. The count then
  // starts again from now.
  bool Observe(double open_connections);

 private:
  double drop_;
  double peak_ = 0;
};

// Returns free heap to the system (malloc_trim on glibc; nothing
// elsewhere). The resident bytes given back, as /proc/self/statm tells
// before and after, or 0.
std::int64_t TrimHeap();

class HeapTrimmer {
 public:
  using Count = std::function<double()>;             // connections open now
  using Trim = std::function<std::int64_t()>;        // TrimHeap, or a test's
  using Report = std::function<void(std::int64_t)>;  // bytes given back

  // Checks `open_connections` every `interval` on a thread of its own.
  HeapTrimmer(Count open_connections, std::chrono::milliseconds interval, double drop, Trim trim,
              Report report);
  ~HeapTrimmer();  // stops the thread
  HeapTrimmer(const HeapTrimmer&) = delete;
  HeapTrimmer& operator=(const HeapTrimmer&) = delete;

 private:
  void Loop();

  Count open_connections_;
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
