// Redact: builds a recipient's copy of a message from a Decision. The copy
// starts empty and only fields the decision discloses are copied in (after
// masking, generalising or pseudonymising them); nothing is ever deleted
// from a full copy, so a field the decision does not name cannot leak.
// "model" and "kind" are always copied: they are structure, not data.
//
// Array elements left with nothing are left out altogether, so the copy
// does not even reveal how many associates or places were recorded.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/policy/decision.h"
#include "gateway/policy/key_provider.h"

namespace isagw::policy {

// A field the decision disclosed that could not be sent after all.
struct WithheldAtRedaction {
  std::string pointer;
  // "key_missing" (no pseudonymisation key for the ISA), "not_transformable"
  // (the value lacks the shape the mask or generalisation needs), "absent"
  // (the document has no value there).
  std::string reason;
  friend bool operator==(const WithheldAtRedaction&, const WithheldAtRedaction&) = default;
};

struct RedactedCopy {
  nlohmann::json document;
  std::vector<WithheldAtRedaction> withheld;
};

// Refuses (with the decision's refusal code) when the decision is not
// allowed. `document` must be the document the decision was made on.
Result<RedactedCopy, std::string> Redact(const nlohmann::json& document, const Decision& decision,
                                         const KeyProvider& keys);

}  // namespace isagw::policy
