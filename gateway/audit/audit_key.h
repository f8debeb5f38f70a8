// AuditKey: the secret behind the audit's keyed hashes. Two uses, each with
// its own subkey (libsodium crypto_kdf, context "isagwaud"):
//   - child pseudonyms (child_pseudonym.h), so a subject report can find a
//     child's disclosures without the audit naming the child;
//   - the keyed hash of each disclosed canonical record, so that later,
//     holding the original record and this key, anyone can show which
//     record an entry is about -- and so what was and was not sent.
// Keyed, because a plain hash of a small record (a name and a date of
// birth) could be confirmed by guessing.
//
// The key must outlive every audit entry made with it: it lives in its own
// file (e.g. keys/audit/audit.key), never under the payload key directory
// whose scopes are deleted to crypto-shred payloads.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "gateway/audit/key_file.h"
#include "gateway/common/result.h"

namespace isagw::audit {

// Each use has its own subkey, so one hash can never stand for another.
enum class KeyPurpose : std::uint64_t { kChildPseudonym = 1, kRecord = 2 };

class AuditKey {
 public:
  static constexpr std::size_t kBytes = 32;

  // From a key file: 32 bytes, base64, mode 0600.
  static Result<AuditKey, KeyFileError> Load(const std::filesystem::path& path);
  // For tests and tools.
  static AuditKey FromBytes(const std::array<std::uint8_t, kBytes>& bytes);

  AuditKey(const AuditKey&);
  AuditKey& operator=(const AuditKey&);
  ~AuditKey();  // wipes

  // BLAKE2b-256 of `data`, keyed with the subkey for `purpose`.
  std::array<std::uint8_t, 32> KeyedHash(KeyPurpose purpose, std::string_view data) const;

 private:
  AuditKey() = default;
  std::array<std::uint8_t, kBytes> bytes_{};
};

// Writes a new random audit key file (mode 0600). Refuses to overwrite.
Result<Ok, KeyFileError> GenerateAuditKeyFile(const std::filesystem::path& path);

// The keyed hash of a canonical record, as "blake2b-256-keyed:<hex>". Pass
// the canonical JSON exactly as stored (the canonical encoder is
// deterministic, so it can be rebuilt from the original message later).
std::string RecordHash(const AuditKey& key, std::string_view canonical_json);

// The plain hash of bytes sent to a recipient, "blake2b-256:<hex>": the
// recipient can check it against what it received without any key.
std::string BytesHash(std::string_view bytes);

}  // namespace isagw::audit
