#include "gateway/cli/serve_command.h"

#include <sodium.h>

#include <chrono>
#include <iostream>
#include <set>

#include "gateway/audit/audit_key.h"
#include "gateway/config/gateway_config.h"
#include "gateway/crypto/key_ring.h"
#include "gateway/crypto/sealer.h"
#include "gateway/metrics/metrics_registry.h"
#include "gateway/pipeline/gateway_api_service.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/policy/key_provider.h"
#include "gateway/policy/loader.h"
#include "gateway/server/api_router.h"
#include "gateway/server/server.h"
#include "gateway/server/tls_context.h"
#include "gateway/store/sqlite_store.h"
#include "gateway/tls/peer_identity.h"

namespace isagw::cli {
namespace {

constexpr int kRefused = 2;

model::Timestamp Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Maps a certificate to an agency through the registry (SAN URI, pin).
class RegistryIdentifier final : public server::AgencyIdentifier {
 public:
  explicit RegistryIdentifier(std::shared_ptr<const registry::AgencyRegistry> registry)
      : registry_(std::move(registry)) {}

  Result<std::string, server::IdentityRefusal> Identify(
      const server::PeerCertificate& certificate) const override {
    auto agency =
        tls::IdentifyAgency(certificate.san_uris, certificate.sha256_fingerprint, *registry_);
    if (!agency.ok()) {
      return Fail(server::IdentityRefusal{
          std::string(*tls::kIdentityFailureNames.Name(agency.error().failure)),
          agency.error().reason});
    }
    return (*agency)->id;
  }

 private:
  std::shared_ptr<const registry::AgencyRegistry> registry_;
};

// The keys the gateway needs, made on first start (docs/operations.md).
struct Keys {
  std::shared_ptr<crypto::KeyRing> sealing;
  std::shared_ptr<policy::KeyRing> pseudonyms;
  pipeline::ChildLinkKey child_link{};
  std::optional<audit::AuditKey> audit_key;
};

Result<Keys, std::string> PrepareKeys(const std::filesystem::path& key_dir,
                                      const policy::PolicySet& policies) {
  const auto scopes_dir = key_dir / "scopes";
  std::set<std::string> scopes = {"inbound", "child-link"};
  for (const auto& isa : policies.agreements()) {
    scopes.insert("isa-" + isa.id);
    scopes.insert("pseudonym-" + isa.id);
  }
  auto ring = crypto::KeyRing::Load(scopes_dir);
  if (!ring.ok()) {
    std::error_code ec;
    std::filesystem::create_directories(scopes_dir, ec);
    ring = crypto::KeyRing::Load(scopes_dir);
    if (!ring.ok()) return Fail(ring.error().path + ": " + ring.error().reason);
  }
  bool made = false;
  for (const std::string& scope : scopes) {
    if (ring->Current(scope)) continue;
    auto generated = crypto::GenerateKeyFile(scopes_dir, scope, "k1");
    if (!generated.ok()) return Fail(generated.error().path + ": " + generated.error().reason);
    made = true;
  }
  if (made) {
    ring = crypto::KeyRing::Load(scopes_dir);
    if (!ring.ok()) return Fail(ring.error().path + ": " + ring.error().reason);
  }

  Keys keys;
  keys.sealing = std::make_shared<crypto::KeyRing>(std::move(*ring));
  keys.pseudonyms = std::make_shared<policy::KeyRing>();
  for (const auto& isa : policies.agreements()) {
    const auto entry = keys.sealing->Current("pseudonym-" + isa.id);
    unsigned char bytes[policy::PseudonymKey::kBytes];
    std::copy(entry->key->begin(), entry->key->end(), bytes);
    keys.pseudonyms->Add(isa.id, policy::PseudonymKey(bytes));
    sodium_memzero(bytes, sizeof bytes);
  }
  const auto link = keys.sealing->Current("child-link");
  std::copy(link->key->begin(), link->key->end(), keys.child_link.begin());

  const auto audit_path = key_dir / "audit" / "audit.key";
  if (!std::filesystem::exists(audit_path)) {
    std::error_code ec;
    std::filesystem::create_directories(audit_path.parent_path(), ec);
    if (auto made_key = audit::GenerateAuditKeyFile(audit_path); !made_key.ok()) {
      return Fail(made_key.error().path + ": " + made_key.error().reason);
    }
  }
  auto audit_key = audit::AuditKey::Load(audit_path);
  if (!audit_key.ok()) return Fail(audit_key.error().path + ": " + audit_key.error().reason);
  keys.audit_key = std::move(*audit_key);
  return keys;
}

}  // namespace

int RunServe(const ServeArgs& args, std::ostream& out, std::ostream& err) {
  auto config = config::LoadGatewayConfig(args.config);
  if (!config.ok()) {
    for (const auto& e : config.error()) err << e.ToString() << '\n';
    return kRefused;
  }
  std::set<std::string> ids;
  for (const auto& agency : config->registry.agencies()) ids.insert(agency.id);
  auto policies = policy::LoadPolicySet(config->policies_dir, ids);
  if (!policies.ok()) {
    for (const auto& e : policies.error()) err << policy::Describe(e) << '\n';
    return kRefused;
  }
  auto keys = PrepareKeys(config->store.key_dir, *policies);
  if (!keys.ok()) {
    err << "keys: " << keys.error() << '\n';
    return kRefused;
  }
  std::error_code ec;
  std::filesystem::create_directories(config->store.path.parent_path(), ec);
  auto store = store::SqliteStore::Open(config->store.path,
                                        std::make_shared<crypto::Sealer>(keys->sealing));
  if (!store.ok()) {
    err << "store: " << store.error().detail << '\n';
    return kRefused;
  }

  auto registry = std::make_shared<const registry::AgencyRegistry>(config->registry);
  auto state = std::make_shared<pipeline::GatewayState>(pipeline::GatewayState{
      config->registry, std::move(*policies), keys->pseudonyms, keys->child_link,
      *keys->audit_key});
  auto service = std::make_shared<pipeline::GatewayApiService>(**store, state, Now);
  auto router =
      std::make_shared<server::ApiRouter>(service, config->limits.max_batch_bytes);

  server::TlsFiles files;
  files.certificate_chain = config->tls.cert_file;
  files.private_key = config->tls.key_file;
  files.client_ca_bundle = config->tls.ca_file;
  files.crls.push_back(config->tls.crl_file);
  auto tls_context = server::ServerTlsContext::Load(files);
  if (!tls_context.ok()) {
    err << "tls: " << tls_context.error() << '\n';
    return kRefused;
  }

  server::ServerOptions options;
  options.api = {config->api.address, static_cast<std::uint16_t>(config->api.port)};
  options.admin = {config->admin.address, static_cast<std::uint16_t>(config->admin.port)};
  options.io_threads = config->io_threads;
  options.handler_threads = config->handler_threads;
  options.max_connections = static_cast<std::size_t>(config->limits.max_connections);
  options.max_requests_per_connection =
      static_cast<std::size_t>(config->limits.max_requests_per_connection);
  options.header_limit_bytes = static_cast<std::uint32_t>(config->limits.max_header_bytes);
  options.body_limit_bytes = config->limits.max_body_bytes;
  options.batch_body_limit_bytes = config->limits.max_batch_bytes;
  options.handshake_timeout = config->limits.handshake_timeout;
  options.request_timeout = config->limits.read_timeout;
  options.write_timeout = config->limits.write_timeout;
  options.shutdown_timeout = config->limits.shutdown_timeout;
  options.drain_timeout = config->limits.drain_timeout;
  options.rate_limit = {config->default_rate_limit.requests_per_second,
                        static_cast<double>(config->default_rate_limit.burst)};

  server::ServerConfig server_config{*tls_context,
                                     std::make_shared<RegistryIdentifier>(registry)};
  auto server = server::Server::Create(options, server_config, router,
                                       std::make_shared<metrics::MetricsRegistry>());
  if (!server.ok()) {
    err << "server: " << server.error() << '\n';
    return kRefused;
  }
  out << "isagw serving " << config->registry.agencies().size() << " agencies: api https://"
      << config->api.address << ':' << (*server)->api_port() << ", admin http://"
      << config->admin.address << ':' << (*server)->admin_port() << '\n'
      << std::flush;
  (*server)->Run();
  out << "isagw stopped\n";
  return 0;
}

}  // namespace isagw::cli
