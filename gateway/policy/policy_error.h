// PolicyError: why a policy file (or key file) was refused, naming the
// file, the line and the key, so whoever maintains the ISA can fix it.
// Policy files hold no personal data, so reasons may quote them.
#pragma once

#include <string>
#include <vector>

namespace isagw::policy {

struct PolicyError {
  std::string file;  // file name inside the policy (or key) directory
  int line = 0;      // 1-based; 0 for whole-file errors
  int column = 0;    // 1-based; 0 when unknown
  std::string key;   // "flows[1].rules[0].when.risk_at_least"; "" for the file
  std::string code;  // "unknown_key", "required", "unknown_agency", ...
  std::string reason;

  friend bool operator==(const PolicyError&, const PolicyError&) = default;
};

using PolicyErrors = std::vector<PolicyError>;

// "isa-staffs.yaml:12:5: flows[0].to: unknown_role: ..." for people.
std::string Describe(const PolicyError& error);

}  // namespace isagw::policy
