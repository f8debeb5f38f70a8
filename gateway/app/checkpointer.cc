#include "gateway/app/checkpointer.h"

#include <utility>

namespace isagw::app {

Checkpointer::Checkpointer(Sign sign, std::shared_ptr<const audit::CheckpointSigner> signer,
                           std::chrono::milliseconds interval, const delivery::Clock& clock,
                           Report report)
    : sign_(std::move(sign)),
      signer_(std::move(signer)),
      interval_(interval),
      clock_(clock),
      report_(std::move(report)) {}

Checkpointer::~Checkpointer() { Stop(); }

void Checkpointer::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

bool Checkpointer::SignNow() {
  std::lock_guard lock(signing_);
  auto signed_seq = sign_(*signer_, clock_.Now());
  if (!signed_seq.ok()) {
    if (report_) report_(false, 0, signed_seq.error());
    return false;
  }
  if (report_) report_(true, *signed_seq, "");
  return true;
}

void Checkpointer::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (changed_.wait_for(lock, interval_, [this] { return stopping_; })) break;
    lock.unlock();
    SignNow();
    lock.lock();
  }
}

void Checkpointer::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopping_ = true;
    stopped_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  // The last word: whatever was written before the stop is signed.
  SignNow();
}

}  // namespace isagw::app
