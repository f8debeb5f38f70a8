// Character classes of the ASCII formats the gateway reads (dates, LA
// numbers, references). Not <cctype>: its answers depend on the locale
// and it takes an int that must not be a negative char.
#pragma once

namespace isagw {

constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace isagw
