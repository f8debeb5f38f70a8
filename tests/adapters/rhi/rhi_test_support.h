// Helpers shared by the rhi adapter's tests: the example files, and
// canonical JSON flattened to leaf pointers for "what was lost" checks.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway/common/field_error.h"
#include "tests/common/field_errors_text.h"

namespace isagw::adapters::rhi::testing {

std::filesystem::path ExamplesDir();  // docs/examples
std::string ReadFile(const std::filesystem::path& path);
// docs/examples/rhi/*.json except the *.canonical.json beside them, sorted.
std::vector<std::filesystem::path> RhiExamples();
// NAME.json -> NAME.canonical.json
std::filesystem::path ExpectedCanonicalOf(const std::filesystem::path& example);

// Every leaf (scalar) of a JSON document by its JSON Pointer.
std::map<std::string, nlohmann::json> Leaves(const nlohmann::json& document);
// The pointers of leaves of `before` that `after` lacks or holds a
// different value at.
std::vector<std::string> LostLeaves(const nlohmann::json& before, const nlohmann::json& after);

// For assertion messages (tests/common/field_errors_text.h).
using ::isagw::testing::Describe;

}  // namespace isagw::adapters::rhi::testing
