// ParseStrictJson: nlohmann_json parsing with the gateway's input rules
// (docs/formats.md, "Common rules"): a size limit, valid UTF-8, no
// duplicate keys, and nesting no deeper than a limit. Every refusal is a
// FieldError naming where it happened.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "gateway/common/field_error.h"
#include "gateway/common/result.h"

namespace isagw {

struct JsonLimits {
  std::size_t max_bytes = 256 * 1024;
  int max_depth = 32;
};

Result<nlohmann::json, FieldErrors> ParseStrictJson(std::string_view text,
                                                    const JsonLimits& limits = {});

}  // namespace isagw
