// The audit log's hash chain. Each entry's hash covers the previous
// entry's hash and the entry itself, so changing, removing, inserting or
// reordering any entry breaks every hash after it.
//
//   hash(n) = BLAKE2b-256( hash(n-1) | le64(seq) | le64(at) | len-prefixed kind | len-prefixed body )
//   hash(0) = 32 zero bytes
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace isagw::audit {

using ChainHash = std::array<std::uint8_t, 32>;

inline constexpr ChainHash kGenesisHash{};

ChainHash NextHash(const ChainHash& previous, std::int64_t seq, std::int64_t at,
                   std::string_view kind, std::string_view body);

std::string ToHex(const ChainHash& hash);

}  // namespace isagw::audit
