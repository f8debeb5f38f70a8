// Loading safeguarding rules (format isagw.safeguarding/1, documented in
// docs/safeguarding.md "Configuration"; schemas/safeguarding-rules.schema.json).
// The files of one directory load together or not at all: any error in
// any file refuses the whole set, and every error names file, line and key.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/config/config_error.h"
#include "gateway/registry/agency_registry.h"
#include "gateway/safeguarding/rules.h"

namespace isagw::safeguarding {

inline constexpr std::string_view kRulesFormat = "isagw.safeguarding/1";
// Most rules files accepted in one directory (one per agreement).
inline constexpr std::size_t kMaxRuleFiles = 200;

// Every *.yaml and *.yml file directly inside `dir` (not below it), loaded
// as one RuleSet. A directory that does not exist is an empty RuleSet (no
// area keeps a clock), not an error. Errors name each file by its path
// (`dir`/name); AreaRules::file is the bare name.
Result<RuleSet, config::ConfigErrors> LoadRuleSet(const std::filesystem::path& dir,
                                                  const registry::AgencyRegistry& registry);

// The same from text, for tests: documents as (file name, YAML text). Areas
// must be registry agencies of kind local_authority.
Result<RuleSet, config::ConfigErrors> LoadRuleDocuments(
    std::vector<std::pair<std::string, std::string>> documents,
    const registry::AgencyRegistry& registry);

}  // namespace isagw::safeguarding
