#include "gateway/cli/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace isagw::cli {
namespace {

std::string Why(const std::filesystem::path& path, std::string_view what) {
  return std::string(what) + " " + path.string() + ": " + std::strerror(errno);
}

}  // namespace

Result<Ok, std::string> WritePrivateFile(const std::filesystem::path& path,
                                         std::string_view bytes) {
  // The mode applies only when the file is made; fchmod narrows a file
  // that was there before, before any byte of the new content is in it.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Fail(Why(path, "could not open"));
  auto fail = [&](std::string_view what) -> Result<Ok, std::string> {
    std::string why = Why(path, what);
    ::close(fd);
    return Fail(std::move(why));
  };
  if (::fchmod(fd, 0600) != 0) return fail("could not make owner-only");
  if (::ftruncate(fd, 0) != 0) return fail("could not truncate");
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("could not write");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::close(fd) != 0) return Fail(Why(path, "could not write"));
  return Ok{};
}

}  // namespace isagw::cli
