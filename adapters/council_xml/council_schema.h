// CouncilSchema: schemas/council-event.xsd, compiled once for libxml2's
// validator and read once for its element structure (ElementCatalogue).
// Immutable after construction: libxml2 allows one compiled schema to be
// shared by many validation contexts, and every Validate call makes its
// own context.
//
// Internal to the council-xml adapter.
#pragma once

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <memory>
#include <string>
#include <string_view>

#include "adapters/council_xml/element_catalogue.h"
#include "adapters/council_xml/error_log.h"

namespace isagw::adapters::council_xml {

class CouncilSchema {
 public:
  // Throws std::logic_error when the built-in XSD cannot be compiled or
  // read: a programming error, caught by the tests.
  CouncilSchema();

  const ElementCatalogue& catalogue() const { return catalogue_; }

  // Validates `doc` against the XSD and records each finding at the path
  // of the element or attribute it concerns, with a code from the shared
  // vocabulary. Reasons never quote the document (libxml2's messages do,
  // so they are never passed on).
  void Validate(xmlDoc& doc, ErrorLog& log) const;

  // True when `document`, read as a stream of parser events with no tree
  // built, is well-formed and valid against the XSD. Says nothing of why
  // not: a caller that needs the reasons parses the document and calls
  // Validate. For checking the gateway's own output, where a refusal is
  // the exception and most of a full check's cost is building the tree.
  // The parser feeds the validator directly (libxml2's SAX plug), with no
  // reader nodes either. Tries AcceptsInDeclaredOrder first.
  bool Accepts(std::string_view document) const;

  // Like Accepts, against the XSD with each xs:all made an xs:sequence of
  // the same elements in the order the XSD declares them, the order the
  // gateway's writer uses. Every document this accepts, the XSD accepts
  // (one of the orders xs:all allows, the same elements and types), and
  // libxml2 checks a sequence in about 0.7 of the time it takes
  // over an xs:all, whose any-order automaton counts what it has seen.
  // A document in another order is refused here, not by Accepts.
  bool AcceptsInDeclaredOrder(std::string_view document) const;

  // The XSD's text with each <xs:all> made an <xs:sequence>.
  static std::string InDeclaredOrder(std::string_view xsd);

 private:
  struct SchemaFree {
    void operator()(xmlSchema* schema) const { xmlSchemaFree(schema); }
  };
  using SchemaPtr = std::unique_ptr<xmlSchema, SchemaFree>;
  static SchemaPtr Compile(std::string_view xsd);
  static bool StreamAccepts(xmlSchema& schema, std::string_view document);

  SchemaPtr schema_;
  SchemaPtr in_declared_order_;
  ElementCatalogue catalogue_;
};

}  // namespace isagw::adapters::council_xml
