// Fuzz target: the configuration loaders (gateway/config, gateway/registry)
// on one file. An input whose first line is "# registry" (a YAML comment)
// is an agency registry; any other is a gateway configuration, loaded
// beside the example registry it may name as registry.yaml. A refusal
// names file, line, key and code without quoting the file's values; an
// accepted file loads again to the same result.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "fuzz/fuzz_check.h"
#include "gateway/config/gateway_config.h"
#include "gateway/registry/registry_loader.h"

namespace {

namespace fs = std::filesystem;
using isagw::config::ConfigErrors;

// A directory of this process's own, holding the example registry and
// the files the example configuration names, where each input is
// written; removed at exit.
class WorkDirectory {
 public:
  WorkDirectory()
      : path_(fs::temp_directory_path() / ("isagw-config-fuzz-" + std::to_string(::getpid()))) {
    fs::create_directories(path_ / "out");
    fs::copy_file(ISAGW_SOURCE_DIR "/certs-example/registry.yaml", path_ / "registry.yaml",
                  fs::copy_options::overwrite_existing);
    // The example configuration's files need only exist: empty will do.
    for (const char* name : {"receiver-ca.crt", "ca.crt", "ca.crl", "server.crt", "server.key"}) {
      std::ofstream(path_ / "out" / name).flush();
    }
    fs::permissions(path_ / "out" / "server.key", fs::perms::owner_read | fs::perms::owner_write);
  }
  ~WorkDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  WorkDirectory(const WorkDirectory&) = delete;
  WorkDirectory& operator=(const WorkDirectory&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const fs::path& WorkPath() {
  static const WorkDirectory dir;
  return dir.path();
}

// What a load answers: its errors, or a summary of what it accepted.
struct Outcome {
  ConfigErrors errors;
  std::string accepted;
};

Outcome Load(std::string_view text) {
  const bool registry = text.starts_with("# registry\n");
  const fs::path file = WorkPath() / (registry ? "fuzzed-registry.yaml" : "fuzzed.yaml");
  std::ofstream(file, std::ios::binary | std::ios::trunc)
      .write(text.data(), static_cast<long>(text.size()));
  if (registry) {
    auto loaded = isagw::registry::LoadAgencyRegistry(file);
    if (!loaded.ok()) return {loaded.error(), ""};
    std::string ids;
    for (const auto& agency : loaded->agencies()) ids += agency.id + "\n";
    return {{}, ids};
  }
  auto loaded = isagw::config::LoadGatewayConfig(file);
  if (!loaded.ok()) return {loaded.error(), ""};
  return {{},
          loaded->store.path.string() + "\n" + std::to_string(loaded->registry.agencies().size())};
}

isagw::FieldErrors AsFieldErrors(const ConfigErrors& errors) {
  isagw::FieldErrors out;
  for (const auto& e : errors) {
    isagw::fuzz::Require(e.line >= 0, "a configuration error's line is not negative");
    isagw::fuzz::Require(!e.file.empty(), "a configuration error names its file");
    out.push_back({"", e.code, e.reason});
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using isagw::fuzz::Require;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Outcome first = Load(text);
  // For triage: ISAGW_FUZZ_TRACE=1 prints the outcome.
  if (std::getenv("ISAGW_FUZZ_TRACE") != nullptr) {
    if (first.errors.empty()) std::fprintf(stderr, "accepted\n");
    for (const auto& e : first.errors) {
      std::fprintf(stderr, "refused %d %s %s: %s\n", e.line, e.key.c_str(), e.code.c_str(),
                   e.reason.c_str());
    }
  }
  if (!first.errors.empty()) {
    isagw::fuzz::RequireWellFormedRefusal(
        text, AsFieldErrors(first.errors), isagw::fuzz::YamlValues(text),
        [](std::string_view other) { return AsFieldErrors(Load(other).errors); });
    return 0;
  }
  Require(Load(text).accepted == first.accepted, "a configuration loads the same twice");
  return 0;
}
