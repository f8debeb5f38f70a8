// Explain: a Decision for people (`isagw policy explain`): every field's
// fate and the clause that decided it, as a text table or as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "gateway/policy/decision.h"
#include "gateway/policy/redactor.h"

namespace isagw::policy {

// A fixed-width table: a heading line (allowed or refused, flows, purpose)
// then one row per field: pointer, fate (with the mask or
// generalisation), clause, note.
std::string ExplainTable(const Decision& decision);

// ToJson(decision), plus what redaction withheld after all (a missing
// key, a value that could not be masked) when `redacted` is given.
nlohmann::json ExplainJson(const Decision& decision, const RedactedCopy* redacted = nullptr);

}  // namespace isagw::policy
