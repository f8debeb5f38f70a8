// WalCheckpointer: copies the WAL back into the database file on a thread
// and connection of its own, so that no commit waits for it.
//
// SQLite checkpoints on the connection that commits once the WAL passes
// 1,000 frames: that commit then writes every page back and syncs the
// database file, and the senders in its group wait for all of it (issue
// 13's profile: a tenth of a timer firing's time). Here the writer's WAL
// hook (SqliteDatabase::SetWalHook) only tells the checkpointer how long
// the WAL is, and the checkpointer runs a PASSIVE checkpoint: it copies
// what no reader still needs and never blocks the writer or a reader.
// Nothing about durability changes: a commit is durable once its frames
// are synced to the WAL, checkpointed or not.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "gateway/common/result.h"
#include "gateway/store/sqlite_database.h"

namespace isagw::store {

class WalCheckpointer {
 public:
  // Opens a connection of its own to `path` and starts the thread; a
  // checkpoint runs when a commit reports at least `threshold_frames`.
  static Result<std::unique_ptr<WalCheckpointer>, SqliteError> Start(
      const std::filesystem::path& path, int threshold_frames = kDefaultThreshold);
  struct Token {};  // lets Start() use make_unique while construction stays private
  WalCheckpointer(Token, SqliteDatabase db, int threshold_frames);
  ~WalCheckpointer();  // stops the thread after the checkpoint under way
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Makes this the checkpointer of `writer`: its WAL hook tells this one
  // how long the WAL is, and once a checkpoint has caught up, the writer
  // cuts the WAL file back to twice the threshold's size
  // (journal_size_limit). Without that, a WAL a long read let grow (a
  // year's report) would keep its size on disk until the gateway stops.
  // The hook points here: this must outlive `writer`, or the writer's
  // hook be cleared first.
  Result<Ok, SqliteError> Serve(SqliteDatabase& writer);
  // What the writer cuts the WAL file back to when it starts the WAL over:
  // twice the threshold, in frames of a 4 KB page and their headers.
  std::int64_t wal_size_limit_bytes() const;

  // From the writer's WAL hook: the WAL now holds `frames` frames.
  void Committed(int frames);

  // Checkpoints run so far.
  std::uint64_t checkpoints() const { return checkpoints_.load(); }

  // Sixteen times SQLite's own 1,000 (64 MB of WAL): the pages every group
  // commit rewrites (the last leaf of each table and index) are copied
  // back once per checkpoint, so fewer checkpoints write less and take
  // less of the CPU the senders share. Issue 13 measured, against 4,000:
  // 0.93 of the bytes written a message, 0.88 of the CPU, 1.16 times the
  // rate (docs/benchmarks.md); 4,000 had measured 0.85 of the bytes of 1,000.
  static constexpr int kDefaultThreshold = 16000;

 private:
  void Loop(const std::stop_token& stop);

  SqliteDatabase db_;  // the checkpointer's own connection
  const int threshold_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool due_ = false;
  std::atomic<std::uint64_t> checkpoints_{0};
  std::jthread thread_;  // last: started once the rest exists
};

}  // namespace isagw::store
