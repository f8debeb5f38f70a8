#include "gateway/audit/signing_key.h"

#include <sodium.h>

#include <fstream>

namespace isagw::audit {

static_assert(crypto_sign_PUBLICKEYBYTES == 32 && crypto_sign_SECRETKEYBYTES == 64 &&
              crypto_sign_BYTES == 64 && crypto_sign_SEEDBYTES == 32);

Result<CheckpointSigner, KeyFileError> CheckpointSigner::Load(const std::filesystem::path& path) {
  if (sodium_init() < 0) return Fail(KeyFileError{path, "libsodium failed to initialise"});
  CheckpointSigner signer;
  if (auto read = ReadKeyFile(path, signer.secret_.data(), signer.secret_.size()); !read.ok()) {
    return Fail(read.error());
  }
  // A libsodium secret key is seed | public key: rebuild it from the seed
  // and insist it matches, so a damaged file is refused, not used.
  std::array<std::uint8_t, 32> seed{};
  crypto_sign_ed25519_sk_to_seed(seed.data(), signer.secret_.data());
  CheckpointSigner rebuilt = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  if (sodium_memcmp(rebuilt.secret_.data(), signer.secret_.data(), signer.secret_.size()) != 0) {
    return Fail(KeyFileError{path, "is not a valid Ed25519 secret key"});
  }
  return rebuilt;
}

CheckpointSigner CheckpointSigner::FromSeed(const std::array<std::uint8_t, 32>& seed) {
  CheckpointSigner signer;
  crypto_sign_seed_keypair(signer.public_key_.data(), signer.secret_.data(), seed.data());
  return signer;
}

CheckpointSigner::CheckpointSigner(const CheckpointSigner& other)
    : secret_(other.secret_), public_key_(other.public_key_) {}

CheckpointSigner& CheckpointSigner::operator=(const CheckpointSigner& other) {
  secret_ = other.secret_;
  public_key_ = other.public_key_;
  return *this;
}

CheckpointSigner::~CheckpointSigner() { sodium_memzero(secret_.data(), secret_.size()); }

Signature CheckpointSigner::Sign(std::string_view message) const {
  Signature signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_.data());
  return signature;
}

Result<Ok, KeyFileError> GenerateSigningKeyFiles(const std::filesystem::path& secret_path,
                                                 const std::filesystem::path& public_path) {
  if (sodium_init() < 0) return Fail(KeyFileError{secret_path, "libsodium failed to initialise"});
  std::error_code ec;
  if (std::filesystem::exists(public_path, ec)) {
    return Fail(KeyFileError{public_path, "exists already"});
  }
  PublicKey public_key{};
  std::array<std::uint8_t, 64> secret{};
  crypto_sign_keypair(public_key.data(), secret.data());
  auto written = WriteNewKeyFile(secret_path, secret.data(), secret.size(), 0600);
  sodium_memzero(secret.data(), secret.size());
  if (!written.ok()) return written;
  return WriteNewKeyFile(public_path, public_key.data(), public_key.size(), 0644);
}

std::string PublicKeyText(const PublicKey& key) { return Base64Of(key.data(), key.size()); }

std::optional<PublicKey> ParsePublicKey(std::string_view base64) {
  PublicKey key{};
  if (!FromBase64(base64, key.data(), key.size())) return std::nullopt;
  return key;
}

Result<PublicKey, KeyFileError> LoadPublicKeyFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return Fail(KeyFileError{path, "cannot be read"});
  std::string text;
  std::getline(in, text);
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
  auto key = ParsePublicKey(text);
  if (!key) return Fail(KeyFileError{path, "must hold a 32-byte public key in base64"});
  return *key;
}

bool SignatureValid(const PublicKey& key, std::string_view message, const Signature& signature) {
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.data()) == 0;
}

}  // namespace isagw::audit
