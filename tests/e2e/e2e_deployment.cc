#include "tests/e2e/e2e_deployment.h"

#include <regex>
#include <utility>

#include "gateway/config/gateway_config.h"

namespace isagw::e2e {
namespace {

// Ports here only satisfy the configuration's range (1-65535); the test
// asks for ephemeral ones on the loaded struct, so parallel runs never
// collide.
std::string GatewayYaml(const std::filesystem::path& certs) {
  const std::string c = certs.string() + "/";
  return R"(version: 1
listeners:
  api: {address: 127.0.0.1, port: 8443}
  admin: {address: 127.0.0.1, port: 9090}
io_threads: 2
handler_threads: 2
log_level: trace
tls:
  ca_file: )" +
         c + R"(ca.crt
  crl_file: )" +
         c + R"(ca.crl
  cert_file: )" +
         c + R"(server.crt
  key_file: )" +
         c + R"(server.key
  min_version: TLSv1.2
registry: registry.yaml
policies_dir: )" +
         std::string(ISAGW_SOURCE_DIR) + R"(/policies
store:
  path: var/isagw.db
  key_dir: var/keys
rate_limit: {requests_per_second: 1000, burst: 2000}
delivery:
  workers: 2
  timeout: 10s
  retry_initial: 100ms
  retry_max: 1s
  client_cert_file: )" +
         c + R"(gateway-client.crt
  client_key_file: )" +
         c + R"(gateway-client.key
  breaker_failures: 5
  breaker_cool_down: 1s
audit:
  checkpoint_interval: 1h
)";
}

}  // namespace

std::filesystem::path E2eDeployment::CertsDir() { return ISAGW_EXAMPLE_CERTS_DIR; }

E2eDeployment::~E2eDeployment() { Stop(); }

std::string E2eDeployment::WriteFiles() {
  std::string registry =
      testing::ReadText(std::filesystem::path(ISAGW_SOURCE_DIR) / "certs-example/registry.yaml");
  if (registry.empty()) return "cannot read certs-example/registry.yaml";
  // The example's relative certificate paths, made absolute.
  registry = std::regex_replace(registry, std::regex("out/"), CertsDir().string() + "/");
  registry = std::regex_replace(
      registry, std::regex(R"(rate_limit: \{requests_per_second: \d+, burst: \d+\})"),
      "rate_limit: {requests_per_second: 1000, burst: 2000}");
  const std::size_t entry = registry.find("- id: la-staffordshire");
  const std::string mailbox = "delivery: {mode: mailbox}";
  const std::size_t delivery =
      entry == std::string::npos ? std::string::npos : registry.find(mailbox, entry);
  if (delivery == std::string::npos) return "registry: no la-staffordshire mailbox entry";
  registry.replace(delivery, mailbox.size(),
                   "delivery: {mode: push, url: \"https://localhost:" +
                       std::to_string(receiver_->port()) + "/isagw/v1/deliveries\", ca_file: \"" +
                       (CertsDir() / "receiver-ca.crt").string() + "\", server_name: localhost}");
  dir_.Write("registry.yaml", registry);
  std::string gateway = GatewayYaml(CertsDir());
  if (!postgres_dsn_.empty()) {
    const std::string sqlite = "store:\n  path: var/isagw.db\n";
    gateway.replace(gateway.find(sqlite), sqlite.size(),
                    "store:\n  kind: postgres\n  postgres:\n    dsn: \"" + postgres_dsn_ +
                        "\"\n    pool: 4\n    replica: gateway-1\n");
  }
  dir_.Write("gateway.yaml", gateway);
  return "";
}

std::string E2eDeployment::Start() {
  auto receiver = delivery::testing::WebhookReceiver::Start(
      {CertsDir() / "receiver.crt", CertsDir() / "receiver.key", CertsDir() / "ca.crt"});
  if (!receiver.ok()) return "receiver: " + receiver.error();
  receiver_ = std::move(*receiver);

  if (std::string error = WriteFiles(); !error.empty()) return error;
  return StartGateway();
}

Result<std::unique_ptr<app::GatewayApp>, std::string> E2eDeployment::CreateGateway(
    const std::string& replica, const std::string& file) {
  auto config = config::LoadGatewayConfig(dir_.path() / file);
  if (!config.ok()) return Fail("configuration: " + config::ToString(config.error()));
  if (!replica.empty()) config->store.postgres.replica = replica;
  config->api.port = 0;  // ephemeral: LoadGatewayConfig refuses 0 in the file
  config->admin.port = 0;
  store_path_ = config->store.path;
  audit_public_key_ = config->audit.public_key;

  app::AppOptions options;
  options.handle_signals = false;
  options.clock = &clock_;
  options.log_sink = [logs = logs_](std::string_view line) {
    std::lock_guard lock(logs->mutex);
    logs->lines.emplace_back(line);
  };
  auto created = app::GatewayApp::Create(std::move(*config), std::move(options));
  if (!created.ok()) return Fail("gateway: " + created.error());
  return std::move(*created);
}

std::string E2eDeployment::StartGateway() {
  auto created = CreateGateway();
  if (!created.ok()) return created.error();
  app_ = std::move(*created);
  api_port_ = app_->api_port();
  admin_port_ = app_->admin_port();
  runner_ = std::thread([gateway = app_.get()] { gateway->Run(); });
  return "";
}

Result<E2eDeployment::ReplicaPorts, std::string> E2eDeployment::StartReplica(
    const std::string& name) {
  if (postgres_dsn_.empty()) return Fail(std::string("replicas need a PostgreSQL store"));
  std::error_code failed;
  std::filesystem::copy(std::filesystem::path(ISAGW_SOURCE_DIR) / "policies", ReplicaPolicies(name),
                        std::filesystem::copy_options::recursive, failed);
  if (failed) return Fail("policies: " + failed.message());
  std::string gateway = testing::ReadText(dir_.path() / "gateway.yaml");
  const std::string shared = "policies_dir: " + std::string(ISAGW_SOURCE_DIR) + "/policies";
  const std::size_t at = gateway.find(shared);
  if (at == std::string::npos) return Fail(std::string("gateway.yaml: no policies_dir"));
  gateway.replace(at, shared.size(), "policies_dir: " + ReplicaPolicies(name).string());
  const std::string file = "gateway-" + name + ".yaml";
  dir_.Write(file, gateway);

  auto created = CreateGateway(name, file);
  if (!created.ok()) return Fail(created.error());
  Replica replica{std::move(*created), {}};
  const ReplicaPorts ports{replica.app->api_port(), replica.app->admin_port()};
  replica.runner = std::thread([gateway_app = replica.app.get()] { gateway_app->Run(); });
  replicas_.push_back(std::move(replica));
  return ports;
}

void E2eDeployment::ReloadReplica(std::size_t n) {
  if (n < replicas_.size()) replicas_[n].app->Reload();
}

void E2eDeployment::Reload() {
  if (app_) app_->Reload();
}

void E2eDeployment::Stop() {
  for (Replica& replica : replicas_) {
    if (replica.runner.joinable()) {
      replica.app->Stop();
      replica.runner.join();
    }
  }
  replicas_.clear();
  if (app_ && runner_.joinable()) {
    app_->Stop();
    runner_.join();
  }
}

std::string E2eDeployment::Restart() {
  Stop();
  app_.reset();  // closes the store and lets go of its lock
  return StartGateway();
}

std::string E2eDeployment::TrySecondGateway() {
  auto second = CreateGateway();
  return second.ok() ? "" : second.error();
}

TestClient E2eDeployment::Client(const std::string& agency) const {
  return TestClient(CertsDir(), agency, api_port_);
}

TestClient E2eDeployment::Client(const std::string& agency, std::uint16_t api_port) const {
  return TestClient(CertsDir(), agency, api_port);
}

std::vector<std::string> E2eDeployment::LogLines() const {
  std::lock_guard lock(logs_->mutex);
  return logs_->lines;
}

}  // namespace isagw::e2e
