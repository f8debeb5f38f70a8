// The gateway's own format: canonical JSON (docs/model.md,
// schemas/canonical.schema.json). Media type application/json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "adapters/adapter.h"
#include "gateway/common/field_error.h"
#include "gateway/common/result.h"
#include "gateway/model/event.h"

namespace isagw::adapters::canonical {

// Bytes <-> Event. Decode applies the strict JSON rules and every domain
// check of the model; Encode never fails for a valid Event.
Result<Decoded, FieldErrors> Decode(std::string_view bytes, const DecodeOptions& options);
Result<std::string, FieldErrors> Encode(const model::Event& event);

// The same, on an already parsed document: the policy engine redacts the
// canonical JSON tree and rebuilds an Event from what is left.
nlohmann::json ToJson(const model::Event& event);
Result<Decoded, FieldErrors> FromJson(const nlohmann::json& document,
                                      const DecodeOptions& options);

}  // namespace isagw::adapters::canonical
