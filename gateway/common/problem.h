// Problem: an RFC 9457 "problem details" document, the one shape every
// refusal takes, whether on the HTTP API or from the command line.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "gateway/common/field_error.h"

namespace isagw {

struct Problem {
  std::string type;    // a URI naming the kind of problem
  std::string title;   // fixed per type
  int status = 400;    // the HTTP status it maps to
  std::string detail;  // this occurrence, without personal data
  FieldErrors errors;  // per-field reasons, possibly empty

  // The problem+json body: {"type","title","status","detail","errors":[
  // {"pointer","code","reason"}]}.
  nlohmann::json ToJson() const;
  std::string ToJsonText() const;
};

// The problem types isagw uses. Stable: clients switch on them.
namespace problem_type {
inline constexpr const char* kInvalidMessage = "urn:isagw:problem:invalid-message";
inline constexpr const char* kMalformed = "urn:isagw:problem:malformed";
inline constexpr const char* kTooLarge = "urn:isagw:problem:too-large";
inline constexpr const char* kUnsupportedFormat = "urn:isagw:problem:unsupported-format";
inline constexpr const char* kNotRepresentable = "urn:isagw:problem:not-representable";
}  // namespace problem_type

// Problem for a message whose content failed validation.
Problem InvalidMessage(FieldErrors errors);

}  // namespace isagw
