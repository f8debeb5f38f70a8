#include "adapters/rhi/field_reader.h"

#include <algorithm>
#include <utility>

#include "adapters/common/validators.h"
#include "adapters/rhi/limits.h"
#include "adapters/rhi/timestamp.h"
#include "gateway/common/ascii.h"
#include "gateway/common/utf8.h"

namespace isagw::adapters::rhi {

void ReadLog::Error(std::string pointer, std::string code, std::string reason) {
  errors.push_back({std::move(pointer), std::move(code), std::move(reason)});
}

std::optional<std::string> ReadText(ReadLog& log, const nlohmann::json& value,
                                    const std::string& at, std::size_t max_chars,
                                    const TextRule& rule) {
  if (!value.is_string()) {
    log.Error(at, "type", "must be a string");
    return std::nullopt;
  }
  const auto& text = value.get_ref<const std::string&>();
  if (IsBlank(text)) {
    log.Error(at, "empty", "must not be empty; leave the field out instead");
    return std::nullopt;
  }
  if (CountCodePoints(text) > max_chars) {
    log.Error(at, "too_long", "must be at most " + std::to_string(max_chars) + " characters");
    return std::nullopt;
  }
  if (!rule || !log.value_checks) return text;
  Verdict verdict;
  auto kept = rule(text, verdict);
  if (!kept) log.Error(at, std::move(verdict.code), std::move(verdict.reason));
  return kept;
}

FieldReader::FieldReader(ReadLog& log, const nlohmann::json& value, std::string pointer)
    : log_(&log), object_(value.is_object() ? &value : nullptr), pointer_(std::move(pointer)) {
  if (object_ == nullptr) log_->Error(pointer_, "type", "must be an object");
}

std::string FieldReader::PointerTo(std::string_view key) const {
  return JoinPointer(pointer_, std::string(key));
}

bool FieldReader::Has(std::string_view key) const {
  return object_ != nullptr && object_->contains(key);
}

const nlohmann::json* FieldReader::Claim(std::string_view key, Presence presence) {
  if (object_ == nullptr) return nullptr;
  claimed_.emplace_back(key);
  auto it = object_->find(key);
  if (it == object_->end()) {
    if (presence == Presence::kRequired) log_->Error(PointerTo(key), "required", "is required");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> FieldReader::Text(std::string_view key, std::size_t max_chars,
                                             Presence presence, const TextRule& rule) {
  const nlohmann::json* value = Claim(key, presence);
  if (value == nullptr) return std::nullopt;
  return ReadText(*log_, *value, PointerTo(key), max_chars, rule);
}

std::optional<bool> FieldReader::Flag(std::string_view key) {
  const nlohmann::json* value = Claim(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) {
    log_->Error(PointerTo(key), "type", "must be true or false");
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<int> FieldReader::Integer(std::string_view key, int min, int max) {
  const nlohmann::json* value = Claim(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_integer()) {
    log_->Error(PointerTo(key), "type", "must be a whole number");
    return std::nullopt;
  }
  // Compare in the widest types so huge values cannot wrap into range.
  const bool in_range =
      value->is_number_unsigned()
          ? value->get<unsigned long long>() <= static_cast<unsigned long long>(max) &&
                (min <= 0 ||
                 value->get<unsigned long long>() >= static_cast<unsigned long long>(min))
          : value->get<long long>() >= min && value->get<long long>() <= max;
  if (!in_range) {
    log_->Error(PointerTo(key), "range",
                "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return static_cast<int>(value->get<long long>());
}

std::optional<model::Timestamp> FieldReader::Instant(std::string_view key, Presence presence) {
  const nlohmann::json* value = Claim(key, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    log_->Error(PointerTo(key), "type", "must be a string");
    return std::nullopt;
  }
  auto t = ParseProviderTimestamp(value->get_ref<const std::string&>());
  if (t.ok()) return *t;
  if (t.error() == TimestampError::kNonexistentLocalTime) {
    log_->Error(PointerTo(key), "nonexistent_local_time",
                "is a UK local time skipped when the clocks went forward");
  } else {
    log_->Error(PointerTo(key), "datetime",
                "must be an RFC 3339 timestamp like 2026-11-22T19:05:00Z or "
                "2026-07-14T16:30:00+01:00");
  }
  return std::nullopt;
}

std::optional<model::Date> FieldReader::Day(std::string_view key, Presence presence) {
  const nlohmann::json* value = Claim(key, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    log_->Error(PointerTo(key), "type", "must be a string");
    return std::nullopt;
  }
  auto d = model::ParseIsoDate(value->get_ref<const std::string&>());
  if (!d) log_->Error(PointerTo(key), "date", "must be a real date written YYYY-MM-DD");
  return d;
}

std::optional<FieldReader> FieldReader::Object(std::string_view key, Presence presence) {
  const nlohmann::json* value = Claim(key, presence);
  if (value == nullptr) return std::nullopt;
  FieldReader nested(*log_, *value, PointerTo(key));
  if (!nested.is_object()) return std::nullopt;
  return nested;
}

bool FieldReader::Array(
    std::string_view key,
    const std::function<void(const nlohmann::json&, const std::string&)>& each) {
  const nlohmann::json* value = Claim(key);
  if (value == nullptr) return false;
  const std::string at = PointerTo(key);
  if (!value->is_array()) {
    log_->Error(at, "type", "must be an array");
    return false;
  }
  if (value->size() > kMaxListItems) {
    log_->Error(at, "range", "must hold at most " + std::to_string(kMaxListItems) + " items");
    return false;
  }
  for (std::size_t i = 0; i < value->size(); ++i) {
    each((*value)[i], JoinPointer(at, std::to_string(i)));
  }
  return true;
}

std::vector<std::string> FieldReader::TextList(std::string_view key, std::size_t max_chars,
                                               const TextRule& rule) {
  std::vector<std::string> out;
  Array(key, [&](const nlohmann::json& item, const std::string& at) {
    if (auto text = ReadText(*log_, item, at, max_chars, rule)) out.push_back(std::move(*text));
  });
  return out;
}

void FieldReader::RefuseRepeat(const std::string& at) {
  log_->Error(at, "inconsistent", "repeats an earlier item of the list");
}

void FieldReader::Finish() {
  if (object_ == nullptr) return;
  for (const auto& item : object_->items()) {
    if (std::find(claimed_.begin(), claimed_.end(), item.key()) != claimed_.end()) continue;
    const std::string at = PointerTo(item.key());
    if (log_->lenient) {
      log_->dropped.push_back(at);
    } else {
      log_->Error(at, "unknown_field", "is not a field of this form");
    }
  }
}

std::optional<std::string> PostcodeRule(std::string_view text, Verdict& verdict) {
  auto normalised = NormalisePostcode(text);
  if (!normalised) verdict = {"postcode", "must be a UK postcode like DE22 3AB"};
  return normalised;
}

std::optional<std::string> OccurrenceRefRule(std::string_view text, Verdict& verdict) {
  if (IsValidOccurrenceRef(text)) return std::string(text);
  verdict = {"pattern", "must be a police occurrence reference like DB/21/2026/004512"};
  return std::nullopt;
}

std::optional<std::string> LaNumberRule(std::string_view text, Verdict& verdict) {
  if (IsValidLaNumber(text)) return std::string(text);
  verdict = {"la_number", "must be a DfE local authority number of three digits"};
  return std::nullopt;
}

std::optional<std::string> PhoneRule(std::string_view text, Verdict& verdict) {
  // Digits with the usual separators, an optional leading "+", and
  // enough digits to dial.
  std::size_t digits = 0;
  bool ok = true;
  for (std::size_t i = 0; i < text.size() && ok; ++i) {
    const char c = text[i];
    if (IsAsciiDigit(c)) {
      ++digits;
    } else if (c == '+') {
      ok = i == 0;
    } else {
      ok = c == ' ' || c == '-' || c == '(' || c == ')';
    }
  }
  if (ok && digits >= 6) return std::string(text);
  verdict = {"pattern", "must be a telephone number of digits, spaces, ( ) - and a leading +"};
  return std::nullopt;
}

std::optional<std::string> EmailRule(std::string_view text, Verdict& verdict) {
  // One "@" between a local part and a dotted domain, nothing blank.
  const auto at = text.find('@');
  const bool ok = at != std::string_view::npos && at > 0 &&
                  text.find('@', at + 1) == std::string_view::npos &&
                  text.find('.', at + 2) != std::string_view::npos && text.back() != '.' &&
                  std::none_of(text.begin(), text.end(),
                               [](char c) { return static_cast<unsigned char>(c) <= ' '; });
  if (ok) return std::string(text);
  verdict = {"pattern", "must be an email address like name@example.gov.uk"};
  return std::nullopt;
}

}  // namespace isagw::adapters::rhi
