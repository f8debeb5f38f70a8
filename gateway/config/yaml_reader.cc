#include "gateway/config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <regex>
#include <sstream>
#include <system_error>

#include "gateway/config/yaml_stream.h"

namespace isagw::config {
namespace {

// What a scalar is under the YAML core schema (as PyYAML resolves it, so
// the JSON Schema check in tests sees the same types).
enum class ScalarType { kText, kNull, kBool, kInteger, kFloat, kOtherTag };

ScalarType Resolve(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return ScalarType::kText;
  if (tag == "tag:yaml.org,2002:int") return ScalarType::kInteger;
  if (tag == "tag:yaml.org,2002:float") return ScalarType::kFloat;
  if (tag == "tag:yaml.org,2002:bool") return ScalarType::kBool;
  if (tag == "tag:yaml.org,2002:null") return ScalarType::kNull;
  if (tag != "?") return ScalarType::kOtherTag;

  static const std::regex kNull("~|null|Null|NULL|");
  static const std::regex kBool(
      "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
  static const std::regex kInteger(
      "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
      "|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+");
  static const std::regex kFloat(
      "[-+]?[0-9][0-9_]*\\.[0-9_]*([eE][-+][0-9]+)?|\\.[0-9_]+([eE][-+][0-9]+)?"
      "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  const std::string& text = node.Scalar();
  // No null, boolean or sensible number is this long, and std::regex
  // recurses per character: long text skips the patterns.
  if (text.size() > 64) return ScalarType::kText;
  if (std::regex_match(text, kNull)) return ScalarType::kNull;
  if (std::regex_match(text, kBool)) return ScalarType::kBool;
  if (std::regex_match(text, kInteger)) return ScalarType::kInteger;
  if (std::regex_match(text, kFloat)) return ScalarType::kFloat;
  return ScalarType::kText;
}

int LineOfMark(const YAML::Mark& mark) { return mark.is_null() ? 0 : mark.line + 1; }

std::string JoinKey(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

std::string IndexKey(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

}  // namespace

void ErrorList::Add(const YAML::Mark& mark, std::string key, std::string code, std::string reason) {
  errors_.push_back({file_, LineOfMark(mark), std::move(key), std::move(code), std::move(reason)});
}

void ErrorList::AddAtLine(int line, std::string key, std::string code, std::string reason) {
  errors_.push_back({file_, line, std::move(key), std::move(code), std::move(reason)});
}

void ErrorList::AddForFile(std::string code, std::string reason) {
  errors_.push_back({file_, 0, "", std::move(code), std::move(reason)});
}

Result<YAML::Node, ConfigErrors> LoadYamlFile(const std::filesystem::path& path) {
  ErrorList errors(path.string());
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    errors.AddForFile("not_found", "file does not exist or is not a regular file");
    return Fail(errors.Take());
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxYamlBytes) {
    errors.AddForFile("too_large", "file is larger than 1 MiB");
    return Fail(errors.Take());
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) {
    errors.AddForFile("io", "file could not be read");
    return Fail(errors.Take());
  }
  YamlStream stream;
  try {
    stream = ReadYamlStream(text.str());
  } catch (const YAML::Exception& e) {
    // yaml-cpp messages describe the syntax ("end of map not found") and do
    // not quote the document.
    errors.Add(e.mark, "", "syntax", "YAML syntax error: " + e.msg);
    return Fail(errors.Take());
  }
  if (stream.documents > 1) {
    errors.AddForFile("syntax", "file holds more than one YAML document");
    return Fail(errors.Take());
  }
  return stream.first;
}

MapReader::MapReader(ErrorList& errors, const YAML::Node& node, const YAML::Mark& where,
                     std::string path)
    : errors_(&errors), where_(where), path_(std::move(path)) {
  if (!node.IsMap()) {
    valid_ = false;
    errors_->Add(where_, path_, "type", "must be a mapping of keys to values");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies: the iterator hands out a temporary pair.
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar() || Resolve(key) != ScalarType::kText) {
      errors_->Add(key.Mark(), path_, "type", "keys must be plain text");
      continue;
    }
    bool duplicate = false;
    for (const Entry& e : entries_) duplicate = duplicate || e.key == key.Scalar();
    if (duplicate) {
      errors_->Add(key.Mark(), JoinKey(path_, key.Scalar()), "duplicate_key",
                   "key appears more than once in this mapping");
      continue;
    }
    entries_.push_back({key.Scalar(), key, value, false});
  }
}

std::string MapReader::KeyPath(std::string_view key) const { return JoinKey(path_, key); }

bool MapReader::Has(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return true;
  }
  return false;
}

int MapReader::LineOf(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return LineOfMark(e.key_node.Mark());
  }
  return LineOfMark(where_);
}

MapReader::Entry* MapReader::Use(std::string_view key, Presence presence) {
  for (Entry& e : entries_) {
    if (e.key == key) {
      e.used = true;
      return &e;
    }
  }
  if (presence == Presence::kRequired && valid_) {
    errors_->Add(where_, KeyPath(key), "required", "is required");
  }
  return nullptr;
}

void MapReader::Error(std::string_view key, std::string code, std::string reason) {
  for (const Entry& e : entries_) {
    if (e.key == key) {
      errors_->Add(e.key_node.Mark(), KeyPath(key), std::move(code), std::move(reason));
      return;
    }
  }
  errors_->Add(where_, KeyPath(key), std::move(code), std::move(reason));
}

void MapReader::Forbid(std::string_view key, std::string reason) {
  if (Entry* e = Use(key, Presence::kOptional)) {
    errors_->Add(e->key_node.Mark(), KeyPath(key), "unknown_field", std::move(reason));
  }
}

void MapReader::RefuseUnknownKeys() {
  for (Entry& e : entries_) {
    if (!e.used) {
      errors_->Add(e.key_node.Mark(), KeyPath(e.key), "unknown_field", "is not a known key here");
      e.used = true;
    }
  }
}

std::optional<std::string> MapReader::Text(Entry& entry, std::size_t max_length,
                                           const std::string& key_path) {
  const YAML::Node& v = entry.value;
  const YAML::Mark mark = entry.key_node.Mark();
  if (!v.IsScalar()) {
    errors_->Add(mark, key_path, "type", v.IsNull() ? "has no value" : "must be text");
    return std::nullopt;
  }
  switch (Resolve(v)) {
    case ScalarType::kText:
      break;
    case ScalarType::kOtherTag:
      errors_->Add(mark, key_path, "type", "YAML tags are not supported");
      return std::nullopt;
    case ScalarType::kNull:
      errors_->Add(mark, key_path, "type", "has no value");
      return std::nullopt;
    default:
      errors_->Add(mark, key_path, "type", "must be text (put it in quotes)");
      return std::nullopt;
  }
  if (v.Scalar().empty()) {
    errors_->Add(mark, key_path, "empty", "must not be empty");
    return std::nullopt;
  }
  if (v.Scalar().size() > max_length) {
    errors_->Add(mark, key_path, "too_long",
                 "must be at most " + std::to_string(max_length) + " characters");
    return std::nullopt;
  }
  return v.Scalar();
}

std::optional<std::string> MapReader::String(std::string_view key, Presence presence,
                                             std::size_t max_length) {
  Entry* e = Use(key, presence);
  if (e == nullptr) return std::nullopt;
  return Text(*e, max_length, KeyPath(key));
}

std::optional<bool> MapReader::Bool(std::string_view key, Presence presence) {
  Entry* e = Use(key, presence);
  if (e == nullptr) return std::nullopt;
  const YAML::Node& v = e->value;
  if (v.IsScalar() && Resolve(v) == ScalarType::kBool) {
    if (v.Scalar() == "true") return true;
    if (v.Scalar() == "false") return false;
  }
  // yes/no/on/off are YAML 1.1 booleans that surprise people; only the
  // two plain words are accepted.
  errors_->Add(e->key_node.Mark(), KeyPath(key), "type", "must be true or false");
  return std::nullopt;
}

std::optional<std::int64_t> MapReader::Integer(std::string_view key, Presence presence,
                                               std::int64_t min, std::int64_t max) {
  Entry* e = Use(key, presence);
  if (e == nullptr) return std::nullopt;
  const YAML::Node& v = e->value;
  static const std::regex kDecimal("[-+]?[0-9]+");
  std::int64_t value = 0;
  bool parsed = false;
  if (v.IsScalar() && Resolve(v) == ScalarType::kInteger &&
      std::regex_match(v.Scalar(), kDecimal)) {
    std::string_view text = v.Scalar();
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    parsed = ec == std::errc() && end == text.data() + text.size();
    if (!parsed && ec == std::errc::result_out_of_range) {
      errors_->Add(e->key_node.Mark(), KeyPath(key), "range",
                   "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return std::nullopt;
    }
  }
  if (!parsed) {
    errors_->Add(e->key_node.Mark(), KeyPath(key), "type", "must be a whole number");
    return std::nullopt;
  }
  if (value < min || value > max) {
    errors_->Add(e->key_node.Mark(), KeyPath(key), "range",
                 "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

std::optional<double> MapReader::Number(std::string_view key, Presence presence, double min,
                                        double max) {
  Entry* e = Use(key, presence);
  if (e == nullptr) return std::nullopt;
  const YAML::Node& v = e->value;
  static const std::regex kPlainNumber("[-+]?[0-9]+(\\.[0-9]*)?");
  double value = 0;
  bool parsed = false;
  if (v.IsScalar() && (Resolve(v) == ScalarType::kInteger || Resolve(v) == ScalarType::kFloat) &&
      std::regex_match(v.Scalar(), kPlainNumber)) {
    std::string_view text = v.Scalar();
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    parsed = ec == std::errc() && end == text.data() + text.size();
  }
  if (!parsed) {
    errors_->Add(e->key_node.Mark(), KeyPath(key), "type", "must be a number");
    return std::nullopt;
  }
  if (value < min || value > max) {
    std::ostringstream reason;
    reason << "must be between " << min << " and " << max;
    errors_->Add(e->key_node.Mark(), KeyPath(key), "range", reason.str());
    return std::nullopt;
  }
  return value;
}

std::optional<std::chrono::milliseconds> MapReader::Duration(std::string_view key,
                                                             Presence presence,
                                                             std::chrono::milliseconds min,
                                                             std::chrono::milliseconds max) {
  Entry* e = Use(key, presence);
  if (e == nullptr) return std::nullopt;
  static const std::regex kDuration("([0-9]{1,9})(ms|s|m|h|d)");
  const YAML::Node& v = e->value;
  std::smatch m;
  // A bare number is refused too: seconds or milliseconds would be a guess.
  if (!v.IsScalar() || Resolve(v) != ScalarType::kText ||
      !std::regex_match(v.Scalar(), m, kDuration)) {
    errors_->Add(e->key_node.Mark(), KeyPath(key), "pattern",
                 "must be a duration such as 500ms, 10s, 5m, 1h or 5d");
    return std::nullopt;
  }
  const std::int64_t count = std::stoll(m[1].str());
  const std::string unit = m[2].str();
  // Nine digits of days is about 2.7 million years: no overflow in int64 ms.
  std::chrono::milliseconds value = unit == "ms"  ? std::chrono::milliseconds(count)
                                    : unit == "s" ? std::chrono::seconds(count)
                                    : unit == "m" ? std::chrono::minutes(count)
                                    : unit == "h" ? std::chrono::hours(count)
                                                  : std::chrono::hours(24 * count);
  if (value < min || value > max) {
    errors_->Add(e->key_node.Mark(), KeyPath(key), "range",
                 "must be between " + std::to_string(min.count()) + "ms and " +
                     std::to_string(max.count()) + "ms");
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> MapReader::StringList(std::string_view key,
                                                              Presence presence,
                                                              std::size_t max_items,
                                                              std::size_t max_length) {
  Entry* e = Use(key, presence);
  if (e == nullptr) return std::nullopt;
  const YAML::Node& v = e->value;
  const std::string path = KeyPath(key);
  if (!v.IsSequence()) {
    errors_->Add(e->key_node.Mark(), path, "type", "must be a list");
    return std::nullopt;
  }
  if (v.size() == 0) {
    if (presence == Presence::kRequired) {
      errors_->Add(e->key_node.Mark(), path, "empty", "must list at least one value");
    }
    return std::nullopt;
  }
  if (v.size() > max_items) {
    errors_->Add(e->key_node.Mark(), path, "range",
                 "must list at most " + std::to_string(max_items) + " values");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < v.size(); ++i) {
    // Items carry their own marks; report against the item's line.
    Entry item{"", v[i], v[i], true};
    std::optional<std::string> text = Text(item, max_length, IndexKey(path, i));
    if (!text) {
      ok = false;
      continue;
    }
    out.push_back(std::move(*text));
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<MapReader> MapReader::Map(std::string_view key, Presence presence) {
  Entry* e = Use(key, presence);
  if (e == nullptr) return std::nullopt;
  if (!e->value.IsMap()) {
    errors_->Add(e->key_node.Mark(), KeyPath(key), "type",
                 e->value.IsNull() ? "has no value" : "must be a mapping of keys to values");
    return std::nullopt;
  }
  return MapReader(*errors_, e->value, e->key_node.Mark(), KeyPath(key));
}

bool MapReader::ForEachMap(std::string_view key, Presence presence, std::size_t max_items,
                           const std::function<void(MapReader&, std::size_t)>& each) {
  Entry* e = Use(key, presence);
  if (e == nullptr) return false;
  const YAML::Node& v = e->value;
  const std::string path = KeyPath(key);
  if (!v.IsSequence()) {
    errors_->Add(e->key_node.Mark(), path, "type", "must be a list");
    return false;
  }
  if (v.size() > max_items) {
    errors_->Add(e->key_node.Mark(), path, "range",
                 "must list at most " + std::to_string(max_items) + " entries");
    return false;
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    const YAML::Node item = v[i];
    // A mapping item's mark is its first key: the "- id:" line.
    const YAML::Mark where = item.Mark().is_null() ? e->key_node.Mark() : item.Mark();
    MapReader reader(*errors_, item, where, IndexKey(path, i));
    each(reader, i);
  }
  return true;
}

ConfigError ErrorAtPointer(const std::string& file, const YAML::Node& root,
                           const FieldError& error) {
  std::vector<std::string> tokens;
  std::string_view rest = error.pointer;
  while (!rest.empty() && rest.front() == '/') {
    rest.remove_prefix(1);
    const std::size_t end = rest.find('/');
    tokens.push_back(UnescapePointerToken(rest.substr(0, end)));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }

  YAML::Node node = root;
  YAML::Mark mark = root.Mark();
  std::string key;
  bool found = true;
  for (const std::string& token : tokens) {
    if (found && node.IsSequence()) {
      std::size_t index = 0;
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      if (ec == std::errc() && end == token.data() + token.size() && index < node.size()) {
        // reset() rebinds; operator= would overwrite the tree's node.
        const YAML::Node& current = node;  // const: lookups never insert
        node.reset(current[index]);
        if (!node.Mark().is_null()) mark = node.Mark();
        key += "[" + token + "]";
        continue;
      }
    }
    if (found && node.IsMap()) {
      bool hit = false;
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == token) {
          mark = it->first.Mark();
          node.reset(it->second);
          hit = true;
          break;
        }
      }
      if (hit) {
        key = key.empty() ? token : key + "." + token;
        continue;
      }
    }
    found = false;
    const bool numeric = !token.empty() && std::all_of(token.begin(), token.end(),
                                                       [](char c) { return c >= '0' && c <= '9'; });
    key = numeric ? key + "[" + token + "]" : (key.empty() ? token : key + "." + token);
  }
  return {file, LineOfMark(mark), key, error.code, error.reason};
}

std::filesystem::path ResolvePath(const std::filesystem::path& base_dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal();
  return (base_dir / p).lexically_normal();
}

}  // namespace isagw::config
