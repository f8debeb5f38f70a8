// Helpers shared by the audit entry builders and readers: bodies are
// compact JSON with sorted keys (so the same entry always has the same
// bytes), and readers collect every error with a pointer into the body.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/audit/body_writer.h"
#include "gateway/audit/child_pseudonym.h"
#include "gateway/common/field_error.h"

namespace isagw::audit {

// Compact, sorted keys; invalid UTF-8 in an id is replaced, never thrown.
std::string DumpBody(const nlohmann::json& body);

// Puts the child's pseudonyms in `body`: "child" (the primary) and
// "child_aliases" (the others); nothing when the record named no child.
void PutChild(nlohmann::json& body, const std::vector<ChildPseudonym>& child);
// The same members written straight to their bytes, where an object's keys
// sort them ("child" and "child_aliases" come next to each other).
void PutChild(BodyWriter& w, const std::vector<ChildPseudonym>& child);

// Reads member `key` of `object` as the named type, appending an error
// (at `base` + "/" + key) when it is missing and `required`, or mistyped.
class BodyReader {
 public:
  BodyReader(const nlohmann::json& object, std::string base, FieldErrors& errors)
      : object_(object), base_(std::move(base)), errors_(errors) {}

  std::string Text(std::string_view key, bool required = true);
  std::optional<std::int64_t> Integer(std::string_view key, bool required = true);
  // The member if it is an array (or absent and not required: nullptr).
  const nlohmann::json* Array(std::string_view key, bool required = true);
  std::string Pointer(std::string_view key) const;

 private:
  const nlohmann::json* Find(std::string_view key, bool required);
  const nlohmann::json& object_;
  std::string base_;
  FieldErrors& errors_;
};

}  // namespace isagw::audit
