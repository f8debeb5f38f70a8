#include "gateway/config/gateway_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/common/temp_dir.h"
#include "tests/config/minimal_deployment.h"

namespace isagw::config {
namespace {

using isagw::testing::ReadText;
using isagw::testing::Replace;
using isagw::testing::ScratchDir;
using isagw::testing::WriteDeploymentFiles;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// 15 lines: keys appended to it start on line 16.
constexpr std::string_view kBase = isagw::testing::kMinimalGatewayYaml;
constexpr std::string_view kRegistry = isagw::testing::kMinimalRegistryYaml;

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

// A PostgreSQL store for replicas: the DSN in the YAML, its password not.
constexpr std::string_view kSqliteStore = "store:\n  path: var/isagw.db\n  key_dir: var/keys\n";

TEST_F(GatewayConfigLoader, LoadsAPostgresStoreWithItsPasswordInAFile) {
  const auto password = dir_.Write("pg.password", "s3cret\n");
  std::filesystem::permissions(password, std::filesystem::perms::owner_read);
  auto loaded = Load(Replace(std::string(kBase), std::string(kSqliteStore),
                             "store:\n  kind: postgres\n  key_dir: var/keys\n  postgres:\n"
                             "    dsn: host=db.example port=5432 dbname=isagw sslmode=verify-full\n"
                             "    password_file: pg.password\n    pool: 12\n"
                             "    replica: gateway-2\n"));
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  EXPECT_EQ(loaded->store.kind, StoreKind::kPostgres);
  EXPECT_EQ(loaded->store.postgres.dsn,
            "host=db.example port=5432 dbname=isagw sslmode=verify-full");
  EXPECT_EQ(loaded->store.postgres.password_file, password);
  EXPECT_EQ(loaded->store.postgres.pool, 12);
  EXPECT_EQ(loaded->store.postgres.replica, "gateway-2");
  EXPECT_TRUE(loaded->store.path.empty());
}

TEST_F(GatewayConfigLoader, RefusesAPasswordInThePostgresDsn) {
  ConfigError e = OnlyError(Replace(std::string(kBase), std::string(kSqliteStore),
                                    "store:\n  kind: postgres\n  key_dir: var/keys\n  postgres:\n"
                                    "    dsn: host=db.example password=s3cret\n"));
  EXPECT_EQ(e.key, "store.postgres.dsn");
  EXPECT_EQ(e.code, "pattern");
  EXPECT_EQ(e.ToString().find("s3cret"), std::string::npos)
      << "the refusal never quotes the secret";
}

TEST_F(GatewayConfigLoader, RefusesAPostgresPasswordFileOthersCanRead) {
  const auto password = dir_.Write("pg.password", "s3cret\n");
  std::filesystem::permissions(password, std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  ConfigError e = OnlyError(Replace(std::string(kBase), std::string(kSqliteStore),
                                    "store:\n  kind: postgres\n  key_dir: var/keys\n  postgres:\n"
                                    "    dsn: host=db.example\n    password_file: pg.password\n"));
  EXPECT_EQ(e.key, "store.postgres.password_file");
  EXPECT_EQ(e.code, "permissions");
}

TEST_F(GatewayConfigLoader, RefusesAnUnknownStoreKindAndAPostgresStoreWithoutItsSection) {
  ConfigError unknown =
      OnlyError(Replace(std::string(kBase), std::string(kSqliteStore),
                        "store:\n  kind: oracle\n  path: var/isagw.db\n  key_dir: var/keys\n"));
  EXPECT_EQ(unknown.key, "store.kind");
  EXPECT_EQ(unknown.code, "enum");
  ConfigError missing = OnlyError(Replace(std::string(kBase), std::string(kSqliteStore),
                                          "store:\n  kind: postgres\n  key_dir: var/keys\n"));
  EXPECT_EQ(missing.key, "store.postgres");
  EXPECT_EQ(missing.code, "required");
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

// --- delivery: and audit: -------------------------------------------------

TEST_F(GatewayConfigLoader, DefaultsTheDeliverySettings) {
  auto loaded = Load(kBase);
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  const DeliverySettings& d = loaded->delivery;
  EXPECT_EQ(d.workers, 2);
  EXPECT_EQ(d.timeout, seconds(10));
  EXPECT_EQ(d.retry_initial, seconds(1));
  EXPECT_EQ(d.retry_max, minutes(5));
  EXPECT_EQ(d.max_attempts, 50);
  EXPECT_TRUE(d.client_cert_file.empty());
  EXPECT_TRUE(d.client_key_file.empty());
  EXPECT_EQ(d.horizon, hours(24 * 5));
  EXPECT_EQ(d.mailbox_horizon, hours(24 * 5));
  EXPECT_EQ(d.breaker_failures, 5);
  EXPECT_EQ(d.breaker_cool_down, seconds(30));
}

TEST_F(GatewayConfigLoader, ReadsTheClientCertificateHorizonsAndBreaker) {
  auto loaded = Load(std::string(kBase) + R"(delivery:
  client_cert_file: out/gateway-client.crt
  client_key_file: ./out/../out/gateway-client.key
  horizon: 2d
  mailbox_horizon: 36h
  breaker_failures: 3
  breaker_cool_down: 2m
)");
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  const DeliverySettings& d = loaded->delivery;
  EXPECT_EQ(d.client_cert_file, dir_.path() / "out/gateway-client.crt");
  EXPECT_EQ(d.client_key_file, dir_.path() / "out/gateway-client.key");
  EXPECT_TRUE(d.client_cert_file.is_absolute());
  EXPECT_EQ(d.horizon, hours(48));
  EXPECT_EQ(d.mailbox_horizon, hours(36));
  EXPECT_EQ(d.breaker_failures, 3);
  EXPECT_EQ(d.breaker_cool_down, minutes(2));
}

TEST_F(GatewayConfigLoader, RefusesAClientCertificateWithoutItsKey) {
  ConfigError e = OnlyError(
      std::string(kBase) + "delivery:\n  workers: 2\n  client_cert_file: out/gateway-client.crt\n");
  ExpectError(e, 16, "delivery.client_key_file", "required");
}

TEST_F(GatewayConfigLoader, RefusesAClientKeyWithoutItsCertificate) {
  ConfigError e = OnlyError(std::string(kBase) +
                            "delivery:\n  workers: 2\n  client_key_file: out/gateway-client.key\n");
  ExpectError(e, 16, "delivery.client_cert_file", "required");
}

TEST_F(GatewayConfigLoader, RefusesAMissingClientCertificateFile) {
  std::filesystem::remove(dir_.path() / "out/gateway-client.crt");
  ConfigError e = OnlyError(std::string(kBase) + R"(delivery:
  client_cert_file: out/gateway-client.crt
  client_key_file: out/gateway-client.key
)");
  ExpectError(e, 17, "delivery.client_cert_file", "not_found");
}

TEST_F(GatewayConfigLoader, RefusesAClientKeyOthersCanRead) {
  std::filesystem::permissions(dir_.path() / "out/gateway-client.key",
                               std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  ConfigError e = OnlyError(std::string(kBase) + R"(delivery:
  client_cert_file: out/gateway-client.crt
  client_key_file: out/gateway-client.key
)");
  ExpectError(e, 18, "delivery.client_key_file", "permissions");
}

// The registry's police force receives by push instead of mailbox.
std::string PushRegistry() {
  return Replace(std::string(kRegistry), "delivery: {mode: mailbox}",
                 "delivery: {mode: push, url: \"https://localhost:9443/in\", "
                 "ca_file: out/receiver-ca.crt}");
}

TEST_F(GatewayConfigLoader, RequiresAClientCertificateWhenAnAgencyReceivesByPush) {
  dir_.Write("registry.yaml", PushRegistry());
  ConfigError e = OnlyError(kBase);
  ExpectError(e, 1, "delivery.client_cert_file", "required");
  EXPECT_EQ(e.reason, "is required when an agency in the registry receives by push");

  // With a delivery section, the error points at it.
  e = OnlyError(std::string(kBase) + "log_level: info\ndelivery:\n  workers: 2\n");
  ExpectError(e, 17, "delivery.client_cert_file", "required");
}

TEST_F(GatewayConfigLoader, LoadsPushAgenciesWithAClientCertificate) {
  dir_.Write("registry.yaml", PushRegistry());
  auto loaded = Load(std::string(kBase) + R"(delivery:
  client_cert_file: out/gateway-client.crt
  client_key_file: out/gateway-client.key
)");
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  ASSERT_EQ(loaded->registry.agencies().size(), 1u);
  EXPECT_EQ(loaded->registry.agencies()[0].delivery, registry::DeliveryMode::kPush);
}

TEST_F(GatewayConfigLoader, ReportsOnlyThePairRuleWhenOneHalfIsGivenForPush) {
  dir_.Write("registry.yaml", PushRegistry());
  ConfigError e =
      OnlyError(std::string(kBase) + "delivery:\n  client_cert_file: out/gateway-client.crt\n");
  ExpectError(e, 16, "delivery.client_key_file", "required");
}

TEST_F(GatewayConfigLoader, DefaultsTheAuditKeysUnderTheKeyDirectory) {
  auto loaded = Load(kBase);
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  const AuditSettings& a = loaded->audit;
  EXPECT_EQ(a.audit_key, dir_.path() / "var/keys/audit/audit.key");
  EXPECT_EQ(a.signing_key, dir_.path() / "var/keys/audit/signing.key");
  EXPECT_EQ(a.public_key, dir_.path() / "var/keys/audit/signing.pub");
  EXPECT_TRUE(a.trusted_public_keys.empty());
  EXPECT_EQ(a.checkpoint_interval, minutes(5));
}

TEST_F(GatewayConfigLoader, DefaultsEachAuditKeyNotGiven) {
  auto loaded = Load(std::string(kBase) + "audit:\n  audit_key: /srv/audit/audit.key\n");
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  EXPECT_EQ(loaded->audit.audit_key, "/srv/audit/audit.key");
  EXPECT_EQ(loaded->audit.signing_key, dir_.path() / "var/keys/audit/signing.key");
  EXPECT_EQ(loaded->audit.public_key, dir_.path() / "var/keys/audit/signing.pub");
}

TEST_F(GatewayConfigLoader, ResolvesAuditPathsFromTheConfigFilesDirectory) {
  auto loaded = Load(std::string(kBase) + R"(audit:
  audit_key: ../audit-keys/audit.key
  signing_key: /etc/isagw/audit/signing.key
  public_key: keys/signing.pub
  trusted_public_keys: [keys/2025.pub, /etc/isagw/audit/2024.pub]
  checkpoint_interval: 90s
)");
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  const AuditSettings& a = loaded->audit;
  EXPECT_EQ(a.audit_key, dir_.path().parent_path() / "audit-keys/audit.key");
  EXPECT_EQ(a.signing_key, "/etc/isagw/audit/signing.key");
  EXPECT_EQ(a.public_key, dir_.path() / "keys/signing.pub");
  ASSERT_EQ(a.trusted_public_keys.size(), 2u);
  EXPECT_EQ(a.trusted_public_keys[0], dir_.path() / "keys/2025.pub");
  EXPECT_EQ(a.trusted_public_keys[1], "/etc/isagw/audit/2024.pub");
  EXPECT_EQ(a.checkpoint_interval, seconds(90));
}

TEST_F(GatewayConfigLoader, RefusesOneFileForTwoAuditKeys) {
  ConfigError e =
      OnlyError(std::string(kBase) + "audit:\n  signing_key: k/one.key\n  public_key: k/one.key\n");
  ExpectError(e, 18, "audit.public_key", "inconsistent");
}

TEST_F(GatewayConfigLoader, RefusesUnknownKeysInDeliveryAndAudit) {
  auto loaded = Load(std::string(kBase) + "delivery:\n  horizons: 5d\naudit:\n  checkpoint: 5m\n");
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.error().size(), 2u) << ToString(loaded.error());
  ExpectError(loaded.error()[0], 17, "delivery.horizons", "unknown_field");
  ExpectError(loaded.error()[1], 19, "audit.checkpoint", "unknown_field");
}

TEST_F(GatewayConfigLoader, RefusesATrustedPublicKeyThatIsNotText) {
  ConfigError e = OnlyError(std::string(kBase) + "audit:\n  trusted_public_keys: [42]\n");
  ExpectError(e, 17, "audit.trusted_public_keys[0]", "type");
}

// One out-of-range value: the section, the key, the value written.
struct RangeCase {
  const char* name;
  const char* section;
  const char* key;
  const char* value;
};

class GatewayConfigRange : public GatewayConfigLoader,
                           public ::testing::WithParamInterface<RangeCase> {};

TEST_P(GatewayConfigRange, RefusesAValueOutOfRange) {
  const RangeCase& c = GetParam();
  ConfigError e =
      OnlyError(std::string(kBase) + c.section + ":\n  " + c.key + ": " + c.value + "\n");
  ExpectError(e, 17, std::string(c.section) + "." + c.key, "range");
}

INSTANTIATE_TEST_SUITE_P(
    NewKeys, GatewayConfigRange,
    ::testing::Values(
        RangeCase{"HorizonUnderAMinute", "delivery", "horizon", "59s"},
        RangeCase{"HorizonOverThirtyDays", "delivery", "horizon", "31d"},
        RangeCase{"MailboxHorizonUnderAMinute", "delivery", "mailbox_horizon", "0m"},
        RangeCase{"MailboxHorizonOverThirtyDays", "delivery", "mailbox_horizon", "721h"},
        RangeCase{"NoBreakerFailures", "delivery", "breaker_failures", "0"},
        RangeCase{"TooManyBreakerFailures", "delivery", "breaker_failures", "1001"},
        RangeCase{"CoolDownUnderASecond", "delivery", "breaker_cool_down", "999ms"},
        RangeCase{"CoolDownOverAnHour", "delivery", "breaker_cool_down", "61m"},
        RangeCase{"CheckpointsUnderASecondApart", "audit", "checkpoint_interval", "500ms"},
        RangeCase{"CheckpointsOverADayApart", "audit", "checkpoint_interval", "25h"}),
    [](const ::testing::TestParamInfo<RangeCase>& param) { return std::string(param.param.name); });

TEST_F(GatewayConfigLoader, AcceptsTheEndsOfEveryNewRange) {
  auto low = Load(std::string(kBase) + R"(delivery:
  horizon: 1m
  mailbox_horizon: 60s
  breaker_failures: 1
  breaker_cool_down: 1s
audit:
  checkpoint_interval: 1s
)");
  ASSERT_TRUE(low.ok()) << ToString(low.error());
  EXPECT_EQ(low->delivery.horizon, minutes(1));
  EXPECT_EQ(low->delivery.mailbox_horizon, minutes(1));
  EXPECT_EQ(low->delivery.breaker_failures, 1);
  EXPECT_EQ(low->delivery.breaker_cool_down, seconds(1));
  EXPECT_EQ(low->audit.checkpoint_interval, seconds(1));

  auto high = Load(std::string(kBase) + R"(delivery:
  horizon: 30d
  mailbox_horizon: 720h
  breaker_failures: 1000
  breaker_cool_down: 1h
audit:
  checkpoint_interval: 24h
)");
  ASSERT_TRUE(high.ok()) << ToString(high.error());
  EXPECT_EQ(high->delivery.horizon, hours(24 * 30));
  EXPECT_EQ(high->delivery.mailbox_horizon, hours(24 * 30));
  EXPECT_EQ(high->delivery.breaker_failures, 1000);
  EXPECT_EQ(high->delivery.breaker_cool_down, hours(1));
  EXPECT_EQ(high->audit.checkpoint_interval, hours(24));
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
  EXPECT_EQ(c.registry.agencies().size(), 15u);
  EXPECT_NE(c.registry.FindBySanUri("urn:isagw:agency:police:derbys"), nullptr);
  EXPECT_EQ(c.delivery.client_cert_file, dir.path() / "certs-example/out/gateway-client.crt");
  EXPECT_EQ(c.delivery.client_key_file, dir.path() / "certs-example/out/gateway-client.key");
  EXPECT_EQ(c.delivery.horizon, std::chrono::hours(24 * 5));
  EXPECT_EQ(c.delivery.breaker_failures, 5);
  EXPECT_EQ(c.audit.audit_key, dir.path() / "var/keys/audit/audit.key");
  EXPECT_EQ(c.audit.public_key, dir.path() / "var/keys/audit/signing.pub");
  EXPECT_EQ(c.audit.checkpoint_interval, minutes(5));
}

}  // namespace
}  // namespace isagw::config
