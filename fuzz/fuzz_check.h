// What every fuzz target checks beyond "no crash, no hang, no leak":
// properties that must hold for any input (issue 15). A property that
// fails aborts with its name, which libFuzzer, and the corpus runner in
// the ordinary builds, report as a crash with the input that caused it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/field_error.h"

namespace isagw::fuzz {

// Aborts naming `property` unless `holds`.
void Require(bool holds, std::string_view property);

// The same decoder's refusal of other bytes (empty when it accepts them).
using Refuse = std::function<FieldErrors(std::string_view bytes)>;

// A refusal of `input` says something: at least one error, each with a
// code and a reason, each pointer a JSON Pointer ("" for the whole
// document, else starting with "/"); and no reason quotes one of `values`
// (what the input carried as values, from the helpers below). A value
// found in a reason may be a code word the reason names as text ("an
// INTELLIGENCE record..."): the input is refused again with that value
// replaced by a canary of the same length, and only a reason that then
// holds the canary quotes the input.
void RequireWellFormedRefusal(std::string_view input, const FieldErrors& errors,
                              const std::vector<std::string>& values, const Refuse& refuse);

// The input's values worth looking for in a refusal: strings a reason must
// never quote. Short strings and identifier-like words ("forename",
// "high") are left out, since reasons name fields and codes; keys are not
// values. Each helper reads whatever it can of malformed input.
std::vector<std::string> JsonValues(std::string_view bytes);
std::vector<std::string> NdjsonValues(std::string_view bytes);
std::vector<std::string> XmlValues(std::string_view bytes);
std::vector<std::string> CsvValues(std::string_view bytes);
// YAML scalars that are not mapping keys (policy and configuration files).
std::vector<std::string> YamlValues(std::string_view bytes);

}  // namespace isagw::fuzz
