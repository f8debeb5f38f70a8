#include "gateway/store/wal_checkpointer.h"

#include <string>
#include <utility>

namespace isagw::store {

Result<std::unique_ptr<WalCheckpointer>, SqliteError> WalCheckpointer::Start(
    const std::filesystem::path& path, int threshold_frames) {
  auto db = SqliteDatabase::Open(path);
  if (!db.ok()) return Fail(db.error());
  return std::make_unique<WalCheckpointer>(Token{}, std::move(*db), threshold_frames);
}

WalCheckpointer::WalCheckpointer(Token, SqliteDatabase db, int threshold_frames)
    : db_(std::move(db)),
      threshold_(threshold_frames < 1 ? 1 : threshold_frames),
      thread_([this](const std::stop_token& stop) { Loop(stop); }) {}

WalCheckpointer::~WalCheckpointer() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

Result<Ok, SqliteError> WalCheckpointer::Serve(SqliteDatabase& writer) {
  auto limited =
      writer.Execute("PRAGMA journal_size_limit=" + std::to_string(wal_size_limit_bytes()));
  if (!limited.ok()) return limited;
  writer.SetWalHook([this](int frames) { Committed(frames); });
  return Ok{};
}

std::int64_t WalCheckpointer::wal_size_limit_bytes() const {
  constexpr std::int64_t kFrameBytes = 4096 + 24;  // a page and its frame header
  return 2 * static_cast<std::int64_t>(threshold_) * kFrameBytes;
}

void WalCheckpointer::Committed(int frames) {
  if (frames < threshold_) return;
  {
    std::lock_guard lock(mutex_);
    due_ = true;
  }
  wake_.notify_one();
}

void WalCheckpointer::Loop(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  while (wake_.wait(lock, stop, [this] { return due_; })) {
    due_ = false;
    lock.unlock();
    // PASSIVE: copies what no reader still needs, waits for nobody. A
    // checkpoint that could not finish (a reader on an old snapshot) is
    // simply asked for again by the next commit.
    if (db_.Execute("PRAGMA wal_checkpoint(PASSIVE)").ok()) ++checkpoints_;
    lock.lock();
  }
}

}  // namespace isagw::store
