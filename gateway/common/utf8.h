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

}  // namespace isagw
