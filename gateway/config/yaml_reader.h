// Typed, strict reading of YAML configuration files, shared by the agency
// registry and the gateway configuration loaders.
//
// Rules every file gets: one document, at most kMaxYamlBytes; duplicate
// keys refused; every key nobody reads refused as unknown; scalars read as
// the YAML core schema types them (a plain `831` is a number, so a key that
// wants text must be given "831"), which keeps the C++ loader and the JSON
// Schemas in schemas/ in agreement. Errors carry file, line and key path.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/field_error.h"
#include "gateway/common/result.h"
#include "gateway/config/config_error.h"

namespace isagw::config {

inline constexpr std::uintmax_t kMaxYamlBytes = 1024 * 1024;
// Default maximum length of a text value (names, codes, paths are shorter).
inline constexpr std::size_t kMaxTextLength = 200;
inline constexpr std::size_t kMaxPathLength = 4096;

// Collects the errors found in one file.
class ErrorList {
 public:
  explicit ErrorList(std::string file) : file_(std::move(file)) {}

  void Add(const YAML::Mark& mark, std::string key, std::string code, std::string reason);
  // For checks made after reading, when only the line is still known.
  void AddAtLine(int line, std::string key, std::string code, std::string reason);
  void AddForFile(std::string code, std::string reason);

  bool empty() const { return errors_.empty(); }
  std::size_t size() const { return errors_.size(); }
  const std::string& file() const { return file_; }
  ConfigErrors Take() { return std::move(errors_); }

 private:
  std::string file_;
  ConfigErrors errors_;
};

// Reads and parses one YAML file. Refuses missing or unreadable files,
// files over kMaxYamlBytes, syntax errors (with their line) and streams
// with more than one document.
Result<YAML::Node, ConfigErrors> LoadYamlFile(const std::filesystem::path& path);

enum class Presence { kOptional, kRequired };

// One YAML mapping, read key by key. Each typed read reports its own
// errors (required, type, range, ...) and returns nullopt when the value is
// absent or wrong, so a loader keeps going and reports everything at once.
class MapReader {
 public:
  // `where` is the line errors about the mapping itself point to (its key,
  // or its list item); `path` names it ("agencies[3].codes"; "" for the
  // root). A node that is not a mapping is reported once and then reads as
  // empty without further "required" errors.
  MapReader(ErrorList& errors, const YAML::Node& node, const YAML::Mark& where, std::string path);

  const std::string& path() const { return path_; }
  const YAML::Mark& where() const { return where_; }
  ErrorList& errors() { return *errors_; }
  std::string KeyPath(std::string_view key) const;
  bool Has(std::string_view key) const;

  std::optional<std::string> String(std::string_view key, Presence presence,
                                    std::size_t max_length = kMaxTextLength);
  std::optional<bool> Bool(std::string_view key, Presence presence);
  std::optional<std::int64_t> Integer(std::string_view key, Presence presence, std::int64_t min,
                                      std::int64_t max);
  std::optional<double> Number(std::string_view key, Presence presence, double min, double max);
  // "250ms", "10s", "5m", "1h", "5d" (days of 24 hours).
  std::optional<std::chrono::milliseconds> Duration(std::string_view key, Presence presence,
                                                    std::chrono::milliseconds min,
                                                    std::chrono::milliseconds max);
  // A list of text values; an empty list counts as absent.
  std::optional<std::vector<std::string>> StringList(std::string_view key, Presence presence,
                                                     std::size_t max_items,
                                                     std::size_t max_length = kMaxTextLength);
  std::optional<MapReader> Map(std::string_view key, Presence presence);
  // A list of mappings: calls `each` with a reader per item (the callee
  // calls RefuseUnknownKeys). Returns false when absent or not a list.
  bool ForEachMap(std::string_view key, Presence presence, std::size_t max_items,
                  const std::function<void(MapReader& item, std::size_t index)>& each);

  // Reports an error about `key`, at its line (the mapping's when absent).
  void Error(std::string_view key, std::string code, std::string reason);
  // Refuses `key` if present, with `reason` (a key another kind may use).
  void Forbid(std::string_view key, std::string reason);
  // Reports every key no read asked for as unknown_field.
  void RefuseUnknownKeys();

  // The line of `key` (1-based), or of the mapping when absent.
  int LineOf(std::string_view key) const;

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
    bool used = false;
  };
  Entry* Use(std::string_view key, Presence presence);
  // Checks that the entry is a scalar resolving to text; reports otherwise.
  std::optional<std::string> Text(Entry& entry, std::size_t max_length,
                                  const std::string& key_path);

  ErrorList* errors_;
  YAML::Mark where_;
  std::string path_;
  bool valid_ = true;
  std::vector<Entry> entries_;
};

// Turns an error that points into a document's layout with a JSON Pointer
// ("/agencies/3/codes/la_number", from checks made after reading) into one
// naming the line and key path ("agencies[3].codes.la_number"). When the
// pointer leads past what is in the file, the line is the deepest key found.
ConfigError ErrorAtPointer(const std::string& file, const YAML::Node& root,
                           const FieldError& error);

// "must be one of a, b, c": the reason for an enum error, listing a code
// map's names (gateway/common/code_map.h) in their order.
template <typename Map>
std::string OneOf(const Map& map) {
  std::string out = "must be one of";
  const char* separator = " ";
  for (const auto& entry : map.entries) {
    out += separator;
    out += entry.second;
    separator = ", ";
  }
  return out;
}

// "DIR/relative" for a relative path, the path itself when absolute.
std::filesystem::path ResolvePath(const std::filesystem::path& base_dir, const std::string& path);

}  // namespace isagw::config
