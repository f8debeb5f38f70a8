// ParseUntrustedXml: libxml2 parsing of bytes from outside the gateway,
// with the defences XML needs (docs/formats/council-xml.md, "Security"):
//  - a size limit, valid UTF-8 only, and no encoding declaration other
//    than UTF-8;
//  - no DOCTYPE (internal or external subset), no entity declarations,
//    no references to entities other than the five predefined ones, no
//    processing instructions but the XML declaration. These are refused
//    by a scan of the bytes BEFORE libxml2 sees them, so no entity is ever
//    expanded and no file or URL is ever opened; the parsed tree is then
//    checked again (no DTD nodes, no entity references, no PIs);
//  - nesting no deeper than the limit;
//  - a private parser context whose errors come back as values: nothing
//    is printed and no global error state is touched.
//
// Internal to the council-xml adapter.
#pragma once

#include <libxml/tree.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/common/field_error.h"
#include "gateway/common/result.h"
#include "gateway/common/strict_json.h"

namespace isagw::adapters::council_xml {

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocFree>;

struct XmlParserCtxtFree {
  void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};

// Names an element for an error pointer.
using PathOf = std::function<std::string(const xmlNode*)>;

// The document, or the reasons it was refused. Errors about one element
// (too deep) name it with `path_of`; without one, by local names with
// positions of repeated siblings ("/a/b[2]"). Others have empty pointers.
Result<XmlDocPtr, FieldErrors> ParseUntrustedXml(std::string_view bytes, const JsonLimits& limits,
                                                 const PathOf& path_of = nullptr);

// The element's name without any prefix, as a string_view.
std::string_view LocalName(const xmlNode* node);
// Whether the node is an element in namespace `ns`.
bool IsElementIn(const xmlNode* node, std::string_view ns);
// The text directly inside an element (text and CDATA children joined).
std::string TextOf(const xmlNode* element);

}  // namespace isagw::adapters::council_xml
