#include "gateway/audit/audit_chain.h"

#include <sodium.h>

namespace isagw::audit {
namespace {

void Put64(crypto_generichash_state& state, std::uint64_t value) {
  std::array<unsigned char, 8> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<unsigned char>(value >> (8 * i));
  }
  crypto_generichash_update(&state, bytes.data(), bytes.size());
}

void PutText(crypto_generichash_state& state, std::string_view text) {
  Put64(state, text.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(text.data()),
                            text.size());
}

}  // namespace

ChainHash NextHash(const ChainHash& previous, std::int64_t seq, std::int64_t at,
                   std::string_view kind, std::string_view body) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, ChainHash{}.size());
  crypto_generichash_update(&state, previous.data(), previous.size());
  Put64(state, static_cast<std::uint64_t>(seq));
  Put64(state, static_cast<std::uint64_t>(at));
  PutText(state, kind);
  PutText(state, body);
  ChainHash out{};
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

std::string ToHex(const ChainHash& hash) {
  std::string hex(hash.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), hash.size());
  hex.pop_back();
  return hex;
}

std::optional<ChainHash> ChainHashFromHex(std::string_view hex) {
  if (hex.size() != 2 * ChainHash{}.size()) return std::nullopt;
  ChainHash out{};
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &length, &end) != 0 ||
      length != out.size() || end != hex.data() + hex.size()) {
    return std::nullopt;
  }
  return out;
}

std::optional<ChainHash> ChainHashFromBytes(std::string_view bytes) {
  ChainHash out{};
  if (bytes.size() != out.size()) return std::nullopt;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(bytes[i]);
  return out;
}

}  // namespace isagw::audit
