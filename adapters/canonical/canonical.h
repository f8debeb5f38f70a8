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

// How much FromJson checks. kFull (what Decode and the two-argument
// FromJson do) applies every rule of docs/model.md. kShape is for trees the
// gateway produced itself by redaction: masking and pseudonymising change
// values on purpose (a postcode cut to its district "DE22", a keyed hash
// in place of an NHS number or police reference) and a recipient may be
// sent an event without the fields the kind rules ask for. kShape still
// refuses unknown fields, wrong JSON types, names outside the code lists,
// malformed dates and timestamps, numbers out of range, empty and
// over-long text; it skips the pattern, checksum, postcode and LA number
// checks, the kind rules and the consistency rules.
enum class Checks { kFull, kShape };
Result<Decoded, FieldErrors> FromJson(const nlohmann::json& document,
                                      const DecodeOptions& options, Checks checks);

}  // namespace isagw::adapters::canonical
