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

// Every problem type isagw uses, in one place. Stable: clients switch on
// them and docs/api/openapi.yaml lists them, so a URI never changes; a new
// kind of problem gets a new one.
namespace problem_type {
// The message itself.
inline constexpr const char* kInvalidMessage = "urn:isagw:problem:invalid-message";
inline constexpr const char* kMalformed = "urn:isagw:problem:malformed";
inline constexpr const char* kTooLarge = "urn:isagw:problem:too-large";
inline constexpr const char* kUnsupportedFormat = "urn:isagw:problem:unsupported-format";
inline constexpr const char* kNotRepresentable = "urn:isagw:problem:not-representable";
// The HTTP exchange (gateway/server).
inline constexpr const char* kNotFound = "urn:isagw:problem:not-found";
inline constexpr const char* kMethodNotAllowed = "urn:isagw:problem:method-not-allowed";
inline constexpr const char* kRateLimited = "urn:isagw:problem:rate-limited";
inline constexpr const char* kHeadersTooLarge = "urn:isagw:problem:headers-too-large";
inline constexpr const char* kForbidden = "urn:isagw:problem:forbidden";
inline constexpr const char* kInternal = "urn:isagw:problem:internal-error";
inline constexpr const char* kUnavailable = "urn:isagw:problem:unavailable";
// The episode (gateway/pipeline): the record contradicts what is stored.
inline constexpr const char* kEpisodeConflict = "urn:isagw:problem:episode-conflict";
// A notice to a sender that a copy could not be delivered (gateway/delivery).
inline constexpr const char* kNonDelivery = "urn:isagw:problem:non-delivery";
}  // namespace problem_type

// Problem for a message whose content failed validation.
Problem InvalidMessage(FieldErrors errors);

}  // namespace isagw
