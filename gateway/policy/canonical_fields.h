// The leaves of the canonical JSON form (docs/model.md), as ISA field rules
// name them: dotted paths with "[]" after an array ("rhi.with_whom[].name").
// The table is the single list of what a rule may name; a rule naming
// anything else is refused when the policy loads.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace isagw::policy {

// What a field holds. Decides which masks and generalisations apply.
enum class FieldType {
  kText,        // free text: narratives, descriptions, reasons
  kName,        // a person's, team's or organisation's name
  kIdentifier,  // a reference or id: NHS number, police reference, message id
  kCode,        // a code from an external list: LA number, SSDA903 code, ethnicity
  kEnum,        // a canonical enum name (gateway/model/codes.h)
  kDate,        // "YYYY-MM-DD"
  kTimestamp,   // RFC 3339 UTC
  kPostcode,    // normalised UK postcode "DE22 3AB"
  kPhone,
  kEmail,
  kInteger,
  kBoolean,
};

std::string_view FieldTypeName(FieldType type);

struct CanonicalField {
  std::string_view path;  // "rhi.with_whom[].name"
  FieldType type;
};

// Every leaf of the canonical form. "model" and "kind" are structural:
// always kept, never named by a rule, so they are not in the table.
std::span<const CanonicalField> CanonicalFields();

// Index into CanonicalFields() of an exact leaf path, or nullopt.
std::optional<std::size_t> FindCanonicalField(std::string_view path);

// Splits a path into tokens: "rhi.with_whom[].name" -> rhi, with_whom, [], name.
// Returns an empty vector when the text is not a well-formed path.
std::vector<std::string> SplitFieldPath(std::string_view path);

// The canonical form as a tree, for walking a document. Node 0 is the
// document root (an object).
struct CanonicalNode {
  enum class Shape { kObject, kArray, kLeaf };
  Shape shape = Shape::kObject;
  int field = -1;  // leaves: index into CanonicalFields()
  // Objects: member name -> node. Arrays: one child, the element node,
  // under the name "[]".
  std::vector<std::pair<std::string, int>> children;

  int Child(std::string_view name) const;  // -1 when absent
};
const std::vector<CanonicalNode>& CanonicalTree();

}  // namespace isagw::policy
