// FieldPattern: how an ISA field rule names canonical fields.
//
//   child.forename            one field
//   child.home                a whole object: every field inside it
//   rhi.with_whom[].name      a field of every element of an array
//   rhi.push_factors          a whole array
//   child.*                   "*" is any one field name
//   **.postcode               "**" is any run of names and "[]" (even none)
//
// A pattern applies to a leaf when it matches the leaf's path or the path
// of an object or array that contains the leaf.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"

namespace isagw::policy {

class FieldPattern {
 public:
  // Refuses empty patterns and anything but names ([a-z0-9_]), "[]", "*"
  // and "**" separated by dots. The reason says what is wrong.
  static Result<FieldPattern, std::string> Parse(std::string_view text);

  // True when the pattern names `leaf_path` (a canonical leaf path such as
  // "rhi.with_whom[].name") or an object or array containing it.
  bool Covers(std::string_view leaf_path) const;

  // True when the pattern has no "*" or "**".
  bool IsExact() const;

  const std::string& text() const { return text_; }

 private:
  FieldPattern(std::string text, std::vector<std::string> tokens)
      : text_(std::move(text)), tokens_(std::move(tokens)) {}

  std::string text_;
  std::vector<std::string> tokens_;
};

}  // namespace isagw::policy
