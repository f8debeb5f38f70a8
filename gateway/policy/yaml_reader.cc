#include "gateway/policy/yaml_reader.h"

#include <regex>
#include <utility>

namespace isagw::policy {
namespace {

int Line(const YAML::Mark& mark) { return mark.is_null() ? 0 : mark.line + 1; }
int Column(const YAML::Mark& mark) { return mark.is_null() ? 0 : mark.column + 1; }

// PyYAML's resolvers for plain scalars (YAML 1.1), compiled once.
const std::regex& BoolPattern() {
  static const std::regex re(
      "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
  return re;
}
const std::regex& IntPattern() {
  static const std::regex re(
      "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|"
      "[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+");
  return re;
}
const std::regex& FloatPattern() {
  static const std::regex re(
      "[-+]?([0-9][0-9_]*)\\.[0-9_]*([eE][-+][0-9]+)?|\\.[0-9_]+([eE][-+][0-9]+)?|"
      "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  return re;
}
const std::regex& DecimalPattern() {
  static const std::regex re("[-+]?[0-9]{1,15}");
  return re;
}

}  // namespace

std::string_view ScalarType(const YAML::Node& node) {
  if (node.IsNull()) return "null";
  if (!node.IsScalar()) return "";
  const std::string& tag = node.Tag();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return "str";
  if (tag != "?") return "tagged";
  const std::string& s = node.Scalar();
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return "null";
  // Most policy text starts with a letter other than those the resolvers
  // look for; skip the regular expressions for it.
  const char c = s[0];
  const bool may_be_number = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
  const bool may_be_bool = c == 'y' || c == 'Y' || c == 'n' || c == 'N' || c == 't' || c == 'T' ||
                           c == 'f' || c == 'F' || c == 'o' || c == 'O';
  if (may_be_bool && std::regex_match(s, BoolPattern())) return "bool";
  if (may_be_number && std::regex_match(s, IntPattern())) return "int";
  if (may_be_number && std::regex_match(s, FloatPattern())) return "float";
  return "str";
}

void YamlErrors::Add(const YAML::Mark& mark, std::string key, std::string code,
                     std::string reason) {
  errors_.push_back(
      {file_, Line(mark), Column(mark), std::move(key), std::move(code), std::move(reason)});
}

MapReader::MapReader(YamlErrors& errors, const YAML::Node& node, const YAML::Mark& where,
                     std::string path)
    : errors_(&errors), where_(where), path_(std::move(path)) {
  if (!node.IsMap()) {
    valid_ = false;
    errors_->Add(where_, path_, "type", "expected a mapping of keys to values");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies: the iterator hands out a temporary pair.
    const YAML::Node key_node = it->first;
    const YAML::Node value = it->second;
    if (!key_node.IsScalar()) {
      errors_->Add(key_node.Mark(), path_, "type", "a key must be plain text");
      continue;
    }
    const std::string key = key_node.Scalar();
    bool duplicate = false;
    for (const Entry& e : entries_) duplicate = duplicate || e.key == key;
    if (duplicate) {
      errors_->Add(key_node.Mark(), KeyPath(key), "duplicate_key",
                   "the key '" + key + "' is given more than once");
      continue;
    }
    entries_.push_back({key, key_node.Mark(), value, false});
  }
}

std::string MapReader::KeyPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool MapReader::Has(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return true;
  }
  return false;
}

YAML::Mark MapReader::MarkOf(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return e.key_mark;
  }
  return where_;
}

MapReader::Entry* MapReader::Use(std::string_view key, Need need) {
  for (Entry& e : entries_) {
    if (e.key == key) {
      e.used = true;
      return &e;
    }
  }
  if (need == Need::kRequired && valid_) {
    errors_->Add(where_, KeyPath(key), "required", "'" + std::string(key) + "' is required");
  }
  return nullptr;
}

bool MapReader::EmptyList(std::string_view key) {
  for (Entry& e : entries_) {
    if (e.key == key && e.value.IsSequence() && e.value.size() == 0) {
      e.used = true;
      return true;
    }
  }
  return false;
}

void MapReader::MarkUsed(std::string_view key) {
  for (Entry& e : entries_) {
    if (e.key == key) e.used = true;
  }
}

void MapReader::Error(std::string_view key, std::string code, std::string reason) {
  errors_->Add(MarkOf(key), KeyPath(key), std::move(code), std::move(reason));
}

std::optional<std::string> MapReader::Scalar(const YAML::Node& node, const YAML::Mark& mark,
                                             const std::string& key, std::size_t max_length) {
  const std::string_view type = ScalarType(node);
  if (type != "str") {
    errors_->Add(mark, key, "type",
                 type == "" ? "expected text, found a list or mapping"
                            : "expected text, found " + std::string(type) +
                                  " (quote the value to make it text)");
    return std::nullopt;
  }
  std::string text = node.Scalar();
  if (text.empty()) {
    errors_->Add(mark, key, "empty", "text must not be empty");
    return std::nullopt;
  }
  if (text.size() > max_length) {
    errors_->Add(mark, key, "too_long",
                 "text is longer than " + std::to_string(max_length) + " characters");
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> MapReader::Text(std::string_view key, Need need,
                                           std::size_t max_length) {
  Entry* e = Use(key, need);
  if (e == nullptr) return std::nullopt;
  return Scalar(e->value, e->key_mark, KeyPath(key), max_length);
}

std::optional<model::Date> MapReader::Date(std::string_view key, Need need) {
  Entry* e = Use(key, need);
  if (e == nullptr) return std::nullopt;
  const std::string_view type = ScalarType(e->value);
  std::optional<model::Date> date;
  if (type == "str") date = model::ParseIsoDate(e->value.Scalar());
  if (!date) {
    errors_->Add(e->key_mark, KeyPath(key), "date", "expected a real date written YYYY-MM-DD");
  }
  return date;
}

std::optional<long long> MapReader::Integer(std::string_view key, Need need, long long min,
                                            long long max) {
  Entry* e = Use(key, need);
  if (e == nullptr) return std::nullopt;
  const std::string& s = e->value.IsScalar() ? e->value.Scalar() : std::string();
  if (ScalarType(e->value) != "int" || !std::regex_match(s, DecimalPattern())) {
    errors_->Add(e->key_mark, KeyPath(key), "type", "expected a whole number");
    return std::nullopt;
  }
  const long long value = std::stoll(s);
  if (value < min || value > max) {
    errors_->Add(e->key_mark, KeyPath(key), "range",
                 "expected a number from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> MapReader::Bool(std::string_view key, Need need) {
  Entry* e = Use(key, need);
  if (e == nullptr) return std::nullopt;
  const std::string& s = e->value.IsScalar() ? e->value.Scalar() : std::string();
  if (ScalarType(e->value) == "bool" && (s == "true" || s == "false")) return s == "true";
  errors_->Add(e->key_mark, KeyPath(key), "type", "expected true or false");
  return std::nullopt;
}

std::optional<std::vector<Located<std::string>>> MapReader::TextList(std::string_view key,
                                                                     Need need,
                                                                     std::size_t max_items,
                                                                     std::size_t max_length) {
  Entry* e = Use(key, need);
  if (e == nullptr) return std::nullopt;
  std::vector<Located<std::string>> out;
  const std::string path = KeyPath(key);
  if (e->value.IsSequence()) {
    if (e->value.size() == 0) {
      errors_->Add(e->key_mark, path, "empty", "the list must not be empty");
      return std::nullopt;
    }
    if (e->value.size() > max_items) {
      errors_->Add(e->key_mark, path, "too_long",
                   "the list has more than " + std::to_string(max_items) + " items");
      return std::nullopt;
    }
    bool ok = true;
    for (std::size_t i = 0; i < e->value.size(); ++i) {
      const YAML::Node item = std::as_const(e->value)[i];
      const std::string item_path = path + "[" + std::to_string(i) + "]";
      auto text = Scalar(item, item.Mark(), item_path, max_length);
      if (!text) {
        ok = false;
        continue;
      }
      out.push_back({std::move(*text), item.Mark(), item_path});
    }
    if (!ok) return std::nullopt;
    return out;
  }
  auto text = Scalar(e->value, e->key_mark, path, max_length);
  if (!text) return std::nullopt;
  out.push_back({std::move(*text), e->key_mark, path});
  return out;
}

std::optional<MapReader> MapReader::Map(std::string_view key, Need need) {
  Entry* e = Use(key, need);
  if (e == nullptr) return std::nullopt;
  MapReader reader(*errors_, e->value, e->key_mark, KeyPath(key));
  if (!reader.valid_) return std::nullopt;
  return reader;
}

bool MapReader::ForEachMap(std::string_view key, Need need, std::size_t max_items,
                           const std::function<void(MapReader&, std::size_t)>& each) {
  Entry* e = Use(key, need);
  if (e == nullptr) return false;
  const std::string path = KeyPath(key);
  if (!e->value.IsSequence() || e->value.size() == 0) {
    errors_->Add(e->key_mark, path, "type", "expected a non-empty list");
    return false;
  }
  if (e->value.size() > max_items) {
    errors_->Add(e->key_mark, path, "too_long",
                 "the list has more than " + std::to_string(max_items) + " items");
    return false;
  }
  for (std::size_t i = 0; i < e->value.size(); ++i) {
    const YAML::Node item = std::as_const(e->value)[i];
    MapReader reader(*errors_, item, item.Mark(), path + "[" + std::to_string(i) + "]");
    if (reader.valid_) each(reader, i);
  }
  return true;
}

void MapReader::RefuseUnknownKeys() {
  for (const Entry& e : entries_) {
    if (!e.used) {
      errors_->Add(e.key_mark, KeyPath(e.key), "unknown_key",
                   "'" + e.key + "' is not part of the ISA policy language");
    }
  }
}

}  // namespace isagw::policy
