#include "example_files.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace isagw::adapters::canonical::testing {

namespace fs = std::filesystem;

fs::path ExamplesDir() { return fs::path(ISAGW_SOURCE_DIR) / "docs" / "examples"; }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<fs::path> CanonicalExamples() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(ExamplesDir() / "canonical")) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<fs::path> ExpectedCanonicalOfOtherFormats() {
  std::vector<fs::path> out;
  for (const auto& dir : fs::directory_iterator(ExamplesDir())) {
    if (!dir.is_directory() || dir.path().filename() == "canonical") continue;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      const std::string name = entry.path().filename().string();
      const std::string suffix = ".canonical.json";
      if (entry.is_regular_file() && name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        out.push_back(entry.path());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace isagw::adapters::canonical::testing
