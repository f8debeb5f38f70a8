// FieldError: one reason a message was refused, tied to the field that
// caused it. Reasons never quote the offending value: values may be
// personal data, and errors end up in logs and problem documents.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace isagw {

struct FieldError {
  // Where: a JSON Pointer (RFC 6901) into a JSON input, an element path
  // such as "/CouncilEvent/Child/NHSNumber" into XML, or "/line/3/NHSNumber"
  // style pointers for batches. Empty for whole-document errors.
  std::string pointer;
  // A stable machine-readable code ("required", "pattern", "nhs_checksum"...).
  std::string code;
  // A short sentence for people, without personal data.
  std::string reason;

  friend bool operator==(const FieldError&, const FieldError&) = default;
};

using FieldErrors = std::vector<FieldError>;

// Appends pointer token `token` to `base`, escaping '~' and '/' (RFC 6901).
std::string JoinPointer(const std::string& base, const std::string& token);

// One pointer token as it was before JoinPointer escaped it: "~1" is '/',
// "~0" is '~' (and "~" before any other byte is '~', that byte dropped).
std::string UnescapePointerToken(std::string_view token);

}  // namespace isagw
