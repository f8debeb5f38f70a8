// Reading the canonical examples in docs/examples/ for the tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace isagw::adapters::canonical::testing {

std::filesystem::path ExamplesDir();  // docs/examples
std::string ReadFile(const std::filesystem::path& path);
// docs/examples/canonical/*.json, sorted.
std::vector<std::filesystem::path> CanonicalExamples();
// docs/examples/<other format>/*.canonical.json, sorted.
std::vector<std::filesystem::path> ExpectedCanonicalOfOtherFormats();

}  // namespace isagw::adapters::canonical::testing
