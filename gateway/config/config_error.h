// ConfigError: one reason a configuration file (gateway.yaml, the agency
// registry) was refused, naming the file, the line and the key, so an
// operator can go straight to it:
//   registry.yaml:14: agencies[3].codes.la_number: must be three digits
// Reasons describe what is wrong and never quote the value.
#pragma once

#include <string>
#include <vector>

namespace isagw::config {

struct ConfigError {
  std::string file;    // the path as given to the loader
  int line = 0;        // 1-based; 0 when the error is about the whole file
  std::string key;     // "agencies[3].codes.la_number"; empty for the file
  std::string code;    // "required", "unknown_field", "type", "pattern"...
  std::string reason;  // a short sentence for people

  // "file:line: key: reason", leaving out what is unknown.
  std::string ToString() const;

  friend bool operator==(const ConfigError&, const ConfigError&) = default;
};

using ConfigErrors = std::vector<ConfigError>;

// One file's errors in line order (stable for errors on the same line).
ConfigErrors SortedByLine(ConfigErrors errors);

// One error per line, in order.
std::string ToString(const ConfigErrors& errors);

}  // namespace isagw::config
