// Sealer: authenticated encryption of payloads at rest with libsodium's
// XChaCha20-Poly1305 (random 192-bit nonces are safe to pick at random).
//
// A sealed payload names the key that sealed it, so keys can rotate:
//   "S1" | key-id length (1 byte) | key id | nonce (24) | ciphertext + tag
// The associated data binds a payload to its scope, its key id and the
// caller's context (e.g. the row it belongs to), so a sealed payload moved
// to another row or scope fails to open.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "gateway/common/result.h"
#include "gateway/crypto/key_ring.h"

namespace isagw::crypto {

enum class SealError {
  kNoKey,      // the scope has no current key (seal) or the key is gone (open)
  kMalformed,  // not a sealed payload
  kForged,     // authentication failed: altered, moved, or the wrong context
};
std::string_view Describe(SealError error);

class Sealer {
 public:
  explicit Sealer(std::shared_ptr<const KeyRing> keys);

  // A reload read the key directory again (a key added for rotation, or a
  // scope for a new ISA): later calls use `keys`. Calls under way finish
  // with the ring they started with.
  void ReplaceKeys(std::shared_ptr<const KeyRing> keys);

  Result<std::string, SealError> Seal(const std::string& scope, std::string_view plaintext,
                                      std::string_view context) const;
  Result<std::string, SealError> Open(const std::string& scope, std::string_view sealed,
                                      std::string_view context) const;
  // The key a payload was sealed with (for re-sealing after rotation).
  static Result<std::string, SealError> KeyIdOf(std::string_view sealed);

 private:
  std::shared_ptr<const KeyRing> Keys() const;

  mutable std::mutex mutex_;  // guards keys_ (the pointer, not the ring)
  std::shared_ptr<const KeyRing> keys_;
};

}  // namespace isagw::crypto
