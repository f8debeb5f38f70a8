// SoleUserLock: proof that this process is the only gateway serving from an
// embedded store. `isagw serve` takes it before releasing the leases a
// killed predecessor left (Store::ReleaseLeases), so a second gateway
// started on the same file by mistake is refused instead of pushing the
// first one's claims a second time. An flock(2) on "<store>.lock": the
// kernel drops it when the process dies, however it dies. Read-only tools
// (reports, audit verify) do not take it.
#pragma once

#include <filesystem>
#include <string>

#include "gateway/common/result.h"

namespace isagw::store {

class SoleUserLock {
 public:
  // Fails, saying why (never blocks), when another process holds it.
  static Result<SoleUserLock, std::string> Take(const std::filesystem::path& store_path);

  SoleUserLock(SoleUserLock&& other) noexcept;
  SoleUserLock& operator=(SoleUserLock&& other) noexcept;
  SoleUserLock(const SoleUserLock&) = delete;
  SoleUserLock& operator=(const SoleUserLock&) = delete;
  ~SoleUserLock();

 private:
  explicit SoleUserLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace isagw::store
