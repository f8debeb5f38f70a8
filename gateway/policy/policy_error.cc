#include "gateway/policy/policy_error.h"

namespace isagw::policy {

std::string Describe(const PolicyError& error) {
  std::string out = error.file;
  if (error.line > 0) {
    out += ':' + std::to_string(error.line);
    if (error.column > 0) out += ':' + std::to_string(error.column);
  }
  out += ": ";
  if (!error.key.empty()) out += error.key + ": ";
  out += error.code + ": " + error.reason;
  return out;
}

}  // namespace isagw::policy
