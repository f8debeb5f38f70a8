#include "adapters/canonical/field_reader.h"

#include <algorithm>
#include <utility>

#include "adapters/canonical/limits.h"
#include "gateway/common/utf8.h"

namespace isagw::adapters::canonical {

void ReadLog::Error(std::string pointer, std::string code, std::string reason) {
  errors.push_back({std::move(pointer), std::move(code), std::move(reason)});
}

namespace {

// ReadText with the value's pointer made only for an error: most values
// pass, and the pointers were a tenth of reading a record.
template <typename PointerMaker>
std::optional<std::string> ReadTextAt(ReadLog& log, const nlohmann::json& value,
                                      const PointerMaker& at, std::size_t max_chars,
                                      const TextCheck& check) {
  if (!value.is_string()) {
    log.Error(at(), "type", "must be a string");
    return std::nullopt;
  }
  const auto& text = value.get_ref<const std::string&>();
  if (IsBlank(text)) {
    log.Error(at(), "empty", "must not be empty; leave the field out instead");
    return std::nullopt;
  }
  if (CountCodePoints(text) > max_chars) {
    log.Error(at(), "too_long",
              "must be at most " + std::to_string(max_chars) + " characters long");
    return std::nullopt;
  }
  if (check) {
    if (auto verdict = check(text)) {
      log.Error(at(), std::move(verdict->code), std::move(verdict->reason));
      return std::nullopt;
    }
  }
  return text;
}

}  // namespace

std::optional<std::string> ReadText(ReadLog& log, const nlohmann::json& value,
                                    const std::string& at, std::size_t max_chars,
                                    const TextCheck& check) {
  return ReadTextAt(
      log, value, [&] { return at; }, max_chars, check);
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

bool FieldReader::Require(std::string_view key) {
  if (object_ == nullptr) return false;
  if (Has(key)) return true;
  log_->Error(PointerTo(key), "required", "is required");
  return false;
}

const nlohmann::json* FieldReader::Claim(std::string_view key) {
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(key);
  if (it == object_->end()) return nullptr;
  claimed_.push_back(&*it);
  return &*it;
}

const nlohmann::json* FieldReader::StringMember(std::string_view key) {
  const nlohmann::json* value = Claim(key);
  if (value == nullptr) return nullptr;
  if (!value->is_string()) {
    log_->Error(PointerTo(key), "type", "must be a string");
    return nullptr;
  }
  return value;
}

std::optional<std::string> FieldReader::Text(std::string_view key, std::size_t max_chars,
                                             const TextCheck& check) {
  const nlohmann::json* value = Claim(key);
  if (value == nullptr) return std::nullopt;
  return ReadTextAt(
      *log_, *value, [&] { return PointerTo(key); }, max_chars, check);
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

std::optional<int> FieldReader::Integer(std::string_view key, long long min, long long max) {
  const nlohmann::json* value = Claim(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_integer()) {
    log_->Error(PointerTo(key), "type", "must be a whole number");
    return std::nullopt;
  }
  const auto range_reason = [&] {
    return "must be between " + std::to_string(min) + " and " + std::to_string(max);
  };
  if (value->is_number_unsigned()) {
    const auto n = value->get<unsigned long long>();
    if (max < 0 || n > static_cast<unsigned long long>(max) ||
        (min > 0 && n < static_cast<unsigned long long>(min))) {
      log_->Error(PointerTo(key), "range", range_reason());
      return std::nullopt;
    }
    return static_cast<int>(n);
  }
  const auto n = value->get<long long>();
  if (n < min || n > max) {
    log_->Error(PointerTo(key), "range", range_reason());
    return std::nullopt;
  }
  return static_cast<int>(n);
}

std::optional<model::Timestamp> FieldReader::Instant(std::string_view key) {
  const nlohmann::json* value = StringMember(key);
  if (value == nullptr) return std::nullopt;
  const auto& text = value->get_ref<const std::string&>();
  // Canonical JSON carries one spelling per instant: UTC with "Z", whole
  // seconds. Offsets belong to the external formats' adapters.
  std::optional<model::Timestamp> t;
  if (text.size() == 20 && text[10] == 'T' && text[19] == 'Z') t = model::ParseRfc3339(text);
  if (!t) {
    log_->Error(PointerTo(key), "datetime",
                "must be an RFC 3339 UTC timestamp with whole seconds and Z, "
                "like 2026-11-22T19:05:00Z");
  }
  return t;
}

std::optional<model::Date> FieldReader::Day(std::string_view key) {
  const nlohmann::json* value = StringMember(key);
  if (value == nullptr) return std::nullopt;
  auto d = model::ParseIsoDate(value->get_ref<const std::string&>());
  if (!d) log_->Error(PointerTo(key), "date", "must be a real date written YYYY-MM-DD");
  return d;
}

std::optional<FieldReader> FieldReader::Object(std::string_view key) {
  const nlohmann::json* value = Claim(key);
  if (value == nullptr) return std::nullopt;
  FieldReader nested(*log_, *value, PointerTo(key));
  if (!nested.is_object()) return std::nullopt;
  return nested;
}

void FieldReader::Array(
    std::string_view key,
    const std::function<void(const nlohmann::json&, const std::string&)>& each) {
  const nlohmann::json* value = Claim(key);
  if (value == nullptr) return;
  const std::string at = PointerTo(key);
  if (!value->is_array()) {
    log_->Error(at, "type", "must be an array");
    return;
  }
  if (value->size() > kMaxListItems) {
    log_->Error(at, "too_long", "must hold at most " + std::to_string(kMaxListItems) + " items");
    return;
  }
  for (std::size_t i = 0; i < value->size(); ++i) {
    each((*value)[i], JoinPointer(at, std::to_string(i)));
  }
}

std::vector<std::string> FieldReader::TextList(std::string_view key, std::size_t max_chars,
                                               const TextCheck& check) {
  std::vector<std::string> out;
  Array(key, [&](const nlohmann::json& item, const std::string& at) {
    if (auto text = ReadText(*log_, item, at, max_chars, check)) out.push_back(*text);
  });
  return out;
}

void FieldReader::Finish() {
  if (object_ == nullptr) return;
  for (const auto& [key, value] : object_->items()) {
    if (std::find(claimed_.begin(), claimed_.end(), &value) != claimed_.end()) continue;
    if (log_->lenient) {
      log_->dropped.push_back(PointerTo(key));
    } else {
      log_->Error(PointerTo(key), "unknown_field", "is not a field of the canonical model");
    }
  }
}

}  // namespace isagw::adapters::canonical
