#include "gateway/crypto/key_ring.h"

#include <sodium.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace isagw::crypto {
namespace {

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 128 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Result<SecretKey, KeyRingError> ReadKeyFile(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return Fail(KeyRingError{path, "cannot be read"});
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Fail(KeyRingError{path, "is readable by group or others; chmod 600"});
  }
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
  SecretKey key{};
  std::size_t length = 0;
  if (sodium_base642bin(key.data(), key.size(), text.data(), text.size(), nullptr, &length,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      length != key.size()) {
    sodium_memzero(text.data(), text.size());
    return Fail(KeyRingError{path, "must hold exactly 32 bytes in base64"});
  }
  sodium_memzero(text.data(), text.size());
  return key;
}

}  // namespace

Result<KeyRing, KeyRingError> KeyRing::Load(const std::filesystem::path& key_dir) {
  if (sodium_init() < 0) return Fail(KeyRingError{key_dir, "libsodium failed to initialise"});
  std::error_code ec;
  if (!std::filesystem::is_directory(key_dir, ec)) {
    return Fail(KeyRingError{key_dir, "is not a directory"});
  }
  KeyRing ring;
  for (const auto& scope_dir : std::filesystem::directory_iterator(key_dir, ec)) {
    if (!scope_dir.is_directory()) continue;
    const std::string scope = scope_dir.path().filename().string();
    if (!ValidName(scope)) return Fail(KeyRingError{scope_dir.path(), "is not a valid scope name"});
    for (const auto& file : std::filesystem::directory_iterator(scope_dir.path(), ec)) {
      if (file.path().extension() != ".key") continue;
      const std::string id = file.path().stem().string();
      if (!ValidName(id)) return Fail(KeyRingError{file.path(), "is not a valid key id"});
      auto key = ReadKeyFile(file.path());
      if (!key.ok()) return Fail(std::move(key).error());
      ring.Add(scope, id, *key);
    }
  }
  if (ec) return Fail(KeyRingError{key_dir, "could not be listed"});
  return ring;
}

void KeyRing::Add(const std::string& scope, const std::string& key_id, const SecretKey& key) {
  scopes_[scope][key_id] = key;
}

std::optional<KeyRing::Entry> KeyRing::Current(const std::string& scope) const {
  auto it = scopes_.find(scope);
  if (it == scopes_.end() || it->second.empty()) return std::nullopt;
  const auto& newest = *it->second.rbegin();
  return Entry{newest.first, &newest.second};
}

const SecretKey* KeyRing::Find(const std::string& scope, const std::string& key_id) const {
  auto it = scopes_.find(scope);
  if (it == scopes_.end()) return nullptr;
  auto key = it->second.find(key_id);
  return key == it->second.end() ? nullptr : &key->second;
}

std::vector<std::string> KeyRing::Scopes() const {
  std::vector<std::string> out;
  for (const auto& [scope, keys] : scopes_) out.push_back(scope);
  return out;
}

Result<Ok, KeyRingError> GenerateKeyFile(const std::filesystem::path& key_dir,
                                         const std::string& scope, const std::string& key_id) {
  if (sodium_init() < 0) return Fail(KeyRingError{key_dir, "libsodium failed to initialise"});
  if (!ValidName(scope) || !ValidName(key_id)) {
    return Fail(KeyRingError{key_dir, "scope and key id must be [A-Za-z0-9._-]"});
  }
  const auto dir = key_dir / scope;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail(KeyRingError{dir, "could not be created"});
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  const auto path = dir / (key_id + ".key");
  SecretKey key{};
  randombytes_buf(key.data(), key.size());
  std::string text(sodium_base64_encoded_len(key.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(text.data(), text.size(), key.data(), key.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  text.resize(std::char_traits<char>::length(text.c_str()));
  sodium_memzero(key.data(), key.size());
  // O_EXCL with mode 0600: the file is never readable by others, not even
  // for a moment, and an existing key is never overwritten.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    sodium_memzero(text.data(), text.size());
    return Fail(KeyRingError{path, "could not be created"});
  }
  text.push_back('\n');
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) {
    sodium_memzero(text.data(), text.size());
    return Fail(KeyRingError{path, "could not be written"});
  }
  sodium_memzero(text.data(), text.size());
  return Ok{};
}

}  // namespace isagw::crypto
