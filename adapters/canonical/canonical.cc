#include "adapters/canonical/canonical.h"

#include <utility>

namespace isagw::adapters::canonical {

Result<Decoded, FieldErrors> Decode(std::string_view bytes, const DecodeOptions& options) {
  auto parsed = ParseStrictJson(bytes, options.limits);
  if (!parsed.ok()) return Fail(std::move(parsed).error());
  return FromJson(*parsed, options, Checks::kFull);
}

Result<std::string, FieldErrors> Encode(const model::Event& event) {
  try {
    return ToJson(event).dump();
  } catch (const nlohmann::json::type_error&) {
    // Only text that is not UTF-8 makes dump() throw. Decoders refuse it,
    // so this is an Event built elsewhere; refuse rather than mangle it.
    return Fail(FieldErrors{{"", "invalid_utf8", "the event holds text that is not UTF-8"}});
  }
}

}  // namespace isagw::adapters::canonical
