// Parsing the renderer's SVG back with libxml2, as any viewer would: a
// well-formedness check, and the text of elements by class.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace isagw::reports::testing {

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocFree>;

// Null when `text` is not well-formed XML. Never reaches the network.
inline XmlDoc ParseXml(std::string_view text) {
  return XmlDoc(xmlReadMemory(text.data(), static_cast<int>(text.size()), "chart.svg", nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
}

inline std::string AttributeOf(xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) return "";
  std::string text(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return text;
}

inline std::string ContentOf(xmlNode* node) {
  xmlChar* value = xmlNodeGetContent(node);
  if (value == nullptr) return "";
  std::string text(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return text;
}

// The elements named `element` with class="`cls`", in document order.
inline void FindAll(xmlNode* node, std::string_view element, std::string_view cls,
                    std::vector<xmlNode*>& found) {
  for (; node != nullptr; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    if (element == reinterpret_cast<const char*>(node->name) &&
        (cls.empty() || AttributeOf(node, "class") == cls)) {
      found.push_back(node);
    }
    FindAll(node->children, element, cls, found);
  }
}

inline std::vector<std::string> TextsOfClass(const XmlDoc& doc, std::string_view cls) {
  std::vector<xmlNode*> nodes;
  FindAll(xmlDocGetRootElement(doc.get()), "text", cls, nodes);
  std::vector<std::string> texts;
  for (xmlNode* node : nodes) texts.push_back(ContentOf(node));
  return texts;
}

}  // namespace isagw::reports::testing
