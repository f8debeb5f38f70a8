// The council-xml adapter: the pipeline of checks a document goes
// through, in one place.
//
//   Decode: bytes -> ParseUntrustedXml (size, UTF-8, no DTD/entities/PIs,
//           depth) -> root and namespace -> ElementCatalogue::CheckStructure
//           (unknown, repeated, missing elements) -> XSD validation (values)
//           -> ReadCouncilEvent (domain rules) -> Event
//   Encode: Event -> WriteCouncilEvent -> XSD validation of the output as
//           a stream (no tree), so the gateway never sends a document the
//           schema refuses; only a refusal takes the full parse, structure
//           and XSD checks, to name the fields concerned.
#include "adapters/council_xml/council_xml.h"

#include <string>
#include <utility>
#include <vector>

#include "adapters/council_xml/council_reader.h"
#include "adapters/council_xml/council_schema.h"
#include "adapters/council_xml/council_writer.h"
#include "adapters/council_xml/error_log.h"
#include "adapters/council_xml/untrusted_xml.h"

namespace isagw::adapters::council_xml {

struct CouncilXmlAdapter::Impl {
  CouncilSchema schema;

  // Parses a document and checks it against the schema. Returns nullptr
  // when it could not be read as a council document at all; every finding
  // goes to `log`, so a document is good only when `log` stays empty.
  XmlDocPtr Check(std::string_view bytes, const JsonLimits& limits, bool lenient, ErrorLog& log,
                  std::vector<std::string>& dropped) const {
    const ElementCatalogue& catalogue = schema.catalogue();
    auto parsed = ParseUntrustedXml(
        bytes, limits, [&catalogue](const xmlNode* node) { return catalogue.Locate(node).path; });
    if (!parsed) {
      for (const FieldError& e : parsed.error()) log.Add(e.pointer, e.code, e.reason);
      return nullptr;
    }
    XmlDocPtr doc = std::move(parsed).value();
    xmlNode* root = xmlDocGetRootElement(doc.get());
    if (LocalName(root) != catalogue.root_name()) {
      log.Add("/" + std::string(LocalName(root)), "unknown_field",
              "the root element must be " + catalogue.root_name());
      return nullptr;
    }
    if (!IsElementIn(root, kNamespace)) {
      log.Add("/" + catalogue.root_name(), "namespace",
              "the root element must be in namespace " + std::string(kNamespace));
      return nullptr;
    }
    catalogue.CheckStructure(root, lenient, log, dropped);
    schema.Validate(*doc, log);
    return doc;
  }
};

CouncilXmlAdapter::CouncilXmlAdapter() : impl_(std::make_unique<const Impl>()) {}
CouncilXmlAdapter::~CouncilXmlAdapter() = default;
CouncilXmlAdapter::CouncilXmlAdapter(CouncilXmlAdapter&&) noexcept = default;
CouncilXmlAdapter& CouncilXmlAdapter::operator=(CouncilXmlAdapter&&) noexcept = default;

Result<Decoded, FieldErrors> CouncilXmlAdapter::Decode(std::string_view bytes,
                                                       const DecodeOptions& options) const {
  ErrorLog log;
  Decoded out;
  XmlDocPtr doc = impl_->Check(bytes, options.limits, options.lenient, log, out.dropped_fields);
  if (!doc) return Fail(log.Take());
  out.event = ReadCouncilEvent(xmlDocGetRootElement(doc.get()), log);
  if (!log.empty()) return Fail(log.Take());
  return out;
}

Result<std::string, FieldErrors> CouncilXmlAdapter::Encode(const model::Event& event) const {
  auto written = WriteCouncilEvent(event);
  if (!written) return written;

  // Validate what was written. The streaming check is the guarantee; only
  // a refusal pays for the full check, which names the canonical field of
  // each finding.
  const std::string& xml = written.value();
  if (impl_->schema.Accepts(xml)) return written;
  // Where each element came from: the writer again, which writes the same
  // document, this time noting each element's canonical field.
  Origins origins;
  if (auto again = WriteCouncilEvent(event, &origins); !again) return again;
  ErrorLog log;
  std::vector<std::string> dropped;
  XmlDocPtr doc = impl_->Check(xml, JsonLimits{xml.size(), 32}, /*lenient=*/false, log, dropped);
  // Never send what the streaming check refused, even when the full check
  // found nothing to name.
  if (log.empty()) {
    log.Add("", "syntax", "the document could not be validated against the council XML schema");
  }
  FieldErrors errors;
  for (const FieldError& e : log.errors()) {
    std::string pointer = e.pointer;
    // The nearest element written from a canonical field.
    for (std::string path = e.pointer; !path.empty(); path.resize(path.rfind('/'))) {
      if (auto it = origins.find(path); it != origins.end()) {
        pointer = it->second;
        break;
      }
    }
    errors.push_back({pointer, "not_representable",
                      "council XML cannot carry this value (" + e.code + ": " + e.reason + ")"});
  }
  return Fail(std::move(errors));
}

namespace {

// Built on first use (C++ makes that thread-safe) and immutable after,
// so sharing it is sharing a constant, not mutable global state.
const CouncilXmlAdapter& SharedAdapter() {
  static const CouncilXmlAdapter adapter;
  return adapter;
}

}  // namespace

Result<Decoded, FieldErrors> Decode(std::string_view bytes, const DecodeOptions& options) {
  return SharedAdapter().Decode(bytes, options);
}

Result<std::string, FieldErrors> Encode(const model::Event& event) {
  return SharedAdapter().Encode(event);
}

}  // namespace isagw::adapters::council_xml
