// council-xml: the XML that children's social care case systems send and
// receive (docs/formats/council-xml.md, schemas/council-event.xsd).
// Media type application/vnd.isagw.council+xml, namespace
// urn:isagw:council:1.
//
// Error pointers are element paths: "/CouncilEvent/Child/NHSNumber",
// attributes "/CouncilEvent/@type", items of a list 1-based
// "/CouncilEvent/Rhi/Actions/Action[2]/To".
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "adapters/adapter.h"
#include "gateway/common/field_error.h"
#include "gateway/common/result.h"
#include "gateway/model/event.h"

namespace isagw::adapters::council_xml {

inline constexpr std::string_view kMediaType = "application/vnd.isagw.council+xml";
inline constexpr std::string_view kNamespace = "urn:isagw:council:1";

// The text of schemas/council-event.xsd, compiled into the library.
std::string_view SchemaText();

// The adapter holds the compiled XSD. Build one when the gateway starts,
// before other threads use libxml2, and share it: it is immutable after
// construction, so Decode and Encode may run on any number of threads at
// once (each call has its own libxml2 parser and validation context).
class CouncilXmlAdapter {
 public:
  // Compiles the built-in XSD. A failure is a programming error (the
  // schema ships inside the binary and is tested), so it throws
  // std::logic_error rather than returning an error.
  CouncilXmlAdapter();
  ~CouncilXmlAdapter();
  CouncilXmlAdapter(CouncilXmlAdapter&&) noexcept;
  CouncilXmlAdapter& operator=(CouncilXmlAdapter&&) noexcept;
  CouncilXmlAdapter(const CouncilXmlAdapter&) = delete;
  CouncilXmlAdapter& operator=(const CouncilXmlAdapter&) = delete;

  // Refuses DTDs, entity declarations and references, processing
  // instructions, encodings other than UTF-8, the wrong namespace,
  // anything the XSD refuses, and the domain rules the XSD cannot say
  // (check digits, real dates, UK local times, what each event type needs).
  Result<Decoded, FieldErrors> Decode(std::string_view bytes, const DecodeOptions& options) const;

  // Refuses ("not_representable") events the format cannot carry: the
  // kind closed, the interview's narratives and the names of the people
  // the child was with, and values the XSD does not allow. Error pointers
  // are canonical JSON pointers ("/rhi/disclosures").
  Result<std::string, FieldErrors> Encode(const model::Event& event) const;

 private:
  struct Impl;
  std::unique_ptr<const Impl> impl_;
};

// The adapter contract (adapters/adapter.h). Both use one adapter built
// on first use and immutable afterwards; code on a hot path should hold
// its own CouncilXmlAdapter instead, built at start-up.
Result<Decoded, FieldErrors> Decode(std::string_view bytes, const DecodeOptions& options);
Result<std::string, FieldErrors> Encode(const model::Event& event);

}  // namespace isagw::adapters::council_xml
