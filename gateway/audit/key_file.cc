#include "gateway/audit/key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace isagw::audit {

std::string Base64Of(const unsigned char* bytes, std::size_t size) {
  std::string text(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  text.resize(std::char_traits<char>::length(text.c_str()));
  return text;
}

bool FromBase64(std::string_view text, unsigned char* out, std::size_t size) {
  std::size_t length = 0;
  const char* end = nullptr;
  return sodium_base642bin(out, size, text.data(), text.size(), nullptr, &length, &end,
                           sodium_base64_VARIANT_ORIGINAL) == 0 &&
         length == size && end == text.data() + text.size();
}

Result<Ok, KeyFileError> ReadKeyFile(const std::filesystem::path& path, unsigned char* out,
                                     std::size_t size) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return Fail(KeyFileError{path, "cannot be read"});
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Fail(KeyFileError{path, "is readable by group or others; chmod 600"});
  }
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
  const bool decoded = FromBase64(text, out, size);
  sodium_memzero(text.data(), text.size());
  if (!decoded) {
    sodium_memzero(out, size);
    return Fail(KeyFileError{
        path, "must hold exactly " + std::to_string(size) + " bytes in base64 on one line"});
  }
  return Ok{};
}

Result<Ok, KeyFileError> WriteNewKeyFile(const std::filesystem::path& path,
                                         const unsigned char* bytes, std::size_t size,
                                         unsigned mode) {
  std::string text = Base64Of(bytes, size);
  text.push_back('\n');
  // O_EXCL with the final mode: a secret is never readable by others, not
  // even for a moment, and an existing key is never overwritten.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                        static_cast<mode_t>(mode));
  if (fd < 0) {
    sodium_memzero(text.data(), text.size());
    return Fail(KeyFileError{path, "could not be created (does it exist already?)"});
  }
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  sodium_memzero(text.data(), text.size());
  if (!written || !synced || !closed) return Fail(KeyFileError{path, "could not be written"});
  return Ok{};
}

}  // namespace isagw::audit
