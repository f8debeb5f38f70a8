#include "gateway/crypto/sealer.h"

#include <sodium.h>

#include <cstdlib>

namespace isagw::crypto {
namespace {

constexpr std::string_view kMagic = "S1";
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;

std::string AssociatedData(const std::string& scope, std::string_view key_id,
                           std::string_view context) {
  // Length-prefixed so that no two (scope, id, context) triples collide.
  std::string ad;
  for (std::string_view part : {std::string_view(scope), key_id, context}) {
    ad += std::to_string(part.size());
    ad += ':';
    ad += part;
  }
  return ad;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string_view Describe(SealError error) {
  switch (error) {
    case SealError::kNoKey: return "no key for this payload's scope";
    case SealError::kMalformed: return "not a sealed payload";
    case SealError::kForged: return "the payload failed authentication";
  }
  return "unknown seal error";
}

Sealer::Sealer(std::shared_ptr<const KeyRing> keys) : keys_(std::move(keys)) {
  if (sodium_init() < 0) std::abort();  // the process cannot run without libsodium
}

void Sealer::ReplaceKeys(std::shared_ptr<const KeyRing> keys) {
  std::lock_guard lock(mutex_);
  keys_ = std::move(keys);
}

std::shared_ptr<const KeyRing> Sealer::Keys() const {
  std::lock_guard lock(mutex_);
  return keys_;
}

Result<std::string, SealError> Sealer::Seal(const std::string& scope, std::string_view plaintext,
                                            std::string_view context) const {
  const auto keys = Keys();
  const auto current = keys->Current(scope);
  if (!current) return Fail(SealError::kNoKey);
  const std::string& id = current->id;
  std::string out;
  out.reserve(kMagic.size() + 1 + id.size() + kNonceBytes + plaintext.size() + kTagBytes);
  out += kMagic;
  out.push_back(static_cast<char>(id.size()));
  out += id;
  std::string nonce(kNonceBytes, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  out += nonce;
  const std::size_t header = out.size();
  out.resize(header + plaintext.size() + kTagBytes);
  const std::string ad = AssociatedData(scope, id, context);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(out.data() + header), &written, Bytes(plaintext),
      plaintext.size(), Bytes(ad), ad.size(), nullptr, Bytes(nonce), current->key->data());
  out.resize(header + written);
  return out;
}

Result<std::string, SealError> Sealer::KeyIdOf(std::string_view sealed) {
  if (sealed.size() < kMagic.size() + 1 || sealed.substr(0, kMagic.size()) != kMagic) {
    return Fail(SealError::kMalformed);
  }
  const std::size_t id_size = static_cast<unsigned char>(sealed[kMagic.size()]);
  if (sealed.size() < kMagic.size() + 1 + id_size + kNonceBytes + kTagBytes) {
    return Fail(SealError::kMalformed);
  }
  return std::string(sealed.substr(kMagic.size() + 1, id_size));
}

Result<std::string, SealError> Sealer::Open(const std::string& scope, std::string_view sealed,
                                            std::string_view context) const {
  auto id = KeyIdOf(sealed);
  if (!id.ok()) return Fail(id.error());
  const auto keys = Keys();
  const SecretKey* key = keys->Find(scope, *id);
  if (key == nullptr) return Fail(SealError::kNoKey);
  const std::size_t header = kMagic.size() + 1 + id->size();
  const std::string_view nonce = sealed.substr(header, kNonceBytes);
  const std::string_view cipher = sealed.substr(header + kNonceBytes);
  std::string plain(cipher.size() - kTagBytes, '\0');
  const std::string ad = AssociatedData(scope, *id, context);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &written, nullptr, Bytes(cipher),
          cipher.size(), Bytes(ad), ad.size(), Bytes(nonce), key->data()) != 0) {
    return Fail(SealError::kForged);
  }
  plain.resize(written);
  return plain;
}

}  // namespace isagw::crypto
