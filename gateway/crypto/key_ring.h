// KeyRing: the symmetric keys that seal payloads at rest, kept outside
// the database in a key directory:
//
//   <key_dir>/<scope>/<key-id>.key     32 random bytes, base64 (one line)
//
// A scope groups payloads that share a retention fate: "inbound" for the
// messages agencies send, "isa-<ISA id>" for the copies made under one
// agreement. Deleting a scope's directory makes its payloads unreadable
// (crypto-shredding) while the audit entries about them stay verifiable.
// Within a scope the current key is the one whose id sorts last, so
// rotation is "add a newer key file"; older keys keep opening old payloads
// until they are re-sealed.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/common/result.h"

namespace isagw::crypto {

using SecretKey = std::array<std::uint8_t, 32>;

struct KeyRingError {
  std::string path;    // file or directory at fault
  std::string reason;  // never contains key material
};

class KeyRing {
 public:
  // Loads every scope under `key_dir`. Refuses unreadable files, files that
  // are not exactly 32 base64-encoded bytes, and key files others can read.
  static Result<KeyRing, KeyRingError> Load(const std::filesystem::path& key_dir);

  // For tests and tools: a ring built in memory.
  void Add(const std::string& scope, const std::string& key_id, const SecretKey& key);

  struct Entry {
    std::string id;
    const SecretKey* key;
  };
  // The newest key of a scope, or nullopt when the scope has none.
  std::optional<Entry> Current(const std::string& scope) const;
  // A specific key, or nullptr when it is gone (rotated out or shredded).
  const SecretKey* Find(const std::string& scope, const std::string& key_id) const;

  std::vector<std::string> Scopes() const;

 private:
  std::map<std::string, std::map<std::string, SecretKey>> scopes_;
};

// Writes a new random key `<key_dir>/<scope>/<key_id>.key` (mode 0600).
Result<Ok, KeyRingError> GenerateKeyFile(const std::filesystem::path& key_dir,
                                         const std::string& scope, const std::string& key_id);

}  // namespace isagw::crypto
