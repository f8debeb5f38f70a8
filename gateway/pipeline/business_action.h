// The words of a business acknowledgement (store::BusinessAction): the team
// or role that acted, and optionally a reference in the recipient's own
// case system. Identifiers, never free text about the child, whether they
// come from POST /v1/inbox/{id}/action or the console's "Actioned" form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/common/field_error.h"

namespace isagw::pipeline {

inline constexpr std::size_t kMaxActionChars = 64;

// The error in `text` as a team (1-64 of letters, digits, space and
// `&()./_-`, starting with a letter or digit), reported at `pointer`;
// none when it is allowed. The reason never quotes the text.
std::optional<FieldError> CheckActionTeam(std::string_view text, const std::string& pointer);
// The same for a reference (1-64 of letters, digits and `/._:-`).
std::optional<FieldError> CheckActionReference(std::string_view text, const std::string& pointer);

}  // namespace isagw::pipeline
