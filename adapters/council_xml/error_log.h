// ErrorLog: the field errors of one document, at most one per element.
// The same fault is often seen twice (by the structure check, by the XSD
// validator, by a domain check); the first to speak names it.
//
// Internal to the council-xml adapter.
#pragma once

#include <string>
#include <utility>

#include "gateway/common/field_error.h"

namespace isagw::adapters::council_xml {

class ErrorLog {
 public:
  // Records the error unless one is already recorded at `pointer`.
  void Add(std::string pointer, std::string code, std::string reason);
  // Records the error unless one is recorded at `pointer` or inside it
  // (for faults of a whole element, such as a missing child, that a
  // more precise error already explains).
  void AddUnlessCovered(std::string pointer, std::string code, std::string reason);

  bool Has(const std::string& pointer) const;
  bool empty() const { return errors_.empty(); }
  const FieldErrors& errors() const { return errors_; }
  FieldErrors Take() { return std::move(errors_); }

 private:
  FieldErrors errors_;
};

}  // namespace isagw::adapters::council_xml
