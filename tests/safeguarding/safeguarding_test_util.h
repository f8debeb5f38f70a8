// Helpers shared by the safeguarding tests: the example agency registry
// (certs-example/registry.yaml) and the example rules
// (policies/safeguarding/), loaded once.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>

#include "gateway/config/config_error.h"
#include "gateway/registry/agency_registry.h"
#include "gateway/registry/registry_loader.h"
#include "gateway/safeguarding/rules.h"
#include "gateway/safeguarding/rules_loader.h"
#include "tests/common/temp_dir.h"

namespace isagw::safeguarding::testing {

inline std::filesystem::path ExampleRulesDir() {
  return std::filesystem::path(ISAGW_SOURCE_DIR) / "policies" / "safeguarding";
}

// The example registry. Its one push endpoint names a CA file that
// certs-example/make-certs.sh makes; a stand-in lets the registry load
// without it.
inline const registry::AgencyRegistry& ExampleRegistry() {
  static const registry::AgencyRegistry loaded = [] {
    isagw::testing::ScratchDir dir;
    dir.Write("out/receiver-ca.crt", "stand-in\n");
    const auto file = dir.Write("registry.yaml",
                                isagw::testing::ReadText(std::filesystem::path(ISAGW_SOURCE_DIR) /
                                                         "certs-example" / "registry.yaml"));
    auto registry = registry::LoadAgencyRegistry(file);
    EXPECT_TRUE(registry.ok()) << (registry.ok() ? "" : config::ToString(registry.error()));
    return registry.ok() ? std::move(registry).value() : registry::AgencyRegistry();
  }();
  return loaded;
}

// The example rules in policies/safeguarding/.
inline const RuleSet& ExampleRules() {
  static const RuleSet loaded = [] {
    auto rules = LoadRuleSet(ExampleRulesDir(), ExampleRegistry());
    EXPECT_TRUE(rules.ok()) << (rules.ok() ? "" : config::ToString(rules.error()));
    return rules.ok() ? std::move(rules).value() : RuleSet();
  }();
  return loaded;
}

}  // namespace isagw::safeguarding::testing
