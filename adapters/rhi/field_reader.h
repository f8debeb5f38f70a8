// FieldReader: reads one JSON object of an rhi document field by field,
// collecting every error rather than stopping at the first. Each getter
// claims its key; Finish() refuses (or, in lenient mode, drops and lists)
// the keys nobody claimed, so an unknown field can never slip through.
//
// Internal to the rhi adapter. Reasons never quote input values.
#pragma once

#include <algorithm>
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

namespace isagw::adapters::rhi {

// What the walk over one document found, shared by all its readers.
struct ReadLog {
  bool lenient = false;  // drop unknown keys instead of refusing them
  // Off only when Encode checks its own output: an ISA may have masked or
  // pseudonymised values (a postcode district, a keyed hash in place of a
  // police reference) and withheld fields, so the text rules (patterns,
  // postcodes, LA numbers) and the rules that a withheld or generalised
  // field would break are skipped, as the canonical adapter's
  // Checks::kShape skips them. Contradictions between fields still count.
  bool value_checks = true;
  FieldErrors errors;
  std::vector<std::string> dropped;  // pointers of unknown keys dropped

  void Error(std::string pointer, std::string code, std::string reason);
};

// Why a text value failed a rule.
struct Verdict {
  std::string code;
  std::string reason;
};

// A rule for a text value: returns the value to keep (possibly
// normalised, as postcodes are) or a Verdict.
using TextRule = std::function<std::optional<std::string>(std::string_view, Verdict&)>;

enum class Presence { kOptional, kRequired };


// A text value on its own (list items): a JSON string, not blank, at most
// `max_chars` code points, then `rule` (when the log has value_checks).
std::optional<std::string> ReadText(ReadLog& log, const nlohmann::json& value,
                                    const std::string& at, std::size_t max_chars,
                                    const TextRule& rule = nullptr);

class FieldReader {
 public:
  // Records "type" when `value` is not an object; every getter then
  // returns nothing.
  FieldReader(ReadLog& log, const nlohmann::json& value, std::string pointer);

  bool is_object() const { return object_ != nullptr; }
  std::string PointerTo(std::string_view key) const;
  ReadLog& log() const { return *log_; }

  // True when the key is present, whatever its value.
  bool Has(std::string_view key) const;
  // The raw member, claimed; nullptr when absent (recording "required"
  // if it must be present).
  const nlohmann::json* Claim(std::string_view key, Presence presence = Presence::kOptional);

  std::optional<std::string> Text(std::string_view key, std::size_t max_chars,
                                  Presence presence = Presence::kOptional,
                                  const TextRule& rule = nullptr);
  std::optional<bool> Flag(std::string_view key);
  // A JSON integer in [min, max].
  std::optional<int> Integer(std::string_view key, int min, int max);
  // ParseProviderTimestamp (adapters/rhi/timestamp.h).
  std::optional<model::Timestamp> Instant(std::string_view key,
                                          Presence presence = Presence::kOptional);
  // "2010-05-04", a real date.
  std::optional<model::Date> Day(std::string_view key, Presence presence = Presence::kOptional);

  template <typename E, std::size_t N>
  std::optional<E> Code(std::string_view key, const CodeMap<E, N>& names,
                        Presence presence = Presence::kOptional) {
    const nlohmann::json* value = Claim(key, presence);
    if (value == nullptr) return std::nullopt;
    return CodeOf(*value, PointerTo(key), names);
  }

  // A member that must be an object; nullopt when absent or not one.
  std::optional<FieldReader> Object(std::string_view key, Presence presence = Presence::kOptional);

  // A member that must be an array of at most kMaxListItems items; calls
  // `each(item, item_pointer)` for every item. Returns whether the array
  // was there and well formed.
  bool Array(std::string_view key,
             const std::function<void(const nlohmann::json&, const std::string&)>& each);

  // A list of codes. A code that repeats an earlier one is refused
  // ("inconsistent"): the list says each thing once.
  template <typename E, std::size_t N>
  std::vector<E> CodeList(std::string_view key, const CodeMap<E, N>& names) {
    std::vector<E> out;
    Array(key, [&](const nlohmann::json& item, const std::string& at) {
      auto e = CodeOf(item, at, names);
      if (!e) return;
      if (std::find(out.begin(), out.end(), *e) != out.end()) {
        RefuseRepeat(at);
        return;
      }
      out.push_back(*e);
    });
    return out;
  }
  // A list of texts; repeats are allowed (free text).
  std::vector<std::string> TextList(std::string_view key, std::size_t max_chars,
                                    const TextRule& rule = nullptr);

  // Refuses, or in lenient mode drops and lists, every key not claimed.
  void Finish();

 private:
  template <typename E, std::size_t N>
  std::optional<E> CodeOf(const nlohmann::json& value, const std::string& at,
                          const CodeMap<E, N>& names) {
    if (!value.is_string()) {
      log_->Error(at, "type", "must be a string");
      return std::nullopt;
    }
    auto e = names.Find(value.get_ref<const std::string&>());
    if (!e) log_->Error(at, "enum", "is not one of the allowed codes");
    return e;
  }
  void RefuseRepeat(const std::string& at);

  ReadLog* log_;
  const nlohmann::json* object_;
  std::string pointer_;
  std::vector<std::string> claimed_;
};

// Text rules shared by both forms.
std::optional<std::string> PostcodeRule(std::string_view text, Verdict& verdict);
std::optional<std::string> OccurrenceRefRule(std::string_view text, Verdict& verdict);
std::optional<std::string> LaNumberRule(std::string_view text, Verdict& verdict);
std::optional<std::string> PhoneRule(std::string_view text, Verdict& verdict);
std::optional<std::string> EmailRule(std::string_view text, Verdict& verdict);

}  // namespace isagw::adapters::rhi
