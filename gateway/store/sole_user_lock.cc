#include "gateway/store/sole_user_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace isagw::store {

Result<SoleUserLock, std::string> SoleUserLock::Take(const std::filesystem::path& store_path) {
  const std::string path = store_path.string() + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Fail(path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return Fail(path + " is held: another gateway is serving from this store");
    }
    return Fail(path + ": " + std::strerror(error));
  }
  return SoleUserLock(fd);
}

SoleUserLock::SoleUserLock(SoleUserLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

SoleUserLock& SoleUserLock::operator=(SoleUserLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

SoleUserLock::~SoleUserLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace isagw::store
