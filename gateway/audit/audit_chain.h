// The audit log's hash chain. Each entry's hash covers the previous
// entry's hash and the entry itself, so changing, removing, inserting or
// reordering any entry breaks every hash after it.
//
//   hash(n) = BLAKE2b-256( hash(n-1) | le64(seq) | le64(at) | len-prefixed kind | len-prefixed body
//   ) hash(0) = 32 zero bytes
//
// The chain is unkeyed: anyone can check it, and anyone could also
// rebuild it after an edit. Signed checkpoints (checkpoint.h) are what
// pin it down.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace isagw::audit {

using ChainHash = std::array<std::uint8_t, 32>;

inline constexpr ChainHash kGenesisHash{};

ChainHash NextHash(const ChainHash& previous, std::int64_t seq, std::int64_t at,
                   std::string_view kind, std::string_view body);

std::string ToHex(const ChainHash& hash);
// Lower- or upper-case hex of exactly 32 bytes; nullopt otherwise.
std::optional<ChainHash> ChainHashFromHex(std::string_view hex);
// A BLOB column's bytes; nullopt unless exactly 32 bytes.
std::optional<ChainHash> ChainHashFromBytes(std::string_view bytes);
// The hash's bytes, for binding to a BLOB column.
inline std::string_view BytesOf(const ChainHash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

}  // namespace isagw::audit
