// GatewayConfig: everything one gateway process is configured with, read
// from one YAML file (certs-example/gateway.yaml is the example deployment;
// docs/operations.md lists every key and its default) together with the
// agency registry it names. Loaded and checked whole: a reload builds a new
// GatewayConfig and swaps it in, or keeps the old one if anything is wrong.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/code_map.h"
#include "gateway/common/result.h"
#include "gateway/config/config_error.h"
#include "gateway/registry/agency_registry.h"

namespace isagw::config {

// An address to listen on: an IP literal (no host names, so the listener
// never depends on DNS) and a port.
struct Listener {
  std::string address;
  int port = 0;
  friend bool operator==(const Listener&, const Listener&) = default;
};

enum class TlsVersion { kTls12, kTls13 };
inline constexpr auto kTlsVersionNames =
    MakeCodeMap<TlsVersion>(std::pair{TlsVersion::kTls12, std::string_view{"TLSv1.2"}},
                            std::pair{TlsVersion::kTls13, std::string_view{"TLSv1.3"}});

struct TlsSettings {
  std::filesystem::path ca_file;    // CAs that issue agencies' client certificates
  std::filesystem::path crl_file;   // their CRLs; every client certificate is checked
  std::filesystem::path cert_file;  // the gateway's server certificate (chain, PEM)
  std::filesystem::path key_file;   // its private key; must not be readable by others
  TlsVersion min_version = TlsVersion::kTls12;
};

enum class StoreKind { kSqlite, kPostgres };
inline constexpr auto kStoreKindNames =
    MakeCodeMap<StoreKind>(std::pair{StoreKind::kSqlite, std::string_view{"sqlite"}},
                           std::pair{StoreKind::kPostgres, std::string_view{"postgres"}});

// A PostgreSQL store shared by replicas (docs/operations.md, "Replicas").
struct PostgresSettings {
  // A libpq connection string without its password: host, port, dbname,
  // user, and for TLS sslmode=verify-full with sslrootcert (and sslcert,
  // sslkey for a client certificate). A password= in it is refused.
  std::string dsn;
  // The password, alone in a file readable by its owner only; else from
  // libpq's own PGPASSWORD or PGPASSFILE, or none (certificate or peer).
  std::filesystem::path password_file;
  int pool = 8;  // connections this replica holds at most
  // This replica's name, unique among those sharing the database and
  // stable across its restarts (leases carry it).
  std::string replica = "gateway";
  friend bool operator==(const PostgresSettings&, const PostgresSettings&) = default;
};

// Where the gateway keeps what it accepted: SQLite (embedded, the default)
// or PostgreSQL (several replicas).
struct StoreSettings {
  StoreKind kind = StoreKind::kSqlite;
  std::filesystem::path path;  // SQLite database file (kind: sqlite)
  PostgresSettings postgres;   // kind: postgres
  // Every key the gateway holds, outside the database: store/<scope>/ for
  // sealing payloads, pseudonym/<ISA id>.key, audit/ (docs/operations.md).
  std::filesystem::path key_dir;
  friend bool operator==(const StoreSettings&, const StoreSettings&) = default;
};

struct Limits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 256 * 1024;
  std::size_t max_batch_bytes = 4 * 1024 * 1024;  // POST /v1/batches
  std::size_t max_batch_records = 1000;
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  int max_connections = 2000;
  // A keep-alive connection is closed after this many requests.
  int max_requests_per_connection = 1000;
  // The TLS close_notify exchange when a connection ends.
  std::chrono::milliseconds shutdown_timeout{std::chrono::seconds(5)};
  // How long SIGTERM waits for in-flight requests before closing them.
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(20)};
};

// Outbound delivery: push to agencies' endpoints, mailbox horizons and
// non-delivery notices (docs/delivery.md).
struct DeliverySettings {
  int workers = 2;  // push attempts under way at once, across all recipients
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // connect, handshake, write, read
  std::chrono::milliseconds retry_initial{std::chrono::seconds(1)};
  std::chrono::milliseconds retry_max{std::chrono::minutes(5)};
  int max_attempts = 50;
  // The gateway's own client certificate for pushing (clientAuth EKU) and
  // its key. Required when any agency in the registry receives by push.
  std::filesystem::path client_cert_file;
  std::filesystem::path client_key_file;
  // A push not made by then is dead-lettered; a mailbox item not
  // acknowledged by then becomes a non-delivery notice. MESH keeps 5 days.
  std::chrono::milliseconds horizon{std::chrono::hours(24 * 5)};
  std::chrono::milliseconds mailbox_horizon{std::chrono::hours(24 * 5)};
  // Circuit breaker per recipient: open after this many failures in a row,
  // try again after the cool-down.
  int breaker_failures = 5;
  std::chrono::milliseconds breaker_cool_down{std::chrono::seconds(30)};
};

// The audit log's keys and checkpoints (docs/audit.md). Defaults are under
// store.key_dir/audit/ and are made on first start by `serve`.
struct AuditSettings {
  std::filesystem::path audit_key;    // keyed record hashes and child pseudonyms
  std::filesystem::path signing_key;  // Ed25519 secret that signs checkpoints
  std::filesystem::path public_key;   // its public half, written beside it
  // Further signers `audit verify` trusts (earlier keys after a rotation).
  std::vector<std::filesystem::path> trusted_public_keys;
  // How often `serve` signs the chain's head (and once more at shutdown).
  std::chrono::milliseconds checkpoint_interval{std::chrono::minutes(5)};
};

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };
inline constexpr auto kLogLevelNames =
    MakeCodeMap<LogLevel>(std::pair{LogLevel::kTrace, std::string_view{"trace"}},
                          std::pair{LogLevel::kDebug, std::string_view{"debug"}},
                          std::pair{LogLevel::kInfo, std::string_view{"info"}},
                          std::pair{LogLevel::kWarn, std::string_view{"warn"}},
                          std::pair{LogLevel::kError, std::string_view{"error"}});

struct GatewayConfig {
  std::filesystem::path file;  // the configuration file, absolute

  Listener api;              // agencies' mutual-TLS API
  Listener admin;            // /healthz, /readyz, /metrics: loopback only
  int io_threads = 2;        // sockets and TLS
  int handler_threads = 16;  // request handling (waits on the store's group commit)
  LogLevel log_level = LogLevel::kInfo;

  TlsSettings tls;
  std::filesystem::path registry_file;
  std::filesystem::path policies_dir;
  StoreSettings store;
  Limits limits;
  registry::RateLimit default_rate_limit{10, 20};
  DeliverySettings delivery;
  AuditSettings audit;

  registry::AgencyRegistry registry;  // loaded from registry_file

  // The agency's own rate limit, or the default.
  const registry::RateLimit& RateLimitFor(const registry::Agency& agency) const;
};

// Reads `path` and the registry it names. Relative paths are taken from the
// configuration file's directory and returned absolute. Errors from both
// files are returned together, each naming its file, line and key.
Result<GatewayConfig, ConfigErrors> LoadGatewayConfig(const std::filesystem::path& path);

}  // namespace isagw::config
