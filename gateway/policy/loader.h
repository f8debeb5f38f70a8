// Loading a policy set: every ISA YAML file of a directory, validated as a
// whole. Any error anywhere refuses the whole set, so a half-valid set is
// never applied; every error names file, line and key.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/policy/policy_error.h"
#include "gateway/policy/policy_set.h"

namespace isagw::policy {

// Largest policy file and most files accepted in one set.
inline constexpr std::size_t kMaxPolicyFileBytes = 1024 * 1024;
inline constexpr std::size_t kMaxPolicyFiles = 200;

struct PolicyDocument {
  std::string name;  // file name, for errors and for the set's hash
  std::string text;  // the YAML
};

// Validates and compiles ISAs given as text. `known_agencies` is the agency
// registry's ids: a party the registry does not know is an error.
Result<PolicySet, PolicyErrors> LoadPolicyDocuments(std::vector<PolicyDocument> documents,
                                                    const std::set<std::string>& known_agencies);

// Reads every *.yaml and *.yml file directly inside `dir` (not below it)
// and loads them as one set. Key files (*.key) found there are refused:
// pseudonymisation keys live outside the policy files.
Result<PolicySet, PolicyErrors> LoadPolicySet(const std::filesystem::path& dir,
                                              const std::set<std::string>& known_agencies);

// For `isagw policy check DIR`: every error LoadPolicySet would report
// (empty when the set is valid).
PolicyErrors CheckPolicyDirectory(const std::filesystem::path& dir,
                                  const std::set<std::string>& known_agencies);

}  // namespace isagw::policy
