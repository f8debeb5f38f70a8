// FieldReader: reads one JSON object of a canonical document field by
// field, collecting every error instead of stopping at the first. Each
// getter claims its key; Finish() refuses (or, lenient, drops and lists)
// the keys nobody claimed, so unknown fields can never slip through.
//
// Internal to the canonical adapter. Reasons never quote input values.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/code_map.h"
#include "gateway/common/field_error.h"
#include "gateway/model/time.h"

namespace isagw::adapters::canonical {

// What a walk over one document found, shared by every FieldReader of it.
struct ReadLog {
  bool lenient = false;      // drop unknown keys instead of refusing them
  bool value_checks = true;  // patterns, checksums, postcodes, LA numbers, kind rules
  FieldErrors errors;
  std::vector<std::string> dropped;  // pointers of unknown keys dropped

  void Error(std::string pointer, std::string code, std::string reason);
};

// A check on a string value: nullopt when it passes, else the error's
// code and reason.
struct Verdict {
  std::string code;
  std::string reason;
};
using TextCheck = std::function<std::optional<Verdict>(std::string_view)>;

class FieldReader {
 public:
  // Records a "type" error when `value` is not an object; every getter
  // then returns nothing.
  FieldReader(ReadLog& log, const nlohmann::json& value, std::string pointer);

  bool is_object() const { return object_ != nullptr; }
  // Members in the object (0 when it is not one).
  std::size_t size() const { return object_ == nullptr ? 0 : object_->size(); }
  const std::string& pointer() const { return pointer_; }
  std::string PointerTo(std::string_view key) const;
  ReadLog& log() const { return *log_; }

  // True when the key is present (even with a wrong value).
  bool Has(std::string_view key) const;
  // Records "required" when the key is absent; returns whether present.
  bool Require(std::string_view key);

  // Text: a non-empty JSON string (not only whitespace) of at most
  // `max_chars` code points, then `check`.
  std::optional<std::string> Text(std::string_view key, std::size_t max_chars,
                                  const TextCheck& check = nullptr);
  std::optional<bool> Flag(std::string_view key);
  // A JSON integer in [min, max].
  std::optional<int> Integer(std::string_view key, long long min, long long max);
  // "2026-11-22T19:05:00Z": RFC 3339, UTC, whole seconds.
  std::optional<model::Timestamp> Instant(std::string_view key);
  // "2010-05-04".
  std::optional<model::Date> Day(std::string_view key);

  // A name from a closed code list.
  template <typename E, std::size_t N>
  std::optional<E> Code(std::string_view key, const CodeMap<E, N>& names) {
    const nlohmann::json* value = StringMember(key);
    if (value == nullptr) return std::nullopt;
    return CodeOf(*value, PointerTo(key), names);
  }

  // A member that must be an object: nullopt when absent or not an object
  // (recorded as "type").
  std::optional<FieldReader> Object(std::string_view key);

  // A member that must be an array of at most kMaxListItems items: calls
  // `each(item, item_pointer)` for every item. Records "type" otherwise.
  void Array(std::string_view key,
             const std::function<void(const nlohmann::json&, const std::string&)>& each);

  // Arrays of names from a code list, and of texts.
  template <typename E, std::size_t N>
  std::vector<E> CodeList(std::string_view key, const CodeMap<E, N>& names) {
    std::vector<E> out;
    Array(key, [&](const nlohmann::json& item, const std::string& at) {
      if (!item.is_string()) {
        log_->Error(at, "type", "must be a string");
        return;
      }
      if (auto e = CodeOf(item, at, names)) out.push_back(*e);
    });
    return out;
  }
  std::vector<std::string> TextList(std::string_view key, std::size_t max_chars,
                                    const TextCheck& check = nullptr);

  // Refuses, or in lenient mode drops and lists, every key not claimed.
  void Finish();

 private:
  const nlohmann::json* Claim(std::string_view key);
  // The member if present and a string; records "type" otherwise.
  const nlohmann::json* StringMember(std::string_view key);

  template <typename E, std::size_t N>
  std::optional<E> CodeOf(const nlohmann::json& value, const std::string& at,
                          const CodeMap<E, N>& names) {
    auto e = names.Find(value.get_ref<const std::string&>());
    if (!e) log_->Error(at, "enum", "is not one of the allowed codes");
    return e;
  }

  ReadLog* log_;
  const nlohmann::json* object_;
  std::string pointer_;
  std::vector<const nlohmann::json*> claimed_;  // the members a getter has read
};

// Checks a text value on its own (for array items and shared rules).
std::optional<std::string> ReadText(ReadLog& log, const nlohmann::json& value,
                                    const std::string& at, std::size_t max_chars,
                                    const TextCheck& check);

}  // namespace isagw::adapters::canonical
