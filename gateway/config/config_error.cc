#include "gateway/config/config_error.h"

#include <algorithm>

namespace isagw::config {

std::string ConfigError::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  out += reason;
  return out;
}

ConfigErrors SortedByLine(ConfigErrors errors) {
  std::stable_sort(errors.begin(), errors.end(),
                   [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
  return errors;
}

std::string ToString(const ConfigErrors& errors) {
  std::string out;
  for (const ConfigError& e : errors) {
    out += e.ToString();
    out.push_back('\n');
  }
  return out;
}

}  // namespace isagw::config
