#include "adapters/council_xml/untrusted_xml.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <array>
#include <climits>
#include <cstring>
#include <optional>
#include <utility>

#include "gateway/common/utf8.h"

namespace isagw::adapters::council_xml {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool StartsWith(std::string_view text, std::size_t pos, std::string_view prefix) {
  return text.substr(pos, prefix.size()) == prefix;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

FieldError Forbidden(std::string reason) { return {"", "forbidden_markup", std::move(reason)}; }

// The value of the encoding pseudo-attribute of an XML declaration, if
// it has one that can be read.
std::optional<std::string_view> DeclaredEncoding(std::string_view declaration) {
  const auto at = declaration.find("encoding");
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t i = at + 8;
  while (i < declaration.size() && IsXmlSpace(declaration[i])) ++i;
  if (i >= declaration.size() || declaration[i] != '=') return std::nullopt;
  ++i;
  while (i < declaration.size() && IsXmlSpace(declaration[i])) ++i;
  if (i >= declaration.size() || (declaration[i] != '"' && declaration[i] != '\'')) {
    return std::nullopt;
  }
  const char quote = declaration[i];
  const auto end = declaration.find(quote, i + 1);
  if (end == std::string_view::npos) return std::nullopt;
  return declaration.substr(i + 1, end - i - 1);
}

// "&name;" at `pos`: nullopt when the reference is one XML allows
// without a DTD (the five predefined entities, character references) or
// is malformed (the parser will refuse it), else the refusal.
std::optional<FieldError> CheckReference(std::string_view text, std::size_t pos) {
  if (StartsWith(text, pos, "&#")) return std::nullopt;
  std::size_t end = pos + 1;
  while (end < text.size() && end - pos <= 64 && text[end] != ';' && !IsXmlSpace(text[end]) &&
         text[end] != '<' && text[end] != '&') {
    ++end;
  }
  if (end >= text.size() || text[end] != ';' || end == pos + 1) return std::nullopt;
  static constexpr std::array<std::string_view, 5> kPredefined = {"lt", "gt", "amp", "apos",
                                                                  "quot"};
  const std::string_view name = text.substr(pos + 1, end - pos - 1);
  for (std::string_view allowed : kPredefined) {
    if (name == allowed) return std::nullopt;
  }
  return Forbidden("references to entities other than the five predefined ones are refused");
}

// Refuses, before any parsing, every construct that could make the
// parser expand entities, read a DTD or reach a file or the network.
// Comments and CDATA sections are skipped: markup inside them is text.
std::optional<FieldError> ScanForForbiddenMarkup(std::string_view text) {
  std::size_t pos = StartsWith(text, 0, kUtf8Bom) ? kUtf8Bom.size() : 0;
  if (StartsWith(text, pos, "<?xml") && pos + 5 < text.size() && IsXmlSpace(text[pos + 5])) {
    const auto end = text.find("?>", pos);
    if (end == std::string_view::npos) return std::nullopt;  // the parser refuses it
    if (auto encoding = DeclaredEncoding(text.substr(pos, end - pos))) {
      if (!EqualsIgnoringCase(*encoding, "UTF-8")) {
        return FieldError{"", "encoding",
                          "the document declares an encoding other than UTF-8; only UTF-8 is "
                          "accepted"};
      }
    }
    pos = end + 2;
  }
  while (pos < text.size()) {
    pos = text.find_first_of("<&", pos);
    if (pos == std::string_view::npos) break;
    if (text[pos] == '&') {
      if (auto refusal = CheckReference(text, pos)) return refusal;
      ++pos;
      continue;
    }
    if (StartsWith(text, pos, "<!--")) {
      const auto end = text.find("-->", pos + 4);
      if (end == std::string_view::npos) return std::nullopt;
      pos = end + 3;
    } else if (StartsWith(text, pos, "<![CDATA[")) {
      const auto end = text.find("]]>", pos + 9);
      if (end == std::string_view::npos) return std::nullopt;
      pos = end + 3;
    } else if (StartsWith(text, pos, "<!DOCTYPE")) {
      return Forbidden("document type declarations (DOCTYPE) are refused");
    } else if (StartsWith(text, pos, "<!ENTITY")) {
      return Forbidden("entity declarations are refused");
    } else if (StartsWith(text, pos, "<!")) {
      return Forbidden("markup declarations are refused");
    } else if (StartsWith(text, pos, "<?")) {
      return Forbidden("processing instructions are refused (only the XML declaration is allowed)");
    } else {
      ++pos;
    }
  }
  return std::nullopt;
}

// What the parser reported. Only the first error matters: libxml2 stops
// at the first fatal one, and later ones follow from it.
struct ParseReport {
  bool failed = false;
  int code = 0;
  int line = 0;
  bool too_deep = false;
};

void CollectParseError(void* user_data, xmlErrorPtr error) {
  // The parser passes its context (ctxt->userData is the context itself).
  auto* ctxt = static_cast<xmlParserCtxt*>(user_data);
  auto* report = static_cast<ParseReport*>(ctxt->_private);
  if (report == nullptr || error == nullptr || error->level < XML_ERR_ERROR || report->failed) {
    return;
  }
  report->failed = true;
  report->code = error->code;
  report->line = error->line;
  // The message is read only to classify it, never passed on: it can
  // quote the document.
  report->too_deep = error->code == XML_ERR_INTERNAL_ERROR && error->message != nullptr &&
                     std::strstr(error->message, "depth") != nullptr;
}

FieldError ParseFailure(const ParseReport& report) {
  if (report.too_deep) {
    return {"", "too_deep", "the elements are nested too deeply"};
  }
  if (report.code == XML_ERR_UNDECLARED_ENTITY || report.code == XML_WAR_UNDECLARED_ENTITY) {
    return Forbidden("references to entities other than the five predefined ones are refused");
  }
  return {"", "syntax",
          "not well-formed XML (libxml2 error " + std::to_string(report.code) + " at line " +
              std::to_string(report.line) + ")"};
}

std::string StepName(const xmlNode* node) {
  int index = 1;
  for (const xmlNode* s = node->prev; s != nullptr; s = s->prev) {
    if (s->type == XML_ELEMENT_NODE && LocalName(s) == LocalName(node)) ++index;
  }
  std::string step = "/" + std::string(LocalName(node));
  if (index > 1) step += "[" + std::to_string(index) + "]";
  return step;
}

std::string SimplePath(const xmlNode* node) {
  std::string path;
  for (const xmlNode* n = node; n != nullptr && n->type == XML_ELEMENT_NODE; n = n->parent) {
    path = StepName(n) + path;
  }
  return path;
}

// Checks the parsed tree: only elements, text and comments, no deeper
// than the limit. A backstop behind the byte scan.
void CheckTree(const xmlNode* first, int depth, int max_depth, const PathOf& path_of,
               FieldErrors& errors) {
  for (const xmlNode* node = first; node != nullptr; node = node->next) {
    switch (node->type) {
      case XML_ELEMENT_NODE: {
        if (depth > max_depth) {
          errors.push_back(
              {path_of ? path_of(node) : SimplePath(node), "too_deep",
               "elements are nested deeper than " + std::to_string(max_depth) + " levels"});
          return;
        }
        CheckTree(node->children, depth + 1, max_depth, path_of, errors);
        if (!errors.empty()) return;  // one element too deep says enough
        break;
      }
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
      case XML_COMMENT_NODE:
        break;
      case XML_ENTITY_REF_NODE:
      case XML_ENTITY_NODE:
      case XML_ENTITY_DECL:
        errors.push_back({"", "forbidden_markup", "entity references are refused"});
        return;
      case XML_PI_NODE:
        errors.push_back({"", "forbidden_markup", "processing instructions are refused"});
        return;
      case XML_DTD_NODE:
      case XML_DOCUMENT_TYPE_NODE:
        errors.push_back({"", "forbidden_markup", "document type declarations are refused"});
        return;
      default:
        errors.push_back({"", "forbidden_markup",
                          "the document holds a kind of node XML "
                          "messages may not use"});
        return;
    }
  }
}

}  // namespace

std::string_view LocalName(const xmlNode* node) {
  if (node == nullptr || node->name == nullptr) return {};
  return reinterpret_cast<const char*>(node->name);
}

bool IsElementIn(const xmlNode* node, std::string_view ns) {
  return node != nullptr && node->type == XML_ELEMENT_NODE && node->ns != nullptr &&
         node->ns->href != nullptr && reinterpret_cast<const char*>(node->ns->href) == ns;
}

std::string TextOf(const xmlNode* element) {
  std::string text;
  for (const xmlNode* c = element->children; c != nullptr; c = c->next) {
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != nullptr) {
      text += reinterpret_cast<const char*>(c->content);
    }
  }
  return text;
}

Result<XmlDocPtr, FieldErrors> ParseUntrustedXml(std::string_view bytes, const JsonLimits& limits,
                                                 const PathOf& path_of) {
  if (bytes.size() > limits.max_bytes || bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    return Fail(FieldErrors{
        {"", "too_large",
         "the document is larger than " + std::to_string(limits.max_bytes) + " bytes"}});
  }
  if (auto bad = FindInvalidUtf8(bytes)) {
    return Fail(FieldErrors{{"", "invalid_utf8", "invalid UTF-8 at byte " + std::to_string(*bad)}});
  }
  if (auto refusal = ScanForForbiddenMarkup(bytes)) return Fail(FieldErrors{*refusal});

  std::unique_ptr<xmlParserCtxt, XmlParserCtxtFree> ctxt(xmlNewParserCtxt());
  if (!ctxt || ctxt->sax == nullptr) {
    return Fail(FieldErrors{{"", "syntax", "the XML parser could not be started"}});
  }
  ParseReport report;
  ctxt->_private = &report;
  ctxt->sax->serror = CollectParseError;
  // Deliberately absent: XML_PARSE_NOENT (substitute entities),
  // XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR, XML_PARSE_DTDVALID,
  // XML_PARSE_XINCLUDE and XML_PARSE_HUGE (lifts libxml2's own limits).
  // CDATA sections are merged into text: they carry text like any other.
  const int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING;
  XmlDocPtr doc(xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()), nullptr,
                                  "UTF-8", options));
  ctxt->_private = nullptr;
  if (!doc || report.failed) {
    if (!report.failed) report.failed = true;
    return Fail(FieldErrors{ParseFailure(report)});
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return Fail(FieldErrors{Forbidden("document type declarations (DOCTYPE) are refused")});
  }
  FieldErrors errors;
  CheckTree(doc->children, 1, limits.max_depth, path_of, errors);
  if (!errors.empty()) return Fail(std::move(errors));
  if (xmlDocGetRootElement(doc.get()) == nullptr) {
    return Fail(FieldErrors{{"", "syntax", "the document has no root element"}});
  }
  return doc;
}

}  // namespace isagw::adapters::council_xml
