// The fuzz targets in the ordinary builds (release, ASan+UBSan), without
// libFuzzer: runs LLVMFuzzerTestOneInput once on every file of every
// directory (or file) named, so each target's corpus and every crash ever
// found stay checked in CI on GCC too.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void RunOne(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  // A copy of exactly the input's size, so ASan sees a read past its end.
  const std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(data.data(), data.size());
}

}  // namespace

int main(int argc, char** argv) {
  int ran = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path path(argv[i]);
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
        if (!entry.is_regular_file()) continue;
        RunOne(entry.path());
        ++ran;
      }
    } else {
      RunOne(path);
      ++ran;
    }
  }
  std::printf("ran %d inputs\n", ran);
  return ran > 0 ? 0 : 1;  // an empty corpus checks nothing
}
