// ElementCatalogue: which elements and attributes each element of a
// council document may hold, read once from the XSD itself, so that the
// structure checks, the error paths and the schema can never disagree.
//
// It understands the subset of XSD that schemas/council-event.xsd keeps
// to (named global complex types; xs:all or xs:sequence of locally
// declared elements with a named type; attributes; simple content
// extensions) and refuses any other construct, so that a change to the
// schema cannot silently escape it.
//
// Internal to the council-xml adapter.
#pragma once

#include <libxml/tree.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/council_xml/error_log.h"
#include "gateway/common/result.h"

namespace isagw::adapters::council_xml {

struct ElementDecl {
  std::string type;      // XSD type name, e.g. "Name" or "HeaderType"
  bool required = false; // minOccurs is not 0
  int max_occurs = 1;    // more than 1: a list item, always indexed in paths
};

struct AttributeDecl {
  std::string type;
  bool required = false;
};

struct ComplexTypeDecl {
  std::map<std::string, ElementDecl, std::less<>> elements;
  std::map<std::string, AttributeDecl, std::less<>> attributes;
  std::string text_type;  // for simple content with attributes: the text's type
};

// Where a node of a document sits: its path and its declared type.
struct NodePlace {
  std::string path;  // "/CouncilEvent/Rhi/Actions/Action[2]/To", ".../@la"
  std::string type;  // XSD type name; empty when the schema does not declare it
};

class ElementCatalogue {
 public:
  // Reads the structure of a parsed XSD; the error says what it could not
  // understand (a programming error in the schema or in this reader).
  static Result<ElementCatalogue, std::string> FromXsd(const xmlDoc& xsd);

  const std::string& root_name() const { return root_name_; }
  const std::string& root_type() const { return root_type_; }
  // nullptr for simple types (which hold text only).
  const ComplexTypeDecl* Complex(std::string_view type) const;
  // The simple type of an element's text: the type itself, or for simple
  // content with attributes, the type it extends.
  std::string TextType(const std::string& type) const;
  // The maxLength facet of a simple type, if it has one.
  std::optional<int> MaxLength(std::string_view simple_type) const;

  // The path and type of an element or attribute node of a document whose
  // root is the catalogue's root. Items of lists are always indexed
  // ("Action[1]"); other elements only when repeated ("Forename[2]").
  NodePlace Locate(const xmlNode* node) const;

  // Compares the document's elements and attributes with the schema,
  // records unknown ones ("unknown_field", or, when lenient, adds them
  // to `dropped`), repeated ones ("duplicate_key"), lists over their
  // limit ("too_long") and missing required ones ("required"), and
  // removes the unknown and repeated nodes, so that the XSD validator
  // then sees a tree it can check value by value.
  void CheckStructure(xmlNode* root, bool lenient, ErrorLog& log,
                      std::vector<std::string>& dropped) const;

 private:
  void CheckElement(xmlNode* element, const ComplexTypeDecl* type, const std::string& path,
                    bool lenient, ErrorLog& log, std::vector<std::string>& dropped) const;

  std::string root_name_;
  std::string root_type_;
  std::string namespace_;
  std::map<std::string, ComplexTypeDecl, std::less<>> complex_types_;
  std::map<std::string, int, std::less<>> max_lengths_;
};

}  // namespace isagw::adapters::council_xml
