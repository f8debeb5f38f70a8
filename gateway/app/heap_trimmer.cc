#include "gateway/app/heap_trimmer.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <utility>

#if defined(ISAGW_JEMALLOC)
#include <jemalloc/jemalloc.h>
#elif defined(__GLIBC__)
#include <malloc.h>
#endif

namespace isagw::app {
namespace {

// Resident bytes now; 0 when /proc cannot tell.
std::int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t size = 0;
  std::int64_t resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::int64_t>(::sysconf(_SC_PAGESIZE));
}

// Asks the allocator to return its free pages now; false when it has no
// way to.
bool GiveBackFreeHeap() {
#if defined(ISAGW_JEMALLOC)
  // jemalloc gives dirty pages back on its own after about ten seconds
  // (its decay); a purge of every arena does it now.
  static_assert(MALLCTL_ARENAS_ALL == 4096, "the purge below names every arena by this index");
  return ::mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0) == 0;
#elif defined(__GLIBC__)
  ::malloc_trim(0);
  return true;
#else
  return false;
#endif
}

}  // namespace

bool TrimDecision::Observe(ConnectionCounts now) {
  peak_ = std::max(peak_, now.open);
  const bool many_closed = peak_ - now.open >= churn_;
  const bool many_opened = now.accepted - accepted_at_last_trim_ >= churn_;
  if (!many_closed && !many_opened) return false;
  peak_ = now.open;
  accepted_at_last_trim_ = now.accepted;
  return true;
}

std::int64_t TrimHeap() {
  const std::int64_t before = ResidentBytes();
  if (!GiveBackFreeHeap()) return 0;
  return std::max<std::int64_t>(0, before - ResidentBytes());
}

HeapTrimmer::HeapTrimmer(Count connections, std::chrono::milliseconds interval, double churn,
                         Trim trim, Report report)
    : connections_(std::move(connections)),
      interval_(interval),
      decision_(churn),
      trim_(std::move(trim)),
      report_(std::move(report)) {
  thread_ = std::thread([this] { Loop(); });
}

HeapTrimmer::~HeapTrimmer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  thread_.join();
}

void HeapTrimmer::Loop() {
  std::unique_lock lock(mutex_);
  while (!stop_signal_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    if (decision_.Observe(connections_())) {
      const std::int64_t freed = trim_();
      if (report_) report_(freed);
    }
    lock.lock();
  }
}

}  // namespace isagw::app
