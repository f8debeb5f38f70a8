// FieldErrors as one line for a test's failure message.
#pragma once

#include <string>

#include "gateway/common/field_error.h"

namespace isagw::testing {

inline std::string Describe(const FieldErrors& errors) {
  std::string out;
  for (const FieldError& e : errors) out += "[" + e.pointer + " " + e.code + ": " + e.reason + "] ";
  return out;
}

}  // namespace isagw::testing
