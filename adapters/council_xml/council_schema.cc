#include "adapters/council_xml/council_schema.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/council_xml/council_xml.h"
#include "adapters/council_xml/untrusted_xml.h"

namespace isagw::adapters::council_xml {
namespace {

struct SchemaParserFree {
  void operator()(xmlSchemaParserCtxt* ctxt) const { xmlSchemaFreeParserCtxt(ctxt); }
};
struct ValidCtxtFree {
  void operator()(xmlSchemaValidCtxt* ctxt) const { xmlSchemaFreeValidCtxt(ctxt); }
};

// One complaint of the validator, kept without its message (which quotes
// the document) but with what the message says about its kind.
struct Finding {
  const xmlNode* node = nullptr;
  int code = 0;
  bool missing_child = false;  // COMPLEX_TYPE_2_4: "Missing child element(s)"
  std::string attribute;       // the attribute concerned, when not the element
};

// libxml2 reports an attribute's value errors on its element, naming the
// attribute in the message: "Element 'X', attribute 'la': ...". Names
// cannot contain quotes, so the name ends at the next one.
std::string AttributeNamed(const char* message) {
  if (message == nullptr) return {};
  static constexpr std::string_view kMarker = "', attribute '";
  const std::string_view text(message);
  const auto at = text.find(kMarker);
  if (at == std::string_view::npos) return {};
  const auto start = at + kMarker.size();
  const auto end = text.find('\'', start);
  if (end == std::string_view::npos) return {};
  return std::string(text.substr(start, end - start));
}

// The attribute node `name` of an element, or the element itself.
const xmlNode* Concerned(const xmlNode* node, const std::string& attribute) {
  if (attribute.empty() || node->type != XML_ELEMENT_NODE) return node;
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    if (a->ns == nullptr && attribute == reinterpret_cast<const char*>(a->name)) {
      return reinterpret_cast<const xmlNode*>(a);
    }
  }
  return node;
}

void CollectFinding(void* user_data, xmlErrorPtr error) {
  auto* findings = static_cast<std::vector<Finding>*>(user_data);
  if (error == nullptr || error->level < XML_ERR_ERROR) return;
  Finding f;
  f.node = static_cast<const xmlNode*>(error->node);
  f.code = error->code;
  f.missing_child =
      error->message != nullptr && std::strstr(error->message, "Missing child") != nullptr;
  f.attribute = AttributeNamed(error->message);
  findings->push_back(f);
}

void IgnoreError(void* /*user_data*/, xmlErrorPtr /*error*/) {}

std::string TextOfNode(const xmlNode* node) {
  if (node->type != XML_ATTRIBUTE_NODE) return TextOf(node);
  std::string text;
  for (const xmlNode* t = node->children; t != nullptr; t = t->next) {
    if (t->content != nullptr) text += reinterpret_cast<const char*>(t->content);
  }
  return text;
}

bool IsIntegerType(const std::string& type) {
  return type == "EpisodeCount" || type == "WindowDays" || type == "Age";
}

bool AllDigits(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  const auto last = text.find_last_not_of(" \t\r\n");
  const std::string_view core = text.substr(first, last - first + 1);
  return std::all_of(core.begin(), core.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct CodeAndReason {
  std::string code;
  std::string reason;
};

// The code and reason for a value that does not match its type's pattern.
CodeAndReason PatternError(const std::string& type) {
  if (type == "Timestamp" || type == "OptionalTimestamp") {
    return {"datetime", "must be a date and time like 2026-11-22T19:05:00Z"};
  }
  if (type == "Date") return {"date", "must be a date like 2010-05-04"};
  if (type == "LaNumber") {
    return {"la_number", "must be a DfE local authority number of three digits"};
  }
  if (type == "Postcode") return {"postcode", "must be a UK postcode, like DE22 3AB"};
  if (type == "NhsNumber") return {"pattern", "must be 10 digits without spaces"};
  if (type == "OccurrenceRef") {
    return {"pattern", "must be a police occurrence reference like DB/21/2026/004512"};
  }
  if (type == "ForceCode") return {"pattern", "must be 2 to 12 capital letters, like DERBYS"};
  if (type == "Phone") {
    return {"pattern", "must be a phone number of digits, spaces, +, -, ( and )"};
  }
  if (type == "Email") return {"pattern", "must be an email address"};
  if (type == "DfeEthnicityCode") return {"enum", "is not a DfE ethnicity code"};
  if (IsIntegerType(type)) return {"type", "must be a whole number"};
  return {"pattern", "does not have the form the schema requires"};
}

}  // namespace

CouncilSchema::CouncilSchema() {
  // Safe to call more than once; must happen before threads share libxml2.
  xmlInitParser();
  const std::string_view text = SchemaText();

  schema_ = Compile(text);
  if (!schema_) throw std::logic_error("council-xml: the built-in XSD does not compile");
  in_declared_order_ = Compile(InDeclaredOrder(text));
  if (!in_declared_order_) {
    throw std::logic_error("council-xml: the built-in XSD in declared order does not compile");
  }

  auto xsd = ParseUntrustedXml(text, JsonLimits{text.size(), 32});
  if (!xsd) throw std::logic_error("council-xml: the built-in XSD cannot be parsed");
  auto catalogue = ElementCatalogue::FromXsd(*xsd.value());
  if (!catalogue) {
    throw std::logic_error("council-xml: the built-in XSD cannot be read: " + catalogue.error());
  }
  catalogue_ = std::move(catalogue).value();
}

void CouncilSchema::Validate(xmlDoc& doc, ErrorLog& log) const {
  std::unique_ptr<xmlSchemaValidCtxt, ValidCtxtFree> ctxt(xmlSchemaNewValidCtxt(schema_.get()));
  if (!ctxt) {
    log.Add("", "syntax", "the document could not be validated");
    return;
  }
  std::vector<Finding> findings;
  xmlSchemaSetValidStructuredErrors(ctxt.get(), CollectFinding, &findings);
  const int result = xmlSchemaValidateDoc(ctxt.get(), &doc);

  for (const Finding& f : findings) {
    if (f.node == nullptr) {
      log.AddUnlessCovered("", "pattern",
                           "the document does not conform to the council XML schema");
      continue;
    }
    const xmlNode* node = Concerned(f.node, f.attribute);
    const NodePlace place = catalogue_.Locate(node);
    const std::string type = catalogue_.TextType(place.type);
    switch (f.code) {
      case XML_SCHEMAV_CVC_ENUMERATION_VALID:
        log.Add(place.path, "enum", "is not one of the allowed codes");
        break;
      case XML_SCHEMAV_CVC_PATTERN_VALID: {
        auto [code, reason] = PatternError(type);
        log.Add(place.path, code, reason);
        break;
      }
      case XML_SCHEMAV_CVC_MAXLENGTH_VALID: {
        const auto max = catalogue_.MaxLength(type);
        log.Add(place.path, "too_long",
                max ? "must be at most " + std::to_string(*max) + " characters"
                    : std::string("is longer than the format allows"));
        break;
      }
      case XML_SCHEMAV_CVC_MINLENGTH_VALID:
        log.Add(place.path, "empty", "must not be empty; leave the element out instead");
        break;
      case XML_SCHEMAV_CVC_MININCLUSIVE_VALID:
      case XML_SCHEMAV_CVC_MAXINCLUSIVE_VALID:
      case XML_SCHEMAV_CVC_MINEXCLUSIVE_VALID:
      case XML_SCHEMAV_CVC_MAXEXCLUSIVE_VALID:
      case XML_SCHEMAV_CVC_TOTALDIGITS_VALID:
        log.Add(place.path, "range", "is out of the allowed range");
        break;
      case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1:
      case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_2:
      case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3:
        if (IsIntegerType(type)) {
          if (AllDigits(TextOfNode(node))) {
            log.Add(place.path, "range", "is out of the allowed range");
          } else {
            log.Add(place.path, "type", "must be a whole number");
          }
        } else {
          auto [code, reason] = PatternError(type);
          log.Add(place.path, code, reason);
        }
        break;
      case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_1:
      case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_3:
      case XML_SCHEMAV_CVC_TYPE_3_1_2:
        log.Add(place.path, "type", "must hold elements only, not text");
        break;
      case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_4:
        if (f.missing_child) {
          log.AddUnlessCovered(place.path, "required", "a required element is missing");
        } else {
          log.AddUnlessCovered(place.path, "unknown_field", "the element is not allowed here");
        }
        break;
      case XML_SCHEMAV_CVC_COMPLEX_TYPE_4:
        log.AddUnlessCovered(place.path, "required", "a required attribute is missing");
        break;
      case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
      case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
        log.AddUnlessCovered(place.path, "unknown_field", "the attribute is not allowed here");
        break;
      default:
        log.AddUnlessCovered(place.path, "pattern", "does not conform to the council XML schema");
        break;
    }
  }
  // Never accept a document the validator did not pass, even if it gave
  // no reason we could place.
  if (result != 0 && findings.empty()) {
    log.Add("", "syntax", "the document could not be validated against the council XML schema");
  }
}

CouncilSchema::SchemaPtr CouncilSchema::Compile(std::string_view xsd) {
  std::unique_ptr<xmlSchemaParserCtxt, SchemaParserFree> parser(
      xmlSchemaNewMemParserCtxt(xsd.data(), static_cast<int>(xsd.size())));
  if (!parser) return nullptr;
  xmlSchemaSetParserStructuredErrors(parser.get(), IgnoreError, nullptr);
  return SchemaPtr(xmlSchemaParse(parser.get()));
}

std::string CouncilSchema::InDeclaredOrder(std::string_view xsd) {
  // Only bare tags are rewritten. An xs:all with attributes (none today)
  // would leave its end tag without a start: then the XSD is kept as it
  // is, whose any-order check is slower, never wrong.
  std::string out(xsd);
  if (out.find("<xs:all ") != std::string::npos) return out;
  const auto replace_all = [&out](std::string_view from, std::string_view to) {
    for (auto at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size())) {
      out.replace(at, from.size(), to);
    }
  };
  replace_all("<xs:all>", "<xs:sequence>");
  replace_all("</xs:all>", "</xs:sequence>");
  return out;
}

bool CouncilSchema::Accepts(std::string_view document) const {
  // The writer's own order first; the XSD's any order only for a document
  // the first refuses, so a refusal costs two checks and a pass one.
  return StreamAccepts(*in_declared_order_, document) || StreamAccepts(*schema_, document);
}

bool CouncilSchema::AcceptsInDeclaredOrder(std::string_view document) const {
  return StreamAccepts(*in_declared_order_, document);
}

bool CouncilSchema::StreamAccepts(xmlSchema& schema, std::string_view document) {
  if (document.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) return false;
  std::unique_ptr<xmlSchemaValidCtxt, ValidCtxtFree> ctxt(xmlSchemaNewValidCtxt(&schema));
  if (!ctxt) return false;
  xmlSchemaSetValidStructuredErrors(ctxt.get(), IgnoreError, nullptr);
  std::unique_ptr<xmlParserCtxt, XmlParserCtxtFree> parser(
      xmlCreateMemoryParserCtxt(document.data(), static_cast<int>(document.size())));
  if (!parser) return false;
  // The same options as ParseUntrustedXml: no network, no entity
  // substitution, no DTD loading.
  xmlCtxtUseOptions(parser.get(),
                    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  // The parser's events go to the validator and nowhere else: with no
  // handler of ours behind it, no tree is built (a third of the cost of
  // the xmlTextReader this replaced). The parser's own handler is put
  // back before the parser is freed, which frees it.
  xmlSAXHandler validate_only{};
  validate_only.initialized = XML_SAX2_MAGIC;
  validate_only.serror = IgnoreError;  // parser messages quote the document
  xmlSAXHandler* const own_handler = parser->sax;
  void* const own_user_data = parser->userData;
  parser->sax = &validate_only;
  xmlSchemaSAXPlugPtr plug = xmlSchemaSAXPlug(ctxt.get(), &parser->sax, &parser->userData);
  if (plug == nullptr) {
    parser->sax = own_handler;
    return false;
  }
  const int parsed = xmlParseDocument(parser.get());
  xmlSchemaSAXUnplug(plug);
  parser->sax = own_handler;
  parser->userData = own_user_data;
  return parsed == 0 && parser->wellFormed == 1 && parser->nsWellFormed == 1 &&
         xmlSchemaIsValid(ctxt.get()) == 1;
}

}  // namespace isagw::adapters::council_xml
