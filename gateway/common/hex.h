// Lower-case hexadecimal: the form every hash, fingerprint, pseudonym and
// id the gateway writes is in. One encoder, so they cannot drift apart.
#pragma once

#include <span>
#include <string>

namespace isagw {

// Two digits a byte, high nibble first: {0x0f, 0xa0} -> "0fa0".
std::string HexOf(std::span<const unsigned char> bytes);

// The same, appended to `out` (an id's prefix is already there).
void AppendHex(std::string& out, std::span<const unsigned char> bytes);

}  // namespace isagw
