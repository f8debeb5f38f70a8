#include "gateway/config/gateway_config.h"

#include <arpa/inet.h>

#include <cstdint>
#include <optional>
#include <system_error>
#include <utility>

#include "gateway/config/yaml_reader.h"
#include "gateway/registry/registry_loader.h"

namespace isagw::config {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Earlier signing keys kept trusted after rotations; a handful in practice.
constexpr std::size_t kMaxTrustedKeys = 64;

bool IsIpv4(const std::string& text) {
  in_addr v4{};
  return inet_pton(AF_INET, text.c_str(), &v4) == 1;
}

bool IsIpv6(const std::string& text) {
  in6_addr v6{};
  return inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

bool IsLoopback(const std::string& text) {
  if (IsIpv4(text)) return text.rfind("127.", 0) == 0;
  in6_addr v6{};
  return inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::optional<Listener> ReadListener(MapReader& listeners, std::string_view key) {
  auto in = listeners.Map(key, Presence::kRequired);
  if (!in) return std::nullopt;
  Listener listener;
  bool ok = true;
  if (auto address = in->String("address", Presence::kRequired, 64)) {
    if (IsIpv4(*address) || IsIpv6(*address)) {
      listener.address = *address;
    } else {
      in->Error("address", "pattern", "must be an IPv4 or IPv6 address (not a host name)");
      ok = false;
    }
  } else {
    ok = false;
  }
  if (auto port = in->Integer("port", Presence::kRequired, 1, 65535)) {
    listener.port = static_cast<int>(*port);
  } else {
    ok = false;
  }
  in->RefuseUnknownKeys();
  if (!ok) return std::nullopt;
  return listener;
}

// Reads a path, resolved against the configuration file's directory.
std::optional<std::filesystem::path> ReadPath(MapReader& in, std::string_view key,
                                              const std::filesystem::path& base_dir,
                                              Presence presence = Presence::kRequired) {
  auto text = in.String(key, presence, kMaxPathLength);
  if (!text) return std::nullopt;
  return ResolvePath(base_dir, *text);
}

// A path that must name an existing regular file.
std::filesystem::path ReadFile(MapReader& in, std::string_view key,
                               const std::filesystem::path& base_dir,
                               Presence presence = Presence::kRequired) {
  auto path = ReadPath(in, key, base_dir, presence);
  if (!path) return {};
  std::error_code ec;
  if (!std::filesystem::is_regular_file(*path, ec)) {
    in.Error(key, "not_found", "file does not exist");
  }
  return *path;
}

// A private key others can read is refused: whoever reads it can act as
// the gateway.
void CheckOwnerOnly(MapReader& in, std::string_view key, const std::filesystem::path& path) {
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) return;
  const auto perms = std::filesystem::status(path, ec).permissions();
  using std::filesystem::perms;
  if (!ec && (perms & (perms::group_all | perms::others_all)) != perms::none) {
    in.Error(key, "permissions", "private key must be readable by its owner only (chmod 600)");
  }
}

PostgresSettings ReadPostgres(MapReader& in, const std::filesystem::path& base_dir) {
  PostgresSettings pg;
  pg.dsn = in.String("dsn", Presence::kRequired, 1024).value_or("");
  // Secrets stay out of the YAML, which is read by more people than the
  // password should be.
  if (pg.dsn.find("password") != std::string::npos) {
    in.Error("dsn", "pattern", "must not hold a password: use password_file or PGPASSFILE");
  }
  if (auto file = ReadPath(in, "password_file", base_dir, Presence::kOptional)) {
    pg.password_file = *file;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*file, ec)) {
      in.Error("password_file", "not_found", "file does not exist");
    }
    CheckOwnerOnly(in, "password_file", *file);
  }
  if (auto pool = in.Integer("pool", Presence::kOptional, 1, 100))
    pg.pool = static_cast<int>(*pool);
  if (auto replica = in.String("replica", Presence::kOptional, 64)) pg.replica = *replica;
  in.RefuseUnknownKeys();
  return pg;
}

StoreSettings ReadStore(MapReader& in, const std::filesystem::path& base_dir) {
  StoreSettings store;
  if (auto kind = in.String("kind", Presence::kOptional, 16)) {
    if (auto parsed = kStoreKindNames.Find(*kind)) {
      store.kind = *parsed;
    } else {
      in.Error("kind", "enum", OneOf(kStoreKindNames));
    }
  }
  store.key_dir = ReadPath(in, "key_dir", base_dir).value_or("");
  if (store.kind == StoreKind::kSqlite) {
    store.path = ReadPath(in, "path", base_dir).value_or("");
  } else if (auto pg = in.Map("postgres", Presence::kRequired)) {
    store.postgres = ReadPostgres(*pg, base_dir);
  }
  in.RefuseUnknownKeys();
  return store;
}

TlsSettings ReadTls(MapReader& in, const std::filesystem::path& base_dir) {
  TlsSettings tls;
  tls.ca_file = ReadFile(in, "ca_file", base_dir);
  tls.crl_file = ReadFile(in, "crl_file", base_dir);
  tls.cert_file = ReadFile(in, "cert_file", base_dir);
  tls.key_file = ReadFile(in, "key_file", base_dir);
  CheckOwnerOnly(in, "key_file", tls.key_file);
  if (auto version = in.String("min_version", Presence::kOptional, 16)) {
    if (auto parsed = kTlsVersionNames.Find(*version)) {
      tls.min_version = *parsed;
    } else {
      in.Error("min_version", "enum", OneOf(kTlsVersionNames));
    }
  }
  in.RefuseUnknownKeys();
  return tls;
}

Limits ReadLimits(MapReader& in) {
  Limits limits;
  auto set_size = [&](std::string_view key, std::size_t& out, std::int64_t min, std::int64_t max) {
    if (auto v = in.Integer(key, Presence::kOptional, min, max)) out = static_cast<std::size_t>(*v);
  };
  auto set_time = [&](std::string_view key, milliseconds& out, milliseconds min, milliseconds max) {
    if (auto v = in.Duration(key, Presence::kOptional, min, max)) out = *v;
  };
  constexpr std::int64_t kMiB = 1024 * 1024;
  set_size("max_header_bytes", limits.max_header_bytes, 1024, kMiB);
  set_size("max_body_bytes", limits.max_body_bytes, 1024, 64 * kMiB);
  set_size("max_batch_bytes", limits.max_batch_bytes, 1024, 256 * kMiB);
  set_size("max_batch_records", limits.max_batch_records, 1, 1000000);
  set_time("handshake_timeout", limits.handshake_timeout, milliseconds(100), seconds(300));
  set_time("read_timeout", limits.read_timeout, milliseconds(100), seconds(3600));
  set_time("write_timeout", limits.write_timeout, milliseconds(100), seconds(3600));
  set_time("idle_timeout", limits.idle_timeout, milliseconds(100), seconds(86400));
  set_time("drain_timeout", limits.drain_timeout, milliseconds(0), seconds(3600));
  set_time("shutdown_timeout", limits.shutdown_timeout, milliseconds(0), seconds(600));
  if (auto v = in.Integer("max_connections", Presence::kOptional, 1, 1000000)) {
    limits.max_connections = static_cast<int>(*v);
  }
  if (auto v = in.Integer("max_requests_per_connection", Presence::kOptional, 1, 1000000)) {
    limits.max_requests_per_connection = static_cast<int>(*v);
  }
  if (limits.max_batch_bytes < limits.max_body_bytes) {
    in.Error("max_batch_bytes", "inconsistent", "must be at least max_body_bytes");
  }
  in.RefuseUnknownKeys();
  return limits;
}

DeliverySettings ReadDelivery(MapReader& in, const std::filesystem::path& base_dir) {
  DeliverySettings delivery;
  if (auto v = in.Integer("workers", Presence::kOptional, 1, 256)) {
    delivery.workers = static_cast<int>(*v);
  }
  if (auto v = in.Duration("timeout", Presence::kOptional, milliseconds(100), seconds(600))) {
    delivery.timeout = *v;
  }
  if (auto v = in.Duration("retry_initial", Presence::kOptional, milliseconds(10), seconds(3600))) {
    delivery.retry_initial = *v;
  }
  if (auto v = in.Duration("retry_max", Presence::kOptional, milliseconds(10), seconds(86400))) {
    delivery.retry_max = *v;
  }
  if (auto v = in.Integer("max_attempts", Presence::kOptional, 1, 100000)) {
    delivery.max_attempts = static_cast<int>(*v);
  }
  if (delivery.retry_max < delivery.retry_initial) {
    in.Error("retry_max", "inconsistent", "must be at least retry_initial");
  }
  // The gateway's client certificate and its key come as a pair.
  const bool has_cert = in.Has("client_cert_file");
  const bool has_key = in.Has("client_key_file");
  delivery.client_cert_file = ReadFile(in, "client_cert_file", base_dir, Presence::kOptional);
  delivery.client_key_file = ReadFile(in, "client_key_file", base_dir, Presence::kOptional);
  CheckOwnerOnly(in, "client_key_file", delivery.client_key_file);
  if (has_cert && !has_key) {
    in.Error("client_key_file", "required", "is required with client_cert_file");
  } else if (has_key && !has_cert) {
    in.Error("client_cert_file", "required", "is required with client_key_file");
  }
  // MESH keeps undelivered messages 5 days; a month is the outer bound.
  if (auto v = in.Duration("horizon", Presence::kOptional, minutes(1), days(30))) {
    delivery.horizon = *v;
  }
  if (auto v = in.Duration("mailbox_horizon", Presence::kOptional, minutes(1), days(30))) {
    delivery.mailbox_horizon = *v;
  }
  if (auto v = in.Integer("breaker_failures", Presence::kOptional, 1, 1000)) {
    delivery.breaker_failures = static_cast<int>(*v);
  }
  if (auto v = in.Duration("breaker_cool_down", Presence::kOptional, seconds(1), hours(1))) {
    delivery.breaker_cool_down = *v;
  }
  in.RefuseUnknownKeys();
  return delivery;
}

// The audit's keys default to store.key_dir/audit/ (made on first start by
// `serve`, or by `isagw audit keygen`). They are not required to exist
// yet, so a fresh deployment loads.
AuditSettings ReadAudit(MapReader* in, const std::filesystem::path& base_dir,
                        const std::filesystem::path& key_dir) {
  AuditSettings audit;
  const std::filesystem::path audit_dir = key_dir.empty() ? key_dir : key_dir / "audit";
  if (!audit_dir.empty()) {
    audit.audit_key = audit_dir / "audit.key";
    audit.signing_key = audit_dir / "signing.key";
    audit.public_key = audit_dir / "signing.pub";
  }
  if (in == nullptr) return audit;
  if (auto path = ReadPath(*in, "audit_key", base_dir, Presence::kOptional)) {
    audit.audit_key = *path;
  }
  if (auto path = ReadPath(*in, "signing_key", base_dir, Presence::kOptional)) {
    audit.signing_key = *path;
  }
  if (auto path = ReadPath(*in, "public_key", base_dir, Presence::kOptional)) {
    audit.public_key = *path;
  }
  if (auto list = in->StringList("trusted_public_keys", Presence::kOptional, kMaxTrustedKeys,
                                 kMaxPathLength)) {
    for (const std::string& text : *list) {
      audit.trusted_public_keys.push_back(ResolvePath(base_dir, text));
    }
  }
  if (auto v = in->Duration("checkpoint_interval", Presence::kOptional, seconds(1), hours(24))) {
    audit.checkpoint_interval = *v;
  }
  // Three different keys; one file for two would make keygen or serve
  // refuse to start, far from this line.
  if (!audit.signing_key.empty() && audit.signing_key == audit.audit_key) {
    in->Error("signing_key", "inconsistent", "must not be the same file as audit_key");
  }
  if (!audit.public_key.empty() &&
      (audit.public_key == audit.signing_key || audit.public_key == audit.audit_key)) {
    in->Error("public_key", "inconsistent", "must not be the same file as another audit key");
  }
  in->RefuseUnknownKeys();
  return audit;
}

bool AnyAgencyReceivesByPush(const registry::AgencyRegistry& registry) {
  for (const registry::Agency& agency : registry.agencies()) {
    if (agency.delivery == registry::DeliveryMode::kPush) return true;
  }
  return false;
}

}  // namespace

const registry::RateLimit& GatewayConfig::RateLimitFor(const registry::Agency& agency) const {
  return agency.rate_limit ? *agency.rate_limit : default_rate_limit;
}

Result<GatewayConfig, ConfigErrors> LoadGatewayConfig(const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec).lexically_normal();
  auto document = LoadYamlFile(absolute);
  if (!document.ok()) return Fail(std::move(document).error());
  const YAML::Node& root = *document;
  const std::filesystem::path base_dir = absolute.parent_path();

  GatewayConfig config;
  config.file = absolute;
  ErrorList errors(absolute.string());
  MapReader top(errors, root, root.Mark(), "");

  if (auto version = top.Integer("version", Presence::kRequired, 0, 1000);
      version && *version != 1) {
    top.Error("version", "range", "must be 1, the only configuration layout so far");
  }

  if (auto listeners = top.Map("listeners", Presence::kRequired)) {
    auto api = ReadListener(*listeners, "api");
    auto admin = ReadListener(*listeners, "admin");
    if (api) config.api = *api;
    if (admin) {
      config.admin = *admin;
      // The admin listener has no client authentication: never expose it.
      if (!IsLoopback(admin->address)) {
        listeners->Error("admin", "pattern",
                         "must listen on a loopback address (127.0.0.0/8 or ::1)");
      }
    }
    if (api && admin && *api == *admin) {
      listeners->Error("admin", "inconsistent", "must not use the same address and port as api");
    }
    listeners->RefuseUnknownKeys();
  }

  if (auto threads = top.Integer("io_threads", Presence::kOptional, 1, 256)) {
    config.io_threads = static_cast<int>(*threads);
  }
  if (auto threads = top.Integer("handler_threads", Presence::kOptional, 1, 256)) {
    config.handler_threads = static_cast<int>(*threads);
  }
  if (auto level = top.String("log_level", Presence::kOptional, 16)) {
    if (auto parsed = kLogLevelNames.Find(*level)) {
      config.log_level = *parsed;
    } else {
      top.Error("log_level", "enum", OneOf(kLogLevelNames));
    }
  }

  if (auto tls = top.Map("tls", Presence::kRequired)) config.tls = ReadTls(*tls, base_dir);

  bool registry_found = false;
  if (auto registry = ReadPath(top, "registry", base_dir)) {
    config.registry_file = *registry;
    registry_found = std::filesystem::is_regular_file(*registry, ec);
    if (!registry_found) top.Error("registry", "not_found", "file does not exist");
  }
  if (auto policies = ReadPath(top, "policies_dir", base_dir)) {
    config.policies_dir = *policies;
    if (!std::filesystem::is_directory(*policies, ec)) {
      top.Error("policies_dir", "not_found", "directory does not exist");
    }
  }

  if (auto store = top.Map("store", Presence::kRequired))
    config.store = ReadStore(*store, base_dir);

  if (auto limits = top.Map("limits", Presence::kOptional)) config.limits = ReadLimits(*limits);

  if (auto rate = top.Map("rate_limit", Presence::kOptional)) {
    auto rps = rate->Number("requests_per_second", Presence::kRequired, 0.001, 100000);
    auto burst = rate->Integer("burst", Presence::kRequired, 1, 1000000);
    if (rps && burst) config.default_rate_limit = {*rps, static_cast<int>(*burst)};
    rate->RefuseUnknownKeys();
  }

  bool client_certificate_given = false;
  if (auto delivery = top.Map("delivery", Presence::kOptional)) {
    client_certificate_given =
        delivery->Has("client_cert_file") || delivery->Has("client_key_file");
    config.delivery = ReadDelivery(*delivery, base_dir);
  }

  {
    auto audit = top.Map("audit", Presence::kOptional);
    config.audit = ReadAudit(audit ? &*audit : nullptr, base_dir, config.store.key_dir);
  }

  top.RefuseUnknownKeys();

  // The registry's own errors too, so one run shows everything to fix.
  ConfigErrors registry_errors;
  if (registry_found) {
    auto registry = registry::LoadAgencyRegistry(config.registry_file);
    if (registry.ok()) {
      config.registry = std::move(registry).value();
      // Pushing needs the gateway's own client certificate. The error
      // points at the delivery section (or the top of the file).
      if (!client_certificate_given && AnyAgencyReceivesByPush(config.registry)) {
        errors.AddAtLine(top.LineOf("delivery"), "delivery.client_cert_file", "required",
                         "is required when an agency in the registry receives by push");
      }
    } else {
      registry_errors = std::move(registry).error();
    }
  }
  ConfigErrors out = SortedByLine(errors.Take());
  for (ConfigError& e : registry_errors) out.push_back(std::move(e));
  if (!out.empty()) return Fail(std::move(out));
  return config;
}

}  // namespace isagw::config
