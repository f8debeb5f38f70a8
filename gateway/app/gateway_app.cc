#include "gateway/app/gateway_app.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include "console/console_handler.h"
#include "gateway/app/audit_queue.h"
#include "gateway/app/checkpointer.h"
#include "gateway/app/console_data.h"
#include "gateway/app/gateway_keys.h"
#include "gateway/app/gateway_state_loader.h"
#include "gateway/app/heap_trimmer.h"
#include "gateway/app/store_opener.h"
#include "gateway/app/store_probe.h"
#include "gateway/audit/audit_entries.h"
#include "gateway/crypto/sealer.h"
#include "gateway/delivery/clock.h"
#include "gateway/delivery/delivery_worker.h"
#include "gateway/delivery/push_client.h"
#include "gateway/metrics/metrics_history.h"
#include "gateway/metrics/metrics_registry.h"
#include "gateway/pipeline/gateway_api_service.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/pipeline/ingest_pipeline.h"
#include "gateway/pipeline/timer_worker.h"
#include "gateway/policy/loader.h"
#include "gateway/safeguarding/rules_loader.h"
#include "gateway/server/api_router.h"
#include "gateway/server/event_log.h"
#include "gateway/server/filter_chain.h"
#include "gateway/server/path_dispatch.h"
#include "gateway/server/server.h"
#include "gateway/server/tls_context.h"
#include "gateway/tls/peer_identity.h"

namespace isagw::app {
namespace {

// Maps a certificate to an agency through the registry (SAN URI, pin).
class RegistryIdentifier final : public server::AgencyIdentifier {
 public:
  explicit RegistryIdentifier(std::shared_ptr<const registry::AgencyRegistry> registry)
      : registry_(std::move(registry)) {}

  Result<server::ClientIdentity, server::IdentityRefusal> Identify(
      const server::PeerCertificate& certificate) const override {
    auto principal =
        tls::IdentifyClient(certificate.san_uris, certificate.sha256_fingerprint, *registry_);
    if (!principal.ok()) {
      return Fail(server::IdentityRefusal{
          std::string(*tls::kIdentityFailureNames.Name(principal.error().failure)),
          principal.error().reason});
    }
    if (const registry::Person* person = principal->person) {
      return server::ClientIdentity{person->agency_id, person->id,
                                    std::string(*registry::kPersonRoleNames.Name(person->role))};
    }
    return server::ClientIdentity{principal->agency->id, "", ""};
  }

 private:
  std::shared_ptr<const registry::AgencyRegistry> registry_;
};

// Without a client certificate configured nothing can be pushed (the
// configuration refuses push recipients then, but a notice to a sender
// that takes pushes could still arise): it waits, visibly, as a retry.
class NoClientCertificate final : public delivery::Pusher {
 public:
  void Push(delivery::PushRequest, Done done) override {
    delivery::PushResult result;
    result.kind = delivery::PushResult::Kind::kRetry;
    result.error = "no_client_certificate";
    done(std::move(result));
  }
};

// Everything a reload replaces, built whole before anything is swapped.
struct Generation {
  config::GatewayConfig config;
  std::shared_ptr<const registry::AgencyRegistry> registry;
  std::shared_ptr<const pipeline::GatewayState> state;
  server::ServerConfig server;
  std::shared_ptr<const crypto::KeyRing> sealing;
  std::shared_ptr<const audit::CheckpointSigner> signer;
  std::vector<store::AuditRecord> keys_made;
};

Result<Generation, std::string> BuildGeneration(config::GatewayConfig config) {
  auto loaded = LoadGatewayState(config);
  if (!loaded.ok()) return Fail(loaded.error());

  server::TlsFiles files;
  files.certificate_chain = config.tls.cert_file;
  files.private_key = config.tls.key_file;
  files.client_ca_bundle = config.tls.ca_file;
  files.crls.push_back(config.tls.crl_file);
  auto tls_context = server::ServerTlsContext::Load(files);
  if (!tls_context.ok()) return Fail("tls: " + tls_context.error());

  Generation next;
  next.registry = std::make_shared<const registry::AgencyRegistry>(config.registry);
  next.server.tls = *tls_context;
  next.server.identifier = std::make_shared<RegistryIdentifier>(next.registry);
  for (const auto& agency : config.registry.agencies()) {
    const registry::RateLimit& limit = config.RateLimitFor(agency);
    next.server.agency_rate_limits[agency.id] =
        server::RateLimit{limit.requests_per_second, static_cast<double>(limit.burst)};
  }
  next.state = std::move(loaded->state);
  next.sealing = std::move(loaded->sealing);
  next.signer = std::move(loaded->signer);
  next.keys_made = std::move(loaded->keys_made);
  next.config = std::move(config);
  return next;
}

server::ServerOptions ServerOptionsFrom(const config::GatewayConfig& config) {
  server::ServerOptions options;
  options.api = {config.api.address, static_cast<std::uint16_t>(config.api.port)};
  options.admin = {config.admin.address, static_cast<std::uint16_t>(config.admin.port)};
  options.io_threads = config.io_threads;
  options.handler_threads = config.handler_threads;
  options.max_connections = static_cast<std::size_t>(config.limits.max_connections);
  options.max_requests_per_connection =
      static_cast<std::size_t>(config.limits.max_requests_per_connection);
  options.header_limit_bytes = static_cast<std::uint32_t>(config.limits.max_header_bytes);
  options.body_limit_bytes = config.limits.max_body_bytes;
  options.batch_body_limit_bytes = config.limits.max_batch_bytes;
  options.handshake_timeout = config.limits.handshake_timeout;
  options.request_timeout = config.limits.read_timeout;
  options.idle_timeout = config.limits.idle_timeout;
  options.write_timeout = config.limits.write_timeout;
  options.shutdown_timeout = config.limits.shutdown_timeout;
  options.drain_timeout = config.limits.drain_timeout;
  options.rate_limit = {config.default_rate_limit.requests_per_second,
                        static_cast<double>(config.default_rate_limit.burst)};
  return options;
}

delivery::DeliveryWorkerOptions WorkerOptionsFrom(const config::DeliverySettings& settings,
                                                  metrics::MetricsRegistry* metrics) {
  delivery::DeliveryWorkerOptions options;
  options.max_in_flight = settings.workers * 8;
  // Longer than one attempt can take (connect, handshake, write and read,
  // each up to the timeout) with room to record it, and no longer: a claim
  // whose answer was lost (the database restarted between its commit and
  // the reply) keeps its deliveries waiting until then.
  options.lease = std::max(std::chrono::seconds(60),
                           std::chrono::duration_cast<std::chrono::seconds>(4 * settings.timeout) +
                               std::chrono::seconds(30));
  options.idle_poll = std::chrono::milliseconds(250);
  options.retry.base = settings.retry_initial;
  options.retry.cap = settings.retry_max;
  options.retry.horizon = std::chrono::duration_cast<std::chrono::seconds>(settings.horizon);
  options.breaker.failure_threshold = settings.breaker_failures;
  options.breaker.cool_down =
      std::chrono::duration_cast<std::chrono::seconds>(settings.breaker_cool_down);
  options.mailbox_horizon = settings.mailbox_horizon;
  options.metrics = metrics;
  return options;
}

// How often the store is asked whether it answers (for /readyz): HAProxy
// checks every 2 s, so a replica that lost its database leaves the pool
// within a few seconds.
constexpr std::chrono::milliseconds kStoreProbeInterval{1000};

// Refused handshakes waiting to be audited; beyond this they are counted.
constexpr std::size_t kAuditQueueCapacity = 10'000;
// The console's charts: a sample every 15 s, an hour of them (and one
// more, so the first rate has a start).
constexpr std::chrono::seconds kMetricsSampleInterval{15};
constexpr std::size_t kMetricsSamplesKept = 241;
// Policy loads and reloads the console lists: enough for a day of edits.
constexpr std::size_t kPolicyEventsKept = 50;
// Freed heap goes back to the system once this many connections have
// opened or closed (a handshake's transient memory, a connection's ~30 KB),
// checked this often (heap_trimmer.h).
constexpr std::chrono::seconds kHeapTrimInterval{15};
constexpr double kHeapTrimAfterChurn = 100;  // connections opened or closed

// Group commit as the on-call engineer sees it: how many messages share a
// transaction (and so an fsync), and how long each transaction takes. A
// slow disk shows in the second before senders time out.
store::CommitQueue::GroupObserver GroupCommitMetrics(
    const std::shared_ptr<metrics::MetricsRegistry>& metrics) {
  metrics::Histogram& size = metrics->GetHistogram(
      "isagw_store_commit_group_size",
      "Messages committed together in one transaction (group commit); its count is the "
      "transactions, its sum the messages",
      {}, {1, 2, 4, 8, 16, 32, 64, 128});
  metrics::Histogram& took = metrics->GetHistogram(
      "isagw_store_commit_duration_seconds",
      "Time one group commit's transaction took, its fsync included", {},
      {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
  // Holds the registry, so the two histograms outlive every commit.
  return [metrics, &size, &took](const store::CommitQueue::Group& group) {
    size.Observe(static_cast<double>(group.size));
    took.Observe(std::chrono::duration<double>(group.took).count());
  };
}

}  // namespace

struct GatewayApp::Impl {
  AppOptions options;
  server::EventLog log;
  SystemClock system_clock;
  const Clock& clock;
  std::shared_ptr<metrics::MetricsRegistry> metrics = std::make_shared<metrics::MetricsRegistry>();

  // Destroyed in reverse: the server first, the store last.
  std::shared_ptr<crypto::Sealer> sealer;        // its key ring is replaced on reload
  std::optional<store::SoleUserLock> sole_user;  // SQLite: held for as long as the store is open
  std::unique_ptr<store::Store> store;
  std::unique_ptr<StoreProbe> store_probe;  // what /readyz says of the store
  // The console's charts: this process's figures over the last hour.
  std::unique_ptr<metrics::MetricsHistory> metrics_history;
  std::shared_ptr<pipeline::GatewayApiService> service;
  std::unique_ptr<AuditQueue> audit_queue;  // refused handshakes
  std::unique_ptr<Checkpointer> checkpointer;
  std::unique_ptr<delivery::Pusher> pusher;
  std::unique_ptr<delivery::DeliveryWorker> worker;
  std::unique_ptr<pipeline::IngestPipeline> timer_pipeline;
  std::unique_ptr<pipeline::TimerWorker> timers;
  std::unique_ptr<server::Server> server;
  std::unique_ptr<HeapTrimmer> heap_trimmer;  // reads `metrics`, writes to `log`

  mutable std::mutex mutex;  // guards the three below
  config::GatewayConfig config;
  std::shared_ptr<const registry::AgencyRegistry> registry;
  std::deque<console::PolicyEvent> policy_events;  // newest first, at most kPolicyEventsKept

  void RecordPolicyEvent(std::string outcome, std::string hash) {
    std::lock_guard lock(mutex);
    policy_events.push_front(
        {model::FormatTimestamp(clock.Now()), std::move(outcome), std::move(hash)});
    if (policy_events.size() > kPolicyEventsKept) policy_events.pop_back();
  }

  std::vector<console::PolicyEvent> PolicyHistory() const {
    std::lock_guard lock(mutex);
    return {policy_events.begin(), policy_events.end()};
  }

  explicit Impl(AppOptions o)
      : options(std::move(o)),
        log(options.log_sink),
        clock(options.clock != nullptr ? *options.clock : system_clock) {}

  std::shared_ptr<const registry::AgencyRegistry> CurrentRegistry() const {
    std::lock_guard lock(mutex);
    return registry;
  }

  // False, and the store's reason logged, when the entries were not recorded.
  bool Audit(const std::vector<store::AuditRecord>& records) {
    if (records.empty()) return true;
    if (auto recorded = store->RecordAudit(records, clock.Now()); !recorded.ok()) {
      log.Error("audit_write_failed", {{"detail", recorded.error().detail}});
      return false;
    }
    return true;
  }

  // isagw_policy_set_info{hash="..."} 1 for the set in force, 0 for the
  // one it replaced: replicas that disagree show it side by side.
  void ShowPolicySet(const std::string& previous, const std::string& current) {
    constexpr std::string_view kName = "isagw_policy_set_info";
    constexpr std::string_view kHelp = "The policy set this process serves (1), by its hash";
    if (!previous.empty() && previous != current) {
      metrics->GetGauge(kName, kHelp, {{"hash", previous}}).Set(0);
    }
    metrics->GetGauge(kName, kHelp, {{"hash", current}}).Set(1);
  }

  store::AuditRecord ReloadRecord(std::string outcome, std::string previous_hash, std::string hash,
                                  int errors) {
    audit::ConfigReloadedEntry entry;
    entry.component = "config";
    entry.outcome = std::move(outcome);
    entry.previous_hash = std::move(previous_hash);
    entry.hash = std::move(hash);
    entry.error_count = errors;
    return audit::ToAuditRecord(entry);
  }

  // The server's ReloadConfig: on a server worker thread.
  Result<server::ServerConfig, std::string> Reload() {
    std::string previous_hash;
    std::filesystem::path file;
    {
      std::lock_guard lock(mutex);
      file = config.file;
      previous_hash = service->CurrentState()->policies.hash();
    }
    auto loaded = config::LoadGatewayConfig(file);
    if (!loaded.ok()) {
      Audit({ReloadRecord("refused", previous_hash, "", static_cast<int>(loaded.error().size()))});
      RecordPolicyEvent("refused", previous_hash);
      return Fail("configuration: " + config::ToString(loaded.error()));
    }
    auto next = BuildGeneration(std::move(*loaded));
    if (!next.ok()) {
      Audit({ReloadRecord("refused", previous_hash, "", 1)});
      RecordPolicyEvent("refused", previous_hash);
      return Fail(next.error());
    }
    // The reload's entry commits before the new set is in force, so no
    // disclosure under it comes before it in the audit; a set whose
    // loading the audit cannot record is not put in force at all.
    std::vector<store::AuditRecord> records = std::move(next->keys_made);
    records.push_back(ReloadRecord("applied", previous_hash, next->state->policies.hash(), 0));
    if (!Audit(records)) {
      RecordPolicyEvent("refused", previous_hash);
      return Fail(std::string("the audit could not record the reload, so it was not applied"));
    }
    {
      std::lock_guard lock(mutex);
      // What a reload cannot change without a restart: said, not ignored.
      if (!(next->config.api == config.api) || !(next->config.admin == config.admin) ||
          !(next->config.store == config.store)) {
        log.Warn("reload_needs_restart",
                 {{"detail", "listeners and the store change only on a restart"}});
      }
      config = next->config;
      registry = next->registry;
    }
    sealer->ReplaceKeys(next->sealing);  // first: the new state may use new scopes
    service->SwapState(next->state);
    ShowPolicySet(previous_hash, next->state->policies.hash());
    RecordPolicyEvent("applied", next->state->policies.hash());
    log.Info("reloaded", {{"agencies", next->registry->agencies().size()},
                          {"policy_set", next->state->policies.hash()},
                          {"safeguarding_rules", next->state->safeguarding_rules->hash()}});
    return std::move(next->server);
  }
};

Result<std::unique_ptr<GatewayApp>, std::string> GatewayApp::Create(config::GatewayConfig config,
                                                                    AppOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  auto generation = BuildGeneration(std::move(config));
  if (!generation.ok()) return Fail(generation.error());
  const config::GatewayConfig& cfg = generation->config;

  impl->sealer = std::make_shared<crypto::Sealer>(generation->sealing);
  auto opened = OpenStore(cfg.store, impl->sealer, GroupCommitMetrics(impl->metrics));
  if (!opened.ok()) return Fail("store: " + opened.error());
  impl->sole_user = std::move(opened->sole_user);
  impl->store = std::move(opened->store);
  Checkpointer::Sign sign_checkpoint = std::move(opened->sign_checkpoint);
  impl->log.Info("store_opened", {{"store", opened->description}});
  // Whatever a killed predecessor had claimed is claimed again now, not
  // when its lease would have run out.
  auto released = impl->store->ReleaseLeases();
  if (!released.ok()) return Fail("store: " + released.error().detail);
  if (released->deliveries > 0 || released->timers > 0) {
    impl->log.Info("leases_released",
                   {{"deliveries", released->deliveries}, {"timers", released->timers}});
  }
  impl->Audit(generation->keys_made);

  Impl* raw = impl.get();
  impl->service = std::make_shared<pipeline::GatewayApiService>(
      *impl->store, generation->state, [clock = &impl->clock] { return clock->Now(); },
      [raw] {
        if (raw->worker) raw->worker->Wake();
      },
      cfg.limits.max_batch_records);
  auto router = std::make_shared<server::ApiRouter>(impl->service, cfg.limits.max_batch_bytes);

  if (!cfg.delivery.client_cert_file.empty()) {
    delivery::PushClientOptions push;
    push.certificate_chain = cfg.delivery.client_cert_file;
    push.private_key = cfg.delivery.client_key_file;
    push.connect_timeout = cfg.delivery.timeout;
    push.handshake_timeout = cfg.delivery.timeout;
    push.write_timeout = cfg.delivery.timeout;
    push.read_timeout = cfg.delivery.timeout;
    push.clock = &impl->clock;
    push.metrics = impl->metrics.get();
    auto client = delivery::PushClient::Create(push);
    if (!client.ok()) return Fail("delivery: " + client.error());
    impl->pusher = std::move(*client);
  } else {
    impl->pusher = std::make_unique<NoClientCertificate>();
  }
  impl->worker = std::make_unique<delivery::DeliveryWorker>(
      *impl->store, *impl->pusher, [raw] { return raw->CurrentRegistry(); }, impl->clock,
      WorkerOptionsFrom(cfg.delivery, impl->metrics.get()));

  impl->timer_pipeline = std::make_unique<pipeline::IngestPipeline>(*impl->store);
  pipeline::TimerWorkerOptions timer_options;
  timer_options.on_raised = [raw] { raw->worker->Wake(); };
  timer_options.on_failed = [raw](const std::string& kind, const std::string& note) {
    raw->log.Warn("timer_failed", {{"timer_kind", kind}, {"detail", note}});
  };
  impl->timers = std::make_unique<pipeline::TimerWorker>(
      *impl->store, *impl->timer_pipeline, [raw] { return raw->service->CurrentState(); },
      impl->clock, std::move(timer_options));

  impl->checkpointer = std::make_unique<Checkpointer>(
      std::move(sign_checkpoint), generation->signer, cfg.audit.checkpoint_interval, impl->clock,
      [raw](bool ok, std::int64_t seq, const std::string& detail) {
        if (ok) {
          raw->log.Info("audit_checkpoint", {{"seq", seq}});
        } else {
          raw->log.Warn("audit_checkpoint_failed", {{"detail", detail}});
        }
      });

  impl->audit_queue = std::make_unique<AuditQueue>(
      *impl->store, impl->clock, kAuditQueueCapacity, [raw](const std::string& detail) {
        raw->log.Error("audit_write_failed", {{"detail", detail}});
      });

  impl->ShowPolicySet("", generation->state->policies.hash());
  impl->RecordPolicyEvent("loaded", generation->state->policies.hash());
  impl->metrics->GetGauge("isagw_store_up", "Whether the store answered its last probe (1) or not")
      .Set(1);
  impl->store_probe = std::make_unique<StoreProbe>(
      *impl->store, kStoreProbeInterval, [raw](bool reachable, const std::string& detail) {
        raw->metrics
            ->GetGauge("isagw_store_up", "Whether the store answered its last probe (1) or not")
            .Set(reachable ? 1 : 0);
        if (reachable) {
          raw->log.Info("store_reachable", {});
        } else {
          raw->log.Error("store_unreachable", {{"detail", detail}});
        }
      });

  server::ServerOptions server_options = ServerOptionsFrom(cfg);
  server_options.readiness = [raw] {
    server::ServerOptions::Readiness readiness;
    readiness.ready = raw->store_probe->reachable();
    if (!readiness.ready) readiness.detail = "the store does not answer";
    readiness.lines.push_back("policy_set " + raw->service->CurrentState()->policies.hash());
    return readiness;
  };
  server_options.handle_signals = impl->options.handle_signals;
  server_options.log_sink = impl->options.log_sink;
  server_options.on_handshake_refused = [raw](const server::HandshakeRefusal& refusal) {
    audit::HandshakeRefusedEntry entry;
    entry.reason = refusal.reason;
    entry.certificate_sha256 = refusal.certificate_sha256;
    entry.remote_address = refusal.remote;
    raw->audit_queue->Push(audit::ToAuditRecord(entry));
  };
  // The console shares the listener: people's certificates reach it, and
  // only it (server::IdentityFilter).
  ConsoleDataSources console_sources;
  console_sources.store = impl->store.get();
  console_sources.state = [raw] { return raw->service->CurrentState(); };
  console_sources.now = [raw] { return raw->clock.Now(); };
  console_sources.circuit = [raw](const std::string& recipient) -> std::string {
    switch (raw->worker->BreakerState(recipient)) {
      case delivery::CircuitBreaker::State::kOpen:
        return "open";
      case delivery::CircuitBreaker::State::kHalfOpen:
        return "half_open";
      case delivery::CircuitBreaker::State::kClosed:
        break;
    }
    return "closed";
  };
  console_sources.policy_history = [raw] { return raw->PolicyHistory(); };
  // The console's auditors read the audit as `isagw audit` does. Without
  // it their pages answer 503; the gateway itself serves on.
  if (auto log = OpenAuditLog(cfg.store, false); log.ok()) {
    console_sources.audit_log = std::move(*log);
  } else {
    impl->log.Warn("console_audit_unavailable", {{"detail", log.error()}});
  }
  console_sources.trusted_keys = {generation->signer->public_key()};
  impl->metrics_history =
      std::make_unique<metrics::MetricsHistory>(*impl->metrics, kMetricsSamplesKept);
  impl->metrics_history->Start(kMetricsSampleInterval);
  impl->heap_trimmer = std::make_unique<HeapTrimmer>(
      [metrics = impl->metrics] {
        const auto totals = metrics->Totals();
        const auto total = [&totals](std::string_view name) {
          const auto found = totals.find(name);
          return found == totals.end() ? 0.0 : found->second;
        };
        // Accepted counts the admin listener's few connections too.
        return ConnectionCounts{total("isagw_connections_active"),
                                total("isagw_connections_total")};
      },
      kHeapTrimInterval, kHeapTrimAfterChurn, TrimHeap,
      [raw](std::int64_t freed) {
        raw->log.Info("heap_trimmed", {{"freed_bytes", freed}});
      });
  console_sources.metrics_history = impl->metrics_history.get();
  auto handler = std::make_shared<server::PathDispatch>(
      server::IsConsolePath,
      std::make_shared<console::ConsoleHandler>(
          std::make_shared<GatewayConsoleData>(std::move(console_sources))),
      router);
  auto server = server::Server::Create(server_options, generation->server, handler, impl->metrics,
                                       [raw] { return raw->Reload(); });
  if (!server.ok()) return Fail("server: " + server.error());
  impl->server = std::move(*server);

  impl->config = std::move(generation->config);
  impl->registry = std::move(generation->registry);
  return std::make_unique<GatewayApp>(PrivateTag{}, std::move(impl));
}

GatewayApp::GatewayApp(PrivateTag, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GatewayApp::~GatewayApp() {
  if (!impl_) return;
  impl_->server.reset();
  impl_->audit_queue.reset();  // after the server: nothing refuses a handshake any more
  impl_->timers.reset();       // Stop()s: a firing under way commits or not, whole
  impl_->worker.reset();       // Stop()s: attempts under way finish and are recorded
  impl_->pusher.reset();
}

std::uint16_t GatewayApp::api_port() const { return impl_->server->api_port(); }
std::uint16_t GatewayApp::admin_port() const { return impl_->server->admin_port(); }

void GatewayApp::Run() {
  impl_->audit_queue->Start();
  impl_->worker->Start();
  impl_->timers->Start();
  impl_->checkpointer->Start();
  impl_->store_probe->Start();
  impl_->server->Run();
  impl_->store_probe->Stop();
  impl_->timers->Stop();
  impl_->worker->Stop();
  impl_->audit_queue->Stop();
  impl_->checkpointer->Stop();  // signs what the drain wrote
}

void GatewayApp::Stop() { impl_->server->Stop(); }
void GatewayApp::Reload() { impl_->server->Reload(); }
store::Store& GatewayApp::store() { return *impl_->store; }

void GatewayApp::FlushAudit() { impl_->audit_queue->Flush(); }

int GatewayApp::FireDueTimersNow() {
  auto pass = impl_->timers->RunOnce();
  if (!pass.ok()) {
    impl_->log.Error("timer_pass_failed", {{"detail", pass.error().detail}});
    return 0;
  }
  return pass->raised;
}

void GatewayApp::DeliverDueNow() {
  if (auto pass = impl_->worker->RunOnce(); !pass.ok()) {
    impl_->log.Error("delivery_pass_failed", {{"detail", pass.error().detail}});
  }
}

}  // namespace isagw::app
