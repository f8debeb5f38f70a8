// The adapter contract. Each external format has a pure decode/encode
// pair (no I/O, no clocks, no globals) in its own folder:
//
//   namespace isagw::adapters::<format> {
//   Result<Decoded, FieldErrors> Decode(std::string_view bytes, const DecodeOptions&);
//   Result<std::string, FieldErrors> Encode(const model::Event&);
//   }
//
// Decode refuses anything the format's rules refuse, naming the field
// (JSON Pointer, or element path for XML) and the reason. Encode refuses
// an event the format cannot carry ("not_representable") rather than
// sending something misleading.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/code_map.h"
#include "gateway/common/strict_json.h"
#include "gateway/model/event.h"

namespace isagw::adapters {

enum class Format { kCompact, kCouncilXml, kRhi, kCanonical };
inline constexpr auto kFormatNames = MakeCodeMap<Format>(
    std::pair{Format::kCompact, std::string_view{"compact"}},
    std::pair{Format::kCouncilXml, std::string_view{"council-xml"}},
    std::pair{Format::kRhi, std::string_view{"rhi"}},
    std::pair{Format::kCanonical, std::string_view{"canonical"}});

struct DecodeOptions {
  JsonLimits limits;  // size and depth; XML uses the same numbers
  // A sender whose agency profile says "lenient" may send fields the
  // format does not define: they are dropped and listed in
  // Decoded::dropped_fields, never passed on. Otherwise they are refused.
  bool lenient = false;
};

struct Decoded {
  model::Event event;
  std::vector<std::string> dropped_fields;  // pointers of unknown fields dropped
};

}  // namespace isagw::adapters
