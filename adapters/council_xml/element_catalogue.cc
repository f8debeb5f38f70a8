#include "adapters/council_xml/element_catalogue.h"

#include <climits>
#include <set>
#include <utility>

#include "adapters/council_xml/untrusted_xml.h"

namespace isagw::adapters::council_xml {
namespace {

constexpr std::string_view kXs = "http://www.w3.org/2001/XMLSchema";

bool IsXs(const xmlNode* node, std::string_view local) {
  return IsElementIn(node, kXs) && LocalName(node) == local;
}

std::optional<std::string> Prop(const xmlNode* node, std::string_view name) {
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    if (a->ns == nullptr && reinterpret_cast<const char*>(a->name) == name) {
      std::string value;
      for (const xmlNode* t = a->children; t != nullptr; t = t->next) {
        if (t->content != nullptr) value += reinterpret_cast<const char*>(t->content);
      }
      return value;
    }
  }
  return std::nullopt;
}

// "xs:string" -> "string", "Name" -> "Name".
std::string WithoutPrefix(const std::string& qname) {
  const auto colon = qname.find(':');
  return colon == std::string::npos ? qname : qname.substr(colon + 1);
}

bool IsBuiltIn(const std::string& qname) { return qname.rfind("xs:", 0) == 0; }

// Elements that do not count: comments, annotations, whitespace.
bool Skippable(const xmlNode* node) {
  return node->type != XML_ELEMENT_NODE || IsXs(node, "annotation");
}

Result<ElementDecl, std::string> ReadElementDecl(const xmlNode* e, std::string& name) {
  auto n = Prop(e, "name");
  auto type = Prop(e, "type");
  if (!n || !type) return Fail(std::string("a local xs:element without name and type"));
  name = *n;
  ElementDecl decl;
  decl.type = WithoutPrefix(*type);
  decl.required = Prop(e, "minOccurs").value_or("1") != "0";
  const std::string max = Prop(e, "maxOccurs").value_or("1");
  decl.max_occurs = max == "unbounded" ? INT_MAX : std::stoi(max);
  return decl;
}

Result<AttributeDecl, std::string> ReadAttributeDecl(const xmlNode* a, std::string& name) {
  auto n = Prop(a, "name");
  auto type = Prop(a, "type");
  if (!n || !type) return Fail(std::string("an xs:attribute without name and type"));
  name = *n;
  return AttributeDecl{WithoutPrefix(*type), Prop(a, "use").value_or("optional") == "required"};
}

Result<ComplexTypeDecl, std::string> ReadComplexType(const xmlNode* ct) {
  ComplexTypeDecl out;
  auto add_attribute = [&](const xmlNode* a) -> std::optional<std::string> {
    std::string name;
    auto decl = ReadAttributeDecl(a, name);
    if (!decl) return decl.error();
    out.attributes.emplace(name, *decl);
    return std::nullopt;
  };
  for (const xmlNode* part = ct->children; part != nullptr; part = part->next) {
    if (Skippable(part)) continue;
    if (IsXs(part, "all") || IsXs(part, "sequence")) {
      for (const xmlNode* e = part->children; e != nullptr; e = e->next) {
        if (Skippable(e)) continue;
        if (!IsXs(e, "element")) return Fail("unsupported particle " + std::string(LocalName(e)));
        std::string name;
        auto decl = ReadElementDecl(e, name);
        if (!decl) return Fail(decl.error());
        out.elements.emplace(name, *decl);
      }
    } else if (IsXs(part, "attribute")) {
      if (auto error = add_attribute(part)) return Fail(*error);
    } else if (IsXs(part, "simpleContent")) {
      for (const xmlNode* ext = part->children; ext != nullptr; ext = ext->next) {
        if (Skippable(ext)) continue;
        if (!IsXs(ext, "extension")) return Fail(std::string("unsupported simple content"));
        out.text_type = WithoutPrefix(Prop(ext, "base").value_or(""));
        for (const xmlNode* a = ext->children; a != nullptr; a = a->next) {
          if (Skippable(a)) continue;
          if (!IsXs(a, "attribute")) return Fail(std::string("unsupported extension content"));
          if (auto error = add_attribute(a)) return Fail(*error);
        }
      }
    } else {
      return Fail("unsupported complex type content " + std::string(LocalName(part)));
    }
  }
  return out;
}

// One step of a path: the local name, with the sender's prefix when the
// element is in a namespace other than the format's (so that a foreign
// x:Surname is not mistaken for Surname), and its position among siblings
// of the same name when it is a list item or repeated.
std::string Step(const xmlNode* element, const ElementDecl* decl, std::string_view ns) {
  int index = 1;
  for (const xmlNode* s = element->prev; s != nullptr; s = s->prev) {
    if (s->type != XML_ELEMENT_NODE || LocalName(s) != LocalName(element)) continue;
    const bool same_ns = (s->ns == nullptr && element->ns == nullptr) ||
                         (s->ns != nullptr && element->ns != nullptr &&
                          xmlStrEqual(s->ns->href, element->ns->href) != 0);
    if (same_ns) ++index;
  }
  std::string step = "/";
  if (element->ns != nullptr && element->ns->prefix != nullptr && !IsElementIn(element, ns)) {
    step += std::string(reinterpret_cast<const char*>(element->ns->prefix)) + ":";
  }
  step += std::string(LocalName(element));
  if ((decl != nullptr && decl->max_occurs > 1) || index > 1) {
    step += "[" + std::to_string(index) + "]";
  }
  return step;
}

int IndexIn(const std::string& step) {
  const auto open = step.rfind('[');
  return open == std::string::npos ? 1 : std::stoi(step.substr(open + 1));
}

}  // namespace

Result<ElementCatalogue, std::string> ElementCatalogue::FromXsd(const xmlDoc& xsd) {
  const xmlNode* schema = xmlDocGetRootElement(&xsd);
  if (!IsXs(schema, "schema")) return Fail(std::string("the root is not xs:schema"));
  ElementCatalogue out;
  out.namespace_ = Prop(schema, "targetNamespace").value_or("");
  std::set<std::string, std::less<>> simple_types;
  for (const xmlNode* def = schema->children; def != nullptr; def = def->next) {
    if (Skippable(def)) continue;
    auto name = Prop(def, "name");
    if (!name) return Fail(std::string("a global definition without a name"));
    if (IsXs(def, "element")) {
      auto type = Prop(def, "type");
      if (!out.root_name_.empty() || !type) {
        return Fail(std::string("expected exactly one global element, with a type"));
      }
      out.root_name_ = *name;
      out.root_type_ = WithoutPrefix(*type);
    } else if (IsXs(def, "complexType")) {
      auto type = ReadComplexType(def);
      if (!type) return Fail("complex type " + *name + ": " + type.error());
      out.complex_types_.emplace(*name, std::move(*type));
    } else if (IsXs(def, "simpleType")) {
      simple_types.insert(*name);
      for (const xmlNode* r = def->children; r != nullptr; r = r->next) {
        if (!IsXs(r, "restriction")) continue;
        for (const xmlNode* facet = r->children; facet != nullptr; facet = facet->next) {
          if (IsXs(facet, "maxLength")) {
            out.max_lengths_[*name] = std::stoi(Prop(facet, "value").value_or("0"));
          }
        }
      }
    } else {
      return Fail("unsupported global definition " + std::string(LocalName(def)));
    }
  }
  // Every type named must be defined here or be built in.
  auto known = [&](const std::string& type) {
    return out.complex_types_.count(type) != 0 || simple_types.count(type) != 0;
  };
  if (!known(out.root_type_)) return Fail("undefined type " + out.root_type_);
  for (const auto& [type_name, type] : out.complex_types_) {
    for (const auto& [name, decl] : type.elements) {
      if (!known(decl.type)) return Fail("undefined type " + decl.type);
    }
    for (const auto& [name, decl] : type.attributes) {
      if (!known(decl.type) && !IsBuiltIn(decl.type)) return Fail("undefined type " + decl.type);
    }
  }
  return out;
}

const ComplexTypeDecl* ElementCatalogue::Complex(std::string_view type) const {
  auto it = complex_types_.find(type);
  return it == complex_types_.end() ? nullptr : &it->second;
}

std::string ElementCatalogue::TextType(const std::string& type) const {
  const ComplexTypeDecl* complex = Complex(type);
  return complex != nullptr ? complex->text_type : type;
}

std::optional<int> ElementCatalogue::MaxLength(std::string_view simple_type) const {
  auto it = max_lengths_.find(simple_type);
  if (it == max_lengths_.end()) return std::nullopt;
  return it->second;
}

NodePlace ElementCatalogue::Locate(const xmlNode* node) const {
  const bool is_attribute = node != nullptr && node->type == XML_ATTRIBUTE_NODE;
  // Text and other nodes are placed at their element.
  const xmlNode* start = node;
  if (start != nullptr && start->type != XML_ELEMENT_NODE) start = start->parent;
  std::vector<const xmlNode*> chain;
  for (const xmlNode* n = start;
       n != nullptr && n->type == XML_ELEMENT_NODE; n = n->parent) {
    chain.push_back(n);
  }
  NodePlace place;
  const ComplexTypeDecl* parent = nullptr;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const xmlNode* element = *it;
    const ElementDecl* decl = nullptr;
    if (it == chain.rbegin()) {
      const bool is_root = IsElementIn(element, namespace_) && LocalName(element) == root_name_;
      place.type = is_root ? root_type_ : std::string();
    } else if (parent != nullptr && IsElementIn(element, namespace_)) {
      auto found = parent->elements.find(LocalName(element));
      if (found != parent->elements.end()) decl = &found->second;
      place.type = decl != nullptr ? decl->type : std::string();
    } else {
      place.type.clear();
    }
    place.path += Step(element, decl, namespace_);
    parent = Complex(place.type);
  }
  if (is_attribute) {
    const std::string name(LocalName(node));
    std::string type;
    if (parent != nullptr && node->ns == nullptr) {
      auto found = parent->attributes.find(name);
      if (found != parent->attributes.end()) type = found->second.type;
    }
    place.path += "/@" + name;
    place.type = type;
  }
  return place;
}

void ElementCatalogue::CheckStructure(xmlNode* root, bool lenient, ErrorLog& log,
                                      std::vector<std::string>& dropped) const {
  CheckElement(root, Complex(root_type_), Step(root, nullptr, namespace_), lenient, log, dropped);
}

void ElementCatalogue::CheckElement(xmlNode* element, const ComplexTypeDecl* type,
                                    const std::string& path, bool lenient, ErrorLog& log,
                                    std::vector<std::string>& dropped) const {
  auto refuse_unknown = [&](const std::string& at, const char* what) {
    if (lenient) {
      dropped.push_back(at);
    } else {
      log.Add(at, "unknown_field", std::string("the format has no such ") + what + " here");
    }
  };

  std::set<std::string, std::less<>> attributes_present;
  for (xmlAttr* a = element->properties; a != nullptr;) {
    xmlAttr* next = a->next;
    const std::string name(reinterpret_cast<const char*>(a->name));
    const bool known = type != nullptr && a->ns == nullptr && type->attributes.count(name) != 0;
    if (known) {
      attributes_present.insert(name);
    } else {
      refuse_unknown(path + "/@" + name, "attribute");
      xmlRemoveProp(a);
    }
    a = next;
  }
  if (type != nullptr) {
    for (const auto& [name, decl] : type->attributes) {
      if (decl.required && attributes_present.count(name) == 0) {
        log.Add(path + "/@" + name, "required", "is required");
      }
    }
  }

  // Nodes are removed only after the loop, so that every path counts
  // positions in the document as it was sent.
  std::vector<xmlNode*> removed;
  std::map<std::string, int, std::less<>> seen;
  for (xmlNode* child = element->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    const ElementDecl* decl = nullptr;
    if (type != nullptr && IsElementIn(child, namespace_)) {
      auto found = type->elements.find(LocalName(child));
      if (found != type->elements.end()) decl = &found->second;
    }
    const std::string step = Step(child, decl, namespace_);
    const std::string at = path + step;
    bool remove = false;
    if (decl == nullptr) {
      refuse_unknown(at, "element");
      remove = true;
    } else {
      const int index = IndexIn(step);
      seen[std::string(LocalName(child))] = index;
      if (index > decl->max_occurs) {
        if (decl->max_occurs == 1) {
          log.Add(at, "duplicate_key", "the element appears more than once");
        } else {
          log.Add(path, "too_long",
                  "must hold at most " + std::to_string(decl->max_occurs) + " items");
        }
        remove = true;
      } else {
        CheckElement(child, Complex(decl->type), at, lenient, log, dropped);
      }
    }
    if (remove) removed.push_back(child);
  }
  for (xmlNode* node : removed) {
    xmlUnlinkNode(node);
    xmlFreeNode(node);
  }
  if (type != nullptr) {
    for (const auto& [name, decl] : type->elements) {
      if (decl.required && seen.count(name) == 0) {
        log.Add(path + "/" + name, "required", "is required");
      }
    }
  }
}

}  // namespace isagw::adapters::council_xml
