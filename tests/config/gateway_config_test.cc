#include "gateway/config/gateway_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/registry/test_files.h"

namespace isagw::config {
namespace {

using isagw::testing::ReadText;
using isagw::testing::Replace;
using isagw::testing::ScratchDir;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Line numbers matter: tests below expect errors on them.
constexpr std::string_view kBase = R"(version: 1
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

constexpr std::string_view kRegistry = R"(version: 1
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

// The files a configuration names; only their existence (and the key's
// permissions) is checked when loading.
void WriteDeploymentFiles(const ScratchDir& dir, const std::filesystem::path& at) {
  for (const char* name : {"ca.crt", "ca.crl", "server.crt", "server.key", "receiver-ca.crt"}) {
    dir.Write(at / "out" / name, "placeholder");
  }
  std::filesystem::permissions(
      dir.path() / at / "out/server.key",
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

class GatewayConfigLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteDeploymentFiles(dir_, ".");
    dir_.Write("registry.yaml", kRegistry);
    std::filesystem::create_directories(dir_.path() / "policies");
  }

  Result<GatewayConfig, ConfigErrors> Load(std::string_view text) {
    file_ = dir_.Write("gateway.yaml", text);
    return LoadGatewayConfig(file_);
  }

  ConfigError OnlyError(std::string_view text) {
    auto loaded = Load(text);
    EXPECT_FALSE(loaded.ok());
    if (loaded.ok()) return {};
    EXPECT_EQ(loaded.error().size(), 1u) << ToString(loaded.error());
    return loaded.error().front();
  }

  void ExpectError(const ConfigError& e, int line, std::string_view key, std::string_view code,
                   const std::filesystem::path& file = {}) {
    EXPECT_EQ(e.file, (file.empty() ? file_ : file).string());
    EXPECT_EQ(e.line, line) << e.ToString();
    EXPECT_EQ(e.key, key) << e.ToString();
    EXPECT_EQ(e.code, code) << e.ToString();
  }

  ScratchDir dir_;
  std::filesystem::path file_;
};

TEST_F(GatewayConfigLoader, LoadsAMinimalConfigWithDefaults) {
  auto loaded = Load(kBase);
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  const GatewayConfig& c = *loaded;
  EXPECT_EQ(c.file, file_);
  EXPECT_EQ(c.api, (Listener{"127.0.0.1", 8443}));
  EXPECT_EQ(c.admin, (Listener{"127.0.0.1", 9090}));
  EXPECT_EQ(c.tls.ca_file, dir_.path() / "out/ca.crt");
  EXPECT_EQ(c.tls.key_file, dir_.path() / "out/server.key");
  EXPECT_EQ(c.tls.min_version, TlsVersion::kTls13);
  EXPECT_EQ(c.registry_file, dir_.path() / "registry.yaml");
  EXPECT_EQ(c.policies_dir, dir_.path() / "policies");
  EXPECT_EQ(c.store.path, dir_.path() / "var/isagw.db");
  EXPECT_EQ(c.limits.max_body_bytes, 256u * 1024u);
  EXPECT_EQ(c.limits.read_timeout, seconds(10));
  EXPECT_EQ(c.default_rate_limit, (registry::RateLimit{10, 20}));
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
  EXPECT_EQ(c.io_threads, 2);
  ASSERT_EQ(c.registry.agencies().size(), 1u);
  EXPECT_EQ(c.RateLimitFor(c.registry.agencies()[0]), (registry::RateLimit{50, 60}));
}

TEST_F(GatewayConfigLoader, ReadsEveryOptionalSection) {
  std::string text = std::string(kBase) + R"(io_threads: 4
handler_threads: 3
log_level: debug
limits:
  max_header_bytes: 8192
  max_body_bytes: 131072
  max_batch_bytes: 1048576
  max_batch_records: 50
  handshake_timeout: 5s
  read_timeout: 1500ms
  write_timeout: 2s
  idle_timeout: 2m
  max_connections: 1200
  max_requests_per_connection: 10
  shutdown_timeout: 250ms
  drain_timeout: 0s
rate_limit: {requests_per_second: 0.5, burst: 3}
delivery: {workers: 3, timeout: 4s, retry_initial: 500ms, retry_max: 1h, max_attempts: 9}
)";
  auto loaded = Load(text);
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  const GatewayConfig& c = *loaded;
  EXPECT_EQ(c.io_threads, 4);
  EXPECT_EQ(c.log_level, LogLevel::kDebug);
  EXPECT_EQ(c.limits.max_header_bytes, 8192u);
  EXPECT_EQ(c.limits.max_body_bytes, 131072u);
  EXPECT_EQ(c.limits.max_batch_bytes, 1048576u);
  EXPECT_EQ(c.limits.max_batch_records, 50u);
  EXPECT_EQ(c.limits.handshake_timeout, seconds(5));
  EXPECT_EQ(c.limits.read_timeout, milliseconds(1500));
  EXPECT_EQ(c.limits.write_timeout, seconds(2));
  EXPECT_EQ(c.limits.idle_timeout, seconds(120));
  EXPECT_EQ(c.limits.max_connections, 1200);
  EXPECT_EQ(c.limits.max_requests_per_connection, 10);
  EXPECT_EQ(c.limits.shutdown_timeout, milliseconds(250));
  EXPECT_EQ(c.handler_threads, 3);
  EXPECT_EQ(c.limits.drain_timeout, milliseconds(0));
  EXPECT_EQ(c.default_rate_limit, (registry::RateLimit{0.5, 3}));
  EXPECT_EQ(c.delivery.workers, 3);
  EXPECT_EQ(c.delivery.retry_max, std::chrono::hours(1));
  EXPECT_EQ(c.delivery.max_attempts, 9);
}

TEST_F(GatewayConfigLoader, ResolvesPathsFromTheConfigFilesDirectory) {
  dir_.Write("shared/ca.crt", "placeholder");
  auto loaded =
      Load(Replace(std::string(kBase), "ca_file: out/ca.crt", "ca_file: ./out/../shared/ca.crt"));
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  EXPECT_EQ(loaded->tls.ca_file, dir_.path() / "shared/ca.crt");
}

TEST_F(GatewayConfigLoader, MakesARelativeConfigPathAbsolute) {
  dir_.Write("gateway.yaml", kBase);
  const std::filesystem::path relative =
      std::filesystem::relative(dir_.path() / "gateway.yaml", std::filesystem::current_path());
  ASSERT_TRUE(relative.is_relative());
  auto loaded = LoadGatewayConfig(relative);
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  EXPECT_EQ(loaded->file, dir_.path() / "gateway.yaml");
  EXPECT_EQ(loaded->tls.crl_file, dir_.path() / "out/ca.crl");
}

TEST_F(GatewayConfigLoader, KeepsTheAdminListenerOnLoopback) {
  ConfigError e = OnlyError(
      Replace(std::string(kBase), "admin: {address: 127.0.0.1", "admin: {address: 0.0.0.0"));
  ExpectError(e, 4, "listeners.admin", "pattern");
}

TEST_F(GatewayConfigLoader, AcceptsIpv6Loopback) {
  auto loaded =
      Load(Replace(std::string(kBase), "admin: {address: 127.0.0.1", "admin: {address: \"::1\""));
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  EXPECT_EQ(loaded->admin.address, "::1");
}

TEST_F(GatewayConfigLoader, RefusesHostNamesAsListenAddresses) {
  ConfigError e = OnlyError(
      Replace(std::string(kBase), "api: {address: 127.0.0.1", "api: {address: localhost"));
  ExpectError(e, 3, "listeners.api.address", "pattern");
}

TEST_F(GatewayConfigLoader, RefusesAPortOutOfRange) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "port: 8443", "port: 70000"));
  ExpectError(e, 3, "listeners.api.port", "range");
  EXPECT_EQ(e.reason, "must be between 1 and 65535");
}

TEST_F(GatewayConfigLoader, RefusesAPortWrittenAsText) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "port: 8443", "port: \"8443\""));
  ExpectError(e, 3, "listeners.api.port", "type");
}

TEST_F(GatewayConfigLoader, RefusesTheSameListenerTwice) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "port: 9090", "port: 8443"));
  ExpectError(e, 4, "listeners.admin", "inconsistent");
}

TEST_F(GatewayConfigLoader, RefusesAMissingCaFile) {
  std::filesystem::remove(dir_.path() / "out/ca.crt");
  ConfigError e = OnlyError(kBase);
  ExpectError(e, 6, "tls.ca_file", "not_found");
  EXPECT_EQ(e.ToString(), file_.string() + ":6: tls.ca_file: file does not exist");
}

TEST_F(GatewayConfigLoader, RefusesAKeyFileOthersCanRead) {
  std::filesystem::permissions(dir_.path() / "out/server.key", std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  ConfigError e = OnlyError(kBase);
  ExpectError(e, 9, "tls.key_file", "permissions");
}

TEST_F(GatewayConfigLoader, RequiresEveryTlsFile) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "  key_file: out/server.key\n", ""));
  ExpectError(e, 5, "tls.key_file", "required");
}

TEST_F(GatewayConfigLoader, RefusesAnUnquotedTlsVersionNumber) {
  ConfigError e =
      OnlyError(Replace(std::string(kBase), "min_version: TLSv1.3", "min_version: 1.2"));
  ExpectError(e, 10, "tls.min_version", "type");
}

TEST_F(GatewayConfigLoader, RefusesTls11) {
  ConfigError e =
      OnlyError(Replace(std::string(kBase), "min_version: TLSv1.3", "min_version: TLSv1.1"));
  ExpectError(e, 10, "tls.min_version", "enum");
  EXPECT_EQ(e.reason, "must be one of TLSv1.2, TLSv1.3");
}

TEST_F(GatewayConfigLoader, RefusesUnknownKeys) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "policies_dir: policies\n",
                                    "policies_dir: policies\npolicy_dir: policies\n"));
  ExpectError(e, 13, "policy_dir", "unknown_field");
}

TEST_F(GatewayConfigLoader, RefusesADurationWithoutUnit) {
  ConfigError e = OnlyError(std::string(kBase) + "limits:\n  read_timeout: 10\n");
  ExpectError(e, 17, "limits.read_timeout", "pattern");
}

TEST_F(GatewayConfigLoader, RefusesADurationInWords) {
  ConfigError e = OnlyError(std::string(kBase) + "limits:\n  idle_timeout: 10 minutes\n");
  ExpectError(e, 17, "limits.idle_timeout", "pattern");
}

TEST_F(GatewayConfigLoader, RefusesATinyBodyLimit) {
  ConfigError e = OnlyError(std::string(kBase) + "limits:\n  max_body_bytes: 100\n");
  ExpectError(e, 17, "limits.max_body_bytes", "range");
}

TEST_F(GatewayConfigLoader, RefusesBatchesSmallerThanOneMessage) {
  ConfigError e = OnlyError(std::string(kBase) +
                            "limits:\n  max_body_bytes: 262144\n  max_batch_bytes: 4096\n");
  ExpectError(e, 18, "limits.max_batch_bytes", "inconsistent");
}

TEST_F(GatewayConfigLoader, RefusesRetriesThatShrink) {
  ConfigError e =
      OnlyError(std::string(kBase) + "delivery:\n  retry_initial: 10s\n  retry_max: 1s\n");
  ExpectError(e, 18, "delivery.retry_max", "inconsistent");
}

TEST_F(GatewayConfigLoader, RefusesAnUnknownLogLevel) {
  ConfigError e = OnlyError(std::string(kBase) + "log_level: verbose\n");
  ExpectError(e, 16, "log_level", "enum");
}

TEST_F(GatewayConfigLoader, RefusesAMissingRegistryFile) {
  ConfigError e =
      OnlyError(Replace(std::string(kBase), "registry: registry.yaml", "registry: nowhere.yaml"));
  ExpectError(e, 11, "registry", "not_found");
}

TEST_F(GatewayConfigLoader, RefusesAMissingPoliciesDirectory) {
  ConfigError e =
      OnlyError(Replace(std::string(kBase), "policies_dir: policies", "policies_dir: nowhere"));
  ExpectError(e, 12, "policies_dir", "not_found");
}

TEST_F(GatewayConfigLoader, RequiresTheStoreSection) {
  ConfigError e = OnlyError(
      Replace(std::string(kBase), "store:\n  path: var/isagw.db\n  key_dir: var/keys\n", ""));
  ExpectError(e, 1, "store", "required");
}

TEST_F(GatewayConfigLoader, RequiresTheLayoutVersion) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "version: 1\n", ""));
  ExpectError(e, 1, "version", "required");
}

TEST_F(GatewayConfigLoader, NamesTheRegistryFileForItsErrors) {
  dir_.Write("registry.yaml",
             Replace(std::string(kRegistry), "force_code: DERBYS", "force_code: derbys"));
  ConfigError e = OnlyError(kBase);
  ExpectError(e, 6, "agencies[0].codes.force_code", "pattern", dir_.path() / "registry.yaml");
}

TEST_F(GatewayConfigLoader, ReportsConfigAndRegistryErrorsTogether) {
  dir_.Write("registry.yaml",
             Replace(std::string(kRegistry), "kind: police_force", "kind: police"));
  auto loaded = Load(std::string(kBase) + "log_level: loud\n");
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.error().size(), 2u) << ToString(loaded.error());
  ExpectError(loaded.error()[0], 16, "log_level", "enum");
  ExpectError(loaded.error()[1], 4, "agencies[0].kind", "enum", dir_.path() / "registry.yaml");
}

// The example deployment, laid out as in the repository (certs-example/
// beside policies/), with placeholder files where make-certs.sh writes.
TEST(ExampleDeployment, LoadsTheExampleGatewayConfig) {
  ScratchDir dir;
  const std::string source = ISAGW_SOURCE_DIR;
  dir.Write("certs-example/gateway.yaml", ReadText(source + "/certs-example/gateway.yaml"));
  dir.Write("certs-example/registry.yaml", ReadText(source + "/certs-example/registry.yaml"));
  WriteDeploymentFiles(dir, "certs-example");
  std::filesystem::create_directories(dir.path() / "policies");

  auto loaded = LoadGatewayConfig(dir.path() / "certs-example/gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  const GatewayConfig& c = *loaded;
  EXPECT_EQ(c.api, (Listener{"127.0.0.1", 8443}));
  EXPECT_EQ(c.admin, (Listener{"127.0.0.1", 9090}));
  EXPECT_EQ(c.tls.ca_file, dir.path() / "certs-example/out/ca.crt");
  EXPECT_EQ(c.tls.crl_file, dir.path() / "certs-example/out/ca.crl");
  EXPECT_EQ(c.tls.cert_file, dir.path() / "certs-example/out/server.crt");
  EXPECT_EQ(c.policies_dir, dir.path() / "policies");
  EXPECT_EQ(c.store.path, dir.path() / "var/isagw.db");
  EXPECT_EQ(c.limits.max_body_bytes, 256u * 1024u);
  EXPECT_GE(c.limits.max_connections, 1000);
  EXPECT_EQ(c.registry.agencies().size(), 13u);
  EXPECT_NE(c.registry.FindBySanUri("urn:isagw:agency:police:derbys"), nullptr);
}

}  // namespace
}  // namespace isagw::config
