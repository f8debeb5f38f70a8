#include "gateway/pipeline/business_action.h"

#include <algorithm>

#include "gateway/common/utf8.h"

namespace isagw::pipeline {
namespace {

// One field's rule: 1 to kMaxActionChars characters, the first a letter or
// digit, the others letters, digits or `punctuation`.
struct IdentifierRule {
  std::string_view punctuation;
  const char* reason;  // says the rule; never quotes a value
};

constexpr IdentifierRule kTeamRule{
    " &()./_-",
    "must start with a letter or digit and hold only letters, digits, spaces and & ( ) . / _ -"};
constexpr IdentifierRule kReferenceRule{
    "/._:-", "must start with a letter or digit and hold only letters, digits and / . _ : -"};

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::optional<FieldError> Check(std::string_view text, const std::string& pointer,
                                const IdentifierRule& rule) {
  if (text.empty()) {
    return FieldError{pointer, "empty", "must not be empty; leave the field out instead"};
  }
  if (CountCodePoints(text) > kMaxActionChars) {
    return FieldError{pointer, "too_long",
                      "must be at most " + std::to_string(kMaxActionChars) + " characters long"};
  }
  const bool allowed =
      IsAsciiAlnum(text.front()) && std::all_of(text.begin(), text.end(), [&rule](char c) {
        return IsAsciiAlnum(c) || rule.punctuation.find(c) != std::string_view::npos;
      });
  if (!allowed) return FieldError{pointer, "pattern", rule.reason};
  return std::nullopt;
}

}  // namespace

std::optional<FieldError> CheckActionTeam(std::string_view text, const std::string& pointer) {
  return Check(text, pointer, kTeamRule);
}

std::optional<FieldError> CheckActionReference(std::string_view text, const std::string& pointer) {
  return Check(text, pointer, kReferenceRule);
}

}  // namespace isagw::pipeline
