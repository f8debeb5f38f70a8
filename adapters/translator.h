// Dispatch by format name to the adapters. This is the only place that
// knows every adapter; the gateway's pipeline and the CLI go through it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/adapter.h"
#include "gateway/common/field_error.h"
#include "gateway/common/result.h"

namespace isagw::adapters {

std::optional<Format> ParseFormat(std::string_view name);

Result<Decoded, FieldErrors> DecodeAs(Format format, std::string_view bytes,
                                      const DecodeOptions& options);
Result<std::string, FieldErrors> EncodeAs(Format format, const model::Event& event);

}  // namespace isagw::adapters
