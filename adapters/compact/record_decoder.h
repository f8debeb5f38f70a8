// Decodes one police record, already parsed as JSON, into an Event.
// Shared by the single-record, NDJSON and CSV entry points.
#pragma once

#include <nlohmann/json.hpp>

#include "adapters/adapter.h"
#include "gateway/common/field_error.h"
#include "gateway/common/result.h"

namespace isagw::adapters::compact {

struct RecordSyntax {
  // CSV cells are all text: integers then arrive as digit strings, which a
  // JSON record must not use ("1" where 1 is meant is a type error).
  bool integers_as_text = false;
  bool lenient = false;
};

// Collects every field error of the record; pointers are relative to the
// record ("/NHSNumber").
Result<Decoded, FieldErrors> DecodeRecord(const nlohmann::json& record, RecordSyntax syntax);

}  // namespace isagw::adapters::compact
