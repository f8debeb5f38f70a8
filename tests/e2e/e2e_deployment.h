// E2eDeployment: one whole gateway on loopback, as `isagw serve` runs it
// (app::GatewayApp), written into a scratch directory:
//   - gateway.yaml (ephemeral ports, the example PKI from the example_certs
//     fixture, the repository's policies/, a fresh store and key directory,
//     short retry and breaker times so a recipient coming back is served
//     within seconds);
//   - registry.yaml: certs-example/registry.yaml, except that
//     la-staffordshire receives by push at a WebhookReceiver this class
//     starts, and rate limits are raised (the tests poll; rate limiting is
//     tested in tests/server).
// Every log line the gateway writes is captured. Stop() drains the gateway
// (which signs a last audit checkpoint); the destructor stops it too.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/app/gateway_app.h"
#include "gateway/common/clock.h"
#include "tests/common/temp_dir.h"
#include "tests/delivery/webhook_receiver.h"
#include "tests/e2e/test_client.h"

namespace isagw::e2e {

// The agency that receives by push in this deployment.
inline constexpr const char* kPushRecipient = "la-staffordshire";

// The gateway's clock in these tests: the story's time (just after Derby
// police take the report, 22 November 2026 23:30 UTC) moving at the real
// rate, so retries and leases behave as in life, and jumping forward when
// a test says so, so the safeguarding clock's days pass in an instant.
class StoryClock final : public Clock {
 public:
  model::Timestamp Now() const override {
    const auto elapsed = std::chrono::steady_clock::now() - started_;
    return kStoryStart + offset_.load() + std::chrono::duration_cast<std::chrono::seconds>(elapsed);
  }
  void Advance(std::chrono::seconds by) { offset_ = offset_.load() + by; }

  static constexpr model::Timestamp kStoryStart{std::chrono::seconds(1795390200)};

 private:
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::atomic<std::chrono::seconds> offset_{std::chrono::seconds(0)};
};

class E2eDeployment {
 public:
  E2eDeployment() = default;
  ~E2eDeployment();
  E2eDeployment(const E2eDeployment&) = delete;
  E2eDeployment& operator=(const E2eDeployment&) = delete;

  // Before Start(): the store is PostgreSQL at `dsn` (libpq, a schema of
  // the test's own in its search_path) instead of a fresh SQLite file, the
  // first gateway being replica "gateway-1".
  void UsePostgres(std::string dsn) { postgres_dsn_ = std::move(dsn); }

  // Writes the deployment, starts the receiver and the gateway. Returns an
  // error description, or "" once the gateway is serving.
  std::string Start();
  // After Start() on PostgreSQL: one more gateway on the same database and
  // key directory, as replica `name` with ports of its own (what a second
  // machine behind the load balancer runs). Its configuration is
  // gateway-<name>.yaml with a copy of the policies of its own, in
  // ReplicaPolicies(name), so a test can make it serve other policies.
  struct ReplicaPorts {
    std::uint16_t api = 0;
    std::uint16_t admin = 0;
  };
  Result<ReplicaPorts, std::string> StartReplica(const std::string& name);
  std::filesystem::path ReplicaPolicies(const std::string& name) const {
    return dir_.path() / ("policies-" + name);
  }
  // Reloads the replica StartReplica started n-th (0 the first), as SIGHUP
  // to its process would.
  void ReloadReplica(std::size_t n);
  // Reloads the first gateway, likewise. Returns at once: the reload runs
  // on one of the gateway's threads.
  void Reload();
  // Drains and stops the gateway; idempotent.
  void Stop();
  // Stops the gateway, closes its store, and starts a new one on the same
  // deployment and store (the receiver stays up): a restart.
  std::string Restart();
  // Creates a second gateway on this deployment's store while the first
  // runs; the error it is refused with, or "" when it was created.
  std::string TrySecondGateway();

  // A client presenting `agency`'s example certificate, to the first
  // gateway or to the one listening on `api_port`.
  TestClient Client(const std::string& agency) const;
  TestClient Client(const std::string& agency, std::uint16_t api_port) const;
  std::uint16_t admin_port() const { return admin_port_; }

  delivery::testing::WebhookReceiver& receiver() { return *receiver_; }
  StoryClock& clock() { return clock_; }

  std::vector<std::string> LogLines() const;
  const std::filesystem::path& store_path() const { return store_path_; }
  const std::filesystem::path& audit_public_key() const { return audit_public_key_; }

  static std::filesystem::path CertsDir();

 private:
  std::string WriteFiles();
  // Creates and runs the gateway from the written gateway.yaml.
  std::string StartGateway();
  Result<std::unique_ptr<app::GatewayApp>, std::string> CreateGateway(
      const std::string& replica = "", const std::string& file = "gateway.yaml");

  testing::ScratchDir dir_;
  StoryClock clock_;
  std::unique_ptr<delivery::testing::WebhookReceiver> receiver_;

  struct Logs {
    mutable std::mutex mutex;
    std::vector<std::string> lines;
  };
  std::shared_ptr<Logs> logs_ = std::make_shared<Logs>();

  std::unique_ptr<app::GatewayApp> app_;
  std::thread runner_;
  struct Replica {
    std::unique_ptr<app::GatewayApp> app;
    std::thread runner;
  };
  std::vector<Replica> replicas_;  // StartReplica's, stopped before the first
  std::string postgres_dsn_;
  std::uint16_t api_port_ = 0;
  std::uint16_t admin_port_ = 0;
  std::filesystem::path store_path_;
  std::filesystem::path audit_public_key_;
};

}  // namespace isagw::e2e
