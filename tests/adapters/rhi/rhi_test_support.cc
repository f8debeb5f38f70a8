#include "rhi_test_support.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace isagw::adapters::rhi::testing {
namespace {

void CollectLeaves(const nlohmann::json& value, const std::string& at,
                   std::map<std::string, nlohmann::json>& out) {
  if (value.is_object()) {
    for (const auto& item : value.items())
      CollectLeaves(item.value(), JoinPointer(at, item.key()), out);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      CollectLeaves(value[i], JoinPointer(at, std::to_string(i)), out);
    }
  } else {
    out[at] = value;
  }
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::filesystem::path ExamplesDir() {
  return std::filesystem::path(ISAGW_SOURCE_DIR) / "docs" / "examples";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> RhiExamples() {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(ExamplesDir() / "rhi")) {
    const std::string name = entry.path().filename().string();
    if (EndsWith(name, ".json") && !EndsWith(name, ".canonical.json")) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::filesystem::path ExpectedCanonicalOf(const std::filesystem::path& example) {
  auto path = example;
  return path.replace_extension(".canonical.json");
}

std::map<std::string, nlohmann::json> Leaves(const nlohmann::json& document) {
  std::map<std::string, nlohmann::json> out;
  CollectLeaves(document, "", out);
  return out;
}

std::vector<std::string> LostLeaves(const nlohmann::json& before, const nlohmann::json& after) {
  const auto kept = Leaves(after);
  std::vector<std::string> lost;
  for (const auto& [pointer, value] : Leaves(before)) {
    auto it = kept.find(pointer);
    if (it == kept.end() || it->second != value) lost.push_back(pointer);
  }
  return lost;
}

}  // namespace isagw::adapters::rhi::testing
