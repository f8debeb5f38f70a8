// Strict, typed reading of one policy YAML file. Every read reports its
// own errors (with line, column and key path) and returns nullopt, so the
// loader goes on and reports everything wrong in one pass.
//
// Scalars are typed as PyYAML types them (YAML core schema, plus YAML 1.1
// yes/no/on/off): a plain `2.0` or `yes` is not text and must be quoted.
// That keeps this loader and schemas/isa-policy.schema.json in agreement.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/model/time.h"
#include "gateway/policy/policy_error.h"

namespace isagw::policy {

class YamlErrors {
 public:
  explicit YamlErrors(std::string file) : file_(std::move(file)) {}
  void Add(const YAML::Mark& mark, std::string key, std::string code, std::string reason);
  const std::string& file() const { return file_; }
  PolicyErrors& errors() { return errors_; }

 private:
  std::string file_;
  PolicyErrors errors_;
};

enum class Need { kOptional, kRequired };

// A value read together with where it was written.
template <typename T>
struct Located {
  T value;
  YAML::Mark mark;
  std::string key;
};

class MapReader {
 public:
  // `path` names the mapping in errors ("flows[2]"; "" for the root).
  MapReader(YamlErrors& errors, const YAML::Node& node, const YAML::Mark& where, std::string path);

  const std::string& path() const { return path_; }
  const YAML::Mark& where() const { return where_; }
  YamlErrors& errors() { return *errors_; }
  std::string KeyPath(std::string_view key) const;
  bool Has(std::string_view key) const;
  YAML::Mark MarkOf(std::string_view key) const;  // the key's, or the mapping's when absent

  std::optional<std::string> Text(std::string_view key, Need need, std::size_t max_length = 200);
  std::optional<model::Date> Date(std::string_view key, Need need);
  std::optional<long long> Integer(std::string_view key, Need need, long long min, long long max);
  std::optional<bool> Bool(std::string_view key, Need need);
  // One text value or a list of them (a single value reads as a list of one).
  std::optional<std::vector<Located<std::string>>> TextList(std::string_view key, Need need,
                                                            std::size_t max_items = 200,
                                                            std::size_t max_length = 200);
  std::optional<MapReader> Map(std::string_view key, Need need);
  // A list of mappings: `each` gets a reader per item and must call
  // RefuseUnknownKeys on it. Returns false when absent or not a list.
  bool ForEachMap(std::string_view key, Need need, std::size_t max_items,
                  const std::function<void(MapReader& item, std::size_t index)>& each);

  // True (and the key counts as read) when `key` holds an empty list.
  bool EmptyList(std::string_view key);
  // Counts `key` as read without reading it (its value is reported elsewhere).
  void MarkUsed(std::string_view key);

  void Error(std::string_view key, std::string code, std::string reason);
  // Reports every key no read asked for (code unknown_key).
  void RefuseUnknownKeys();

 private:
  struct Entry {
    std::string key;
    YAML::Mark key_mark;
    YAML::Node value;
    bool used = false;
  };
  Entry* Use(std::string_view key, Need need);
  std::optional<std::string> Scalar(const YAML::Node& node, const YAML::Mark& mark,
                                    const std::string& key, std::size_t max_length);

  YamlErrors* errors_;
  YAML::Mark where_;
  std::string path_;
  bool valid_ = true;
  std::vector<Entry> entries_;
};

// How PyYAML would type a scalar node: "str", "int", "float", "bool",
// "null", or "" for a node that is not a scalar.
std::string_view ScalarType(const YAML::Node& node);

}  // namespace isagw::policy
