#include "adapters/compact/compact.h"

#include "adapters/compact/record_decoder.h"
#include "adapters/compact/record_encoder.h"
#include "gateway/common/strict_json.h"

namespace isagw::adapters::compact {

Result<Decoded, FieldErrors> Decode(std::string_view bytes, const DecodeOptions& options) {
  auto parsed = ParseStrictJson(bytes, options.limits);
  if (!parsed.ok()) return Fail(std::move(parsed).error());
  return DecodeRecord(*parsed, RecordSyntax{.integers_as_text = false, .lenient = options.lenient});
}

Result<std::string, FieldErrors> Encode(const model::Event& event) {
  auto record = EncodeRecord(event);
  if (!record.ok()) return Fail(std::move(record).error());
  return RecordText(*record);
}

}  // namespace isagw::adapters::compact
