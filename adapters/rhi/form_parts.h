// Parts both rhi forms share: the child block, the police references, and
// the way Encode says what it cannot carry.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adapters/rhi/field_reader.h"
#include "gateway/common/field_error.h"
#include "gateway/model/event.h"

namespace isagw::adapters::rhi {

// "child": {first_name, last_name, date_of_birth}, required, with both
// names required -> child.forename, surname, date_of_birth.
void ReadChildBlock(FieldReader& document, model::Child& child);

// Exactly one of "police_reference" (one OccurrenceRef) or
// "police_references" (a non-empty list without repeats). Returns the
// references in the order given; empty when refused.
std::vector<std::string> ReadPoliceReferences(FieldReader& document);

// A date of birth after the return (or any earlier time the form gives),
// or too long before it for a child of the service (CheckBirthDate).
void CheckChildBirthDate(ReadLog& log, const model::Event& event);

// The inverse writers. They record what the event lacks, by canonical
// pointer, as "not_representable" in `errors`.
void WriteChildBlock(const model::Child& child, nlohmann::ordered_json& document,
                     FieldErrors& errors);
// rhi.police_refs (or, if none, episode.police_ref). The form reads its
// first reference as the episode's, so episode.police_ref goes first;
// an episode.police_ref not among rhi.police_refs contradicts them.
void WritePoliceReferences(const model::Event& event, nlohmann::ordered_json& document,
                           FieldErrors& errors);

FieldError NotRepresentable(std::string canonical_pointer, std::string reason);

// Sets document[key] when the optional holds a value.
template <typename T>
void Put(nlohmann::ordered_json& document, const char* key, const std::optional<T>& value) {
  if (value) document[key] = *value;
}

}  // namespace isagw::adapters::rhi
