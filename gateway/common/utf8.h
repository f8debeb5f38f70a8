// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates,
// nothing above U+10FFFF.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace isagw {

// Returns the byte offset of the first invalid sequence, or nullopt when
// `text` is entirely valid UTF-8.
std::optional<std::size_t> FindInvalidUtf8(std::string_view text);

// The number of characters (code points) in valid UTF-8: what text limits
// count, so that a name in Welsh or Polish is not cut shorter than one in
// ASCII.
std::size_t CountCodePoints(std::string_view text);

// True when `text` holds only ASCII white space (or nothing): such a value
// says nothing and is refused as "empty".
bool IsBlank(std::string_view text);

// True when `text` holds a control character other than tab, line feed and
// carriage return (U+0000-U+001F, U+007F). Never in a name, a reference or
// a narrative; a NUL cuts a C string short downstream; XML cannot carry
// them, so a copy for a council could not be made. Every format refuses
// them at the door.
bool HasControlCharacter(std::string_view text);

}  // namespace isagw
