// A minimal gateway deployment for tests that load a configuration: the
// gateway.yaml, a one-agency registry, and placeholder files for what the
// configuration names (only their existence and the keys' permissions are
// checked when loading). Used by tests/config and tests/cli.
#pragma once

#include <filesystem>
#include <string_view>

#include "tests/common/temp_dir.h"

namespace isagw::testing {

// Line numbers matter: tests expect errors on them.
inline constexpr std::string_view kMinimalGatewayYaml = R"(version: 1
listeners:
  api: {address: 127.0.0.1, port: 8443}
  admin: {address: 127.0.0.1, port: 9090}
tls:
  ca_file: out/ca.crt
  crl_file: out/ca.crl
  cert_file: out/server.crt
  key_file: out/server.key
  min_version: TLSv1.3
registry: registry.yaml
policies_dir: policies
store:
  path: var/isagw.db
  key_dir: var/keys
)";

inline constexpr std::string_view kMinimalRegistryYaml = R"(version: 1
agencies:
  - id: police-derbys
    kind: police_force
    name: Derbyshire Constabulary
    codes: {force_code: DERBYS}
    identity: {san_uri: "urn:isagw:agency:police:derbys"}
    formats: {sends: [compact], receives: [compact]}
    delivery: {mode: mailbox}
    rate_limit: {requests_per_second: 50, burst: 60}
    routing: {covers_las: ["831", "830"]}
)";

// The files a configuration names, under `at` (relative to the scratch
// directory): out/ as make-certs.sh writes it, private keys mode 0600.
inline void WriteDeploymentFiles(const ScratchDir& dir, const std::filesystem::path& at) {
  for (const char* name : {"ca.crt", "ca.crl", "server.crt", "server.key", "receiver-ca.crt",
                           "gateway-client.crt", "gateway-client.key"}) {
    dir.Write(at / "out" / name, "placeholder");
  }
  for (const char* key : {"server.key", "gateway-client.key"}) {
    std::filesystem::permissions(
        dir.path() / at / "out" / key,
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
}

// kMinimalGatewayYaml and kMinimalRegistryYaml in `dir`, with their files
// and an empty policies directory; returns the configuration's path.
inline std::filesystem::path WriteMinimalDeployment(const ScratchDir& dir) {
  WriteDeploymentFiles(dir, ".");
  dir.Write("registry.yaml", kMinimalRegistryYaml);
  std::filesystem::create_directories(dir.path() / "policies");
  return dir.Write("gateway.yaml", kMinimalGatewayYaml);
}

}  // namespace isagw::testing
