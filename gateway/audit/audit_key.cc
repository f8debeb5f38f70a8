#include "gateway/audit/audit_key.h"

#include <sodium.h>

#include "gateway/audit/audit_chain.h"

namespace isagw::audit {
namespace {

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "isagwaud";
static_assert(sizeof(kKdfContext) == crypto_kdf_CONTEXTBYTES + 1);
static_assert(AuditKey::kBytes == crypto_kdf_KEYBYTES);

}  // namespace

Result<AuditKey, KeyFileError> AuditKey::Load(const std::filesystem::path& path) {
  if (sodium_init() < 0) return Fail(KeyFileError{path, "libsodium failed to initialise"});
  AuditKey key;
  if (auto read = ReadKeyFile(path, key.bytes_.data(), key.bytes_.size()); !read.ok()) {
    return Fail(read.error());
  }
  return key;
}

AuditKey AuditKey::FromBytes(const std::array<std::uint8_t, kBytes>& bytes) {
  AuditKey key;
  key.bytes_ = bytes;
  return key;
}

AuditKey::AuditKey(const AuditKey& other) : bytes_(other.bytes_) {}

AuditKey& AuditKey::operator=(const AuditKey& other) {
  bytes_ = other.bytes_;
  return *this;
}

AuditKey::~AuditKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

std::array<std::uint8_t, 32> AuditKey::KeyedHash(KeyPurpose purpose, std::string_view data) const {
  std::array<std::uint8_t, 32> subkey{};
  crypto_kdf_derive_from_key(subkey.data(), subkey.size(), static_cast<std::uint64_t>(purpose),
                             kKdfContext, bytes_.data());
  std::array<std::uint8_t, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), subkey.data(), subkey.size());
  sodium_memzero(subkey.data(), subkey.size());
  return out;
}

Result<Ok, KeyFileError> GenerateAuditKeyFile(const std::filesystem::path& path) {
  if (sodium_init() < 0) return Fail(KeyFileError{path, "libsodium failed to initialise"});
  std::array<unsigned char, AuditKey::kBytes> key{};
  crypto_kdf_keygen(key.data());
  auto written = WriteNewKeyFile(path, key.data(), key.size(), 0600);
  sodium_memzero(key.data(), key.size());
  return written;
}

std::string RecordHash(const AuditKey& key, std::string_view canonical_json) {
  return "blake2b-256-keyed:" + ToHex(key.KeyedHash(KeyPurpose::kRecord, canonical_json));
}

std::string BytesHash(std::string_view bytes) {
  ChainHash out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return "blake2b-256:" + ToHex(out);
}

}  // namespace isagw::audit
