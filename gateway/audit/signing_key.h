// The checkpoint signing key: Ed25519 (libsodium crypto_sign). It is the
// one secret that makes the audit tamper-evident rather than merely
// consistent, so it is kept apart from everything the store holds:
//
//   keys/audit/signing.key   64-byte Ed25519 secret key, base64, mode 0600
//   keys/audit/signing.pub   its 32-byte public key, base64 (give it out)
//
// Never under the payload key directory (crypto/key_ring.h), whose scopes
// are deleted to shred payloads, and never in the database: whoever can
// write the store must not be able to re-sign it.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/audit/key_file.h"
#include "gateway/common/result.h"

namespace isagw::audit {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

class CheckpointSigner {
 public:
  // Loads a secret key file; refuses one others can read, or whose public
  // half does not match its seed (a damaged file).
  static Result<CheckpointSigner, KeyFileError> Load(const std::filesystem::path& path);
  // Deterministic, for tests.
  static CheckpointSigner FromSeed(const std::array<std::uint8_t, 32>& seed);

  CheckpointSigner(const CheckpointSigner&);
  CheckpointSigner& operator=(const CheckpointSigner&);
  ~CheckpointSigner();  // wipes

  const PublicKey& public_key() const { return public_key_; }
  Signature Sign(std::string_view message) const;

 private:
  CheckpointSigner() = default;
  std::array<std::uint8_t, 64> secret_{};
  PublicKey public_key_{};
};

// Creates a new key pair: the secret at `secret_path` (0600) and the public
// key at `public_path` (0644). Refuses to overwrite either.
Result<Ok, KeyFileError> GenerateSigningKeyFiles(const std::filesystem::path& secret_path,
                                                 const std::filesystem::path& public_path);

// Public keys travel as base64 of their 32 bytes.
std::string PublicKeyText(const PublicKey& key);
std::optional<PublicKey> ParsePublicKey(std::string_view base64);
Result<PublicKey, KeyFileError> LoadPublicKeyFile(const std::filesystem::path& path);

bool SignatureValid(const PublicKey& key, std::string_view message, const Signature& signature);

}  // namespace isagw::audit
