#include "adapters/translator.h"

#include "adapters/canonical/canonical.h"
#include "adapters/compact/compact.h"
#include "adapters/council_xml/council_xml.h"
#include "adapters/rhi/rhi.h"

namespace isagw::adapters {

std::optional<Format> ParseFormat(std::string_view name) { return kFormatNames.Find(name); }

Result<Decoded, FieldErrors> DecodeAs(Format format, std::string_view bytes,
                                      const DecodeOptions& options) {
  switch (format) {
    case Format::kCompact: return compact::Decode(bytes, options);
    case Format::kCouncilXml: return council_xml::Decode(bytes, options);
    case Format::kRhi: return rhi::Decode(bytes, options);
    case Format::kCanonical: return canonical::Decode(bytes, options);
  }
  return Fail(FieldErrors{{"", "unsupported_format", "no adapter for this format"}});
}

Result<std::string, FieldErrors> EncodeAs(Format format, const model::Event& event) {
  switch (format) {
    case Format::kCompact: return compact::Encode(event);
    case Format::kCouncilXml: return council_xml::Encode(event);
    case Format::kRhi: return rhi::Encode(event);
    case Format::kCanonical: return canonical::Encode(event);
  }
  return Fail(FieldErrors{{"", "unsupported_format", "no adapter for this format"}});
}

}  // namespace isagw::adapters
