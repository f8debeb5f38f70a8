#include "gateway/server/server.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <csignal>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gateway/metrics/metrics_registry.h"
#include "gateway/server/event_log.h"
#include "gateway/server/filter_chain.h"
#include "gateway/server/peer_identity.h"
#include "gateway/server/request_head.h"
#include "gateway/server/tls_context_impl.h"
#include "gateway/server/tls_socket_stream.h"
#include "gateway/tls/client_verifier.h"

namespace isagw::server {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using BeastResponse = http::response<http::string_body>;

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kAdminHeaderLimit = 8 * 1024;
constexpr std::uint64_t kAdminBodyLimit = 1024;
constexpr int kAdminRequestsPerConnection = 100;
constexpr std::size_t kRequestReadReserve = 16 * 1024;

// ---------------------------------------------------------------- helpers

std::string RemoteAddress(const tcp::socket& socket) {
  boost::system::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// A stable, bounded reason for a failed handshake, for metrics and logs. A
// chain that failed is named as gateway/tls names it (the same words
// offline verification and `isagw` commands use): "expired", "revoked",
// "untrusted_issuer", "crl_unavailable" (no current CRL for the issuer:
// expired, not yet valid or missing), ...
std::string HandshakeRefusalReason(long verify_error,  // NOLINT(google-runtime-int)
                                   const boost::system::error_code& ec) {
  if (verify_error != X509_V_OK) {
    return std::string(
        *tls::kChainFailureNames.Name(tls::ClassifyVerifyError(static_cast<int>(verify_error))));
  }
  if (ec == beast::error::timeout) return "handshake_timeout";
  if (ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == ssl::error::stream_truncated) {
    return "client_closed";
  }
  if (ec.category() == asio::error::get_ssl_category()) {
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {  // NOLINT(google-runtime-int)
      case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
        return "no_certificate";
      case SSL_R_UNSUPPORTED_PROTOCOL:
      case SSL_R_VERSION_TOO_LOW:
      case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
        return "protocol_version";
      case SSL_R_NO_SHARED_CIPHER:
        return "no_shared_cipher";
      case SSL_R_HTTP_REQUEST:
      case SSL_R_WRONG_VERSION_NUMBER:
        return "not_tls";
      case SSL_R_CERTIFICATE_VERIFY_FAILED:
        return std::string(*tls::kChainFailureNames.Name(tls::ChainFailure::kInvalid));
      default:
        break;
    }
  }
  return "handshake_failed";
}

// Methods are labels too: anything unusual is "other", so a client cannot
// mint label values.
std::string MethodLabel(std::string_view method) {
  for (const char* known : {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"}) {
    if (method == known) return known;
  }
  return "other";
}

// Why `config` cannot serve, if it cannot.
std::optional<std::string> ConfigProblem(const ServerConfig& config) {
  if (!config.tls) return "no TLS context";
  if (!config.identifier) return "no agency identifier";
  for (const auto& [agency, limit] : config.agency_rate_limits) {
    if (agency.empty()) return "a rate limit names no agency";
    if (!IsUsable(limit)) {
      return "the rate limit of agency " + agency + " is not a finite, non-negative rate and burst";
    }
  }
  return std::nullopt;
}

std::string Rfc3339(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

BeastResponse ToBeast(const HttpResponse& response, unsigned version, bool keep_alive) {
  BeastResponse out;
  out.version(version);
  out.result(static_cast<unsigned>(response.status));
  bool has_cache_control = false;
  for (const auto& header : response.headers) {
    // A header value with a line break would split the response.
    if (header.name.empty() || HasLineBreak(header.name) || HasLineBreak(header.value)) continue;
    if (beast::iequals(header.name, "Content-Length") ||
        beast::iequals(header.name, "Connection") ||
        beast::iequals(header.name, "Transfer-Encoding")) {
      continue;  // the server decides framing and persistence
    }
    if (beast::iequals(header.name, "Cache-Control")) has_cache_control = true;
    out.insert(header.name, header.value);
  }
  // Responses may carry personal data: no cache may keep them.
  if (!has_cache_control) out.set(http::field::cache_control, "no-store");
  out.keep_alive(keep_alive);
  // RFC 9110 §8.6: a 204 carries neither a body nor Content-Length, and
  // Beast's prepare_payload would add "Content-Length: 0".
  if (out.result() == http::status::no_content) return out;
  out.body() = response.body;
  out.prepare_payload();
  return out;
}

// ------------------------------------------------------------ connections

// One API connection. The session coroutine and the drain logic share it;
// everything but the registry runs on the connection's strand.
struct ApiConnection {
  ApiConnection(tcp::socket socket, std::shared_ptr<const ServerConfig> server_config)
      : config(std::move(server_config)),
        stream(std::move(socket), config->tls->impl().context.native_handle()) {}

  // Declared before the stream: the TLS context outlives it.
  std::shared_ptr<const ServerConfig> config;
  TlsSocketStream stream;
  std::string remote;
  long verify_error = X509_V_OK;  // NOLINT(google-runtime-int): OpenSSL's type
  ClientIdentity identity;        // once identified
  std::string label;              // identity.Label(): what logs and metrics name
  bool busy = false;              // a request is being answered: a drain lets it finish
  bool dismissed = false;         // a reload no longer admits the peer: close, do not serve
  // Read by the acceptor, off the connection's strand.
  std::atomic<bool> identified{false};  // the peer is a registered agency or person
  std::atomic<bool> evicted{false};     // closed to give its slot to a newer connection
};

struct AdminConnection {
  explicit AdminConnection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;
};

}  // namespace

// ------------------------------------------------------------------ Impl

struct Server::Impl {
  Impl(ServerOptions server_options, ServerConfig config, std::shared_ptr<RequestHandler> handler,
       std::shared_ptr<metrics::MetricsRegistry> metrics_registry, ReloadConfig reload_config)
      : options(std::move(server_options)),
        metrics(std::move(metrics_registry)),
        reload(std::move(reload_config)),
        log(options.log_sink),
        io(options.io_threads),
        control(asio::make_strand(io)),
        workers(static_cast<std::size_t>(options.handler_threads)),
        api_acceptor(control),
        admin_acceptor(control),
        drain_timer(control),
        current_config(std::make_shared<const ServerConfig>(std::move(config))) {
    limiter = std::make_shared<TokenBucketRateLimiter>(options.rate_limit);
    limiter->SetAgencyLimits(current_config.load()->agency_rate_limits);
    chain = MakeApiFilterChain(std::move(handler), limiter, *metrics, options.body_limit_bytes);
    if (options.handle_signals) {
      // Registered now, not in Run(), so a signal between Create() and
      // Run() is queued rather than killing the process.
      signals.emplace(control, SIGINT, SIGTERM, SIGHUP);
    }
    connections_active = &metrics->GetGauge("isagw_connections_active", "API connections open now");
    bytes_received = &metrics->GetCounter("isagw_http_bytes_received_total",
                                          "HTTP request bytes (headers and bodies) read");
    bytes_sent = &metrics->GetCounter("isagw_http_bytes_sent_total",
                                      "HTTP response bytes (headers and bodies) written");
    idle_closed_total = &metrics->GetCounter(
        "isagw_connections_idle_closed_total",
        "Kept-alive API connections closed after idle_timeout without a request");
    crl_next_update = &metrics->GetGauge(
        "isagw_tls_crl_next_update_timestamp_seconds",
        "When the first CA's CRL reaches its nextUpdate (Unix time); 0 when none states one");
    NoteCrlCurrency(*current_config.load());
  }

  // Listener setup, before Run().
  Result<Ok, std::string> Listen(tcp::acceptor& acceptor, const ListenAddress& where,
                                 const char* name);

  // Control strand.
  asio::awaitable<void> AcceptApi();
  asio::awaitable<void> AcceptAdmin();
  asio::awaitable<void> WatchSignals();
  void BeginDrain();
  void ForceClose();
  void Finish();

  // Connection strands.
  asio::awaitable<void> ApiSession(std::shared_ptr<ApiConnection> connection);
  asio::awaitable<void> AdminSession(std::shared_ptr<AdminConnection> connection);
  asio::awaitable<HttpResponse> CallHandler(HttpRequest request);
  asio::awaitable<HttpResponse> RunHandler(std::shared_ptr<RequestHandler> handler,
                                           HttpRequest request);
  asio::awaitable<void> CloseTls(ApiConnection& connection);
  // Sets the connection's agency, or records why there is none.
  bool IdentifyPeer(ApiConnection& connection);
  void RecordHandshakeRefusal(const ApiConnection& connection, const std::string& reason,
                              const PeerCertificate* certificate);
  void RecordRequest(std::string_view method, const std::string& agency_id,
                     const std::string& route, int status,
                     std::chrono::steady_clock::time_point started);
  HttpResponse AdminResponse(const HttpRequest& request);

  void StartReload();
  void DismissPeersNotAdmittedBy(const std::shared_ptr<const ServerConfig>& config);
  std::vector<std::shared_ptr<ApiConnection>> OpenApiConnections();
  bool EvictOldestUnidentified();
  bool AdmittedBy(ApiConnection& connection, const ServerConfig& config);
  void NoteCrlCurrency(const ServerConfig& config);
  void ConnectionEnded(std::uint64_t id, bool admin);

  ServerOptions options;
  std::shared_ptr<metrics::MetricsRegistry> metrics;
  ReloadConfig reload;
  EventLog log;

  asio::io_context io;
  asio::strand<asio::io_context::executor_type> control;  // listeners, signals, drain
  asio::thread_pool workers;                              // RequestHandler::Handle
  tcp::acceptor api_acceptor;
  tcp::acceptor admin_acceptor;
  std::optional<asio::signal_set> signals;
  asio::steady_timer drain_timer;

  std::atomic<std::shared_ptr<const ServerConfig>> current_config;
  std::shared_ptr<TokenBucketRateLimiter> limiter;
  std::shared_ptr<RequestHandler> chain;

  std::atomic<bool> running{false};
  std::atomic<bool> draining{false};
  std::atomic<bool> finished{false};
  std::atomic<bool> run_started{false};
  std::atomic<std::size_t> api_connections{0};

  std::mutex registry_mutex;  // guards the two maps and next_id
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<ApiConnection>> api_registry;
  std::unordered_map<std::uint64_t, std::weak_ptr<AdminConnection>> admin_registry;

  metrics::Gauge* connections_active = nullptr;
  metrics::Counter* bytes_received = nullptr;
  metrics::Counter* bytes_sent = nullptr;
  metrics::Counter* idle_closed_total = nullptr;
  metrics::Gauge* crl_next_update = nullptr;
};

Result<Ok, std::string> Server::Impl::Listen(tcp::acceptor& acceptor, const ListenAddress& where,
                                             const char* name) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(where.host, ec);
  if (ec) return Fail(std::string(name) + " address is not an IP address");
  const tcp::endpoint endpoint(address, where.port);
  const std::string label =
      std::string(name) + " listener on " + where.host + " port " + std::to_string(where.port);
  if (acceptor.open(endpoint.protocol(), ec); ec) return Fail(label + ": " + ec.message());
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return Fail(label + ": " + ec.message());
  }
  if (acceptor.bind(endpoint, ec); ec) return Fail(label + ": " + ec.message());
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return Fail(label + ": " + ec.message());
  }
  return Ok{};
}

// ------------------------------------------------------------ accepting

asio::awaitable<void> Server::Impl::AcceptApi() {
  auto& accepted_total = metrics->GetCounter(
      "isagw_connections_total", "Connections accepted, by listener", {{"listener", "api"}});
  auto& refused_total =
      metrics->GetCounter("isagw_connections_refused_total",
                          "Connections closed at once, by reason", {{"reason", "max_connections"}});
  for (;;) {
    auto [ec, accepted] = co_await api_acceptor.async_accept(asio::make_strand(io), kAwait);
    tcp::socket socket(std::move(accepted));
    if (draining || !api_acceptor.is_open()) co_return;
    if (ec) {
      log.Warn("accept_failed", {{"listener", "api"}, {"error", ec.message()}});
      if (ec == asio::error::no_descriptors) {
        // Out of file descriptors: back off instead of spinning.
        asio::steady_timer pause(control, std::chrono::milliseconds(100));
        co_await pause.async_wait(kAwait);
      }
      continue;
    }
    if (api_connections.load() >= options.max_connections && !EvictOldestUnidentified()) {
      log.Warn("connection_refused",
               {{"reason", "max_connections"}, {"remote", RemoteAddress(socket)}});
      refused_total.Increment();
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    accepted_total.Increment();
    // A response over 16 KB goes as several records; with Nagle's algorithm
    // the last would wait for the peer's delayed ACK, adding tens of
    // milliseconds.
    boost::system::error_code no_delay_error;
    socket.set_option(tcp::no_delay(true), no_delay_error);
    auto connection = std::make_shared<ApiConnection>(std::move(socket), current_config.load());
    connection->remote = RemoteAddress(connection->stream.socket());
    std::uint64_t id = 0;
    {
      std::lock_guard lock(registry_mutex);
      id = next_id++;
      api_registry.emplace(id, connection);
    }
    ++api_connections;
    connections_active->Add(1);
    auto executor = connection->stream.get_executor();
    asio::co_spawn(executor, ApiSession(std::move(connection)),
                   [this, id](const std::exception_ptr& failure) {
                     if (failure) log.Error("session_failed", {{"listener", "api"}});
                     ConnectionEnded(id, false);
                   });
  }
}

asio::awaitable<void> Server::Impl::AcceptAdmin() {
  auto& accepted_total = metrics->GetCounter(
      "isagw_connections_total", "Connections accepted, by listener", {{"listener", "admin"}});
  for (;;) {
    auto [ec, accepted] = co_await admin_acceptor.async_accept(asio::make_strand(io), kAwait);
    tcp::socket socket(std::move(accepted));
    if (finished || !admin_acceptor.is_open()) co_return;
    if (ec) {
      log.Warn("accept_failed", {{"listener", "admin"}, {"error", ec.message()}});
      continue;
    }
    accepted_total.Increment();
    auto connection = std::make_shared<AdminConnection>(std::move(socket));
    std::uint64_t id = 0;
    {
      std::lock_guard lock(registry_mutex);
      id = next_id++;
      admin_registry.emplace(id, connection);
    }
    auto executor = connection->stream.get_executor();
    asio::co_spawn(executor, AdminSession(std::move(connection)),
                   [this, id](const std::exception_ptr& failure) {
                     if (failure) log.Error("session_failed", {{"listener", "admin"}});
                     ConnectionEnded(id, true);
                   });
  }
}

void Server::Impl::ConnectionEnded(std::uint64_t id, bool admin) {
  {
    std::lock_guard lock(registry_mutex);
    if (admin) {
      admin_registry.erase(id);
    } else {
      api_registry.erase(id);
    }
  }
  if (admin) return;
  connections_active->Add(-1);
  if (--api_connections == 0 && draining) asio::post(control, [this] { Finish(); });
}

// --------------------------------------------------------------- signals

asio::awaitable<void> Server::Impl::WatchSignals() {
  for (;;) {
    auto [ec, signal_number] = co_await signals->async_wait(kAwait);
    if (ec) co_return;
    if (signal_number == SIGHUP) {
      log.Info("signal", {{"signal", "SIGHUP"}, {"action", "reload"}});
      StartReload();
      continue;
    }
    log.Info("signal",
             {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}, {"action", "drain"}});
    BeginDrain();
    co_return;
  }
}

void Server::Impl::StartReload() {
  asio::post(workers, [this] {
    auto& ok_total = metrics->GetCounter("isagw_config_reloads_total",
                                         "Configuration reloads, by result", {{"result", "ok"}});
    auto& refused_total = metrics->GetCounter(
        "isagw_config_reloads_total", "Configuration reloads, by result", {{"result", "refused"}});
    // Each outcome is logged before it is counted, so whoever sees the
    // count finds the line.
    if (!reload) {
      log.Warn("config_reload_refused", {{"error", "no reload source configured"}});
      refused_total.Increment();
      return;
    }
    auto result = reload();
    if (!result.ok()) {
      log.Error("config_reload_refused",
                {{"error", result.error()}, {"kept", "previous configuration"}});
      refused_total.Increment();
      return;
    }
    auto next = std::make_shared<const ServerConfig>(std::move(result).value());
    if (auto problem = ConfigProblem(*next)) {
      log.Error("config_reload_refused",
                {{"error", "reload returned an unusable configuration: " + *problem},
                 {"kept", "previous configuration"}});
      refused_total.Increment();
      return;
    }
    current_config.store(next);
    limiter->SetAgencyLimits(next->agency_rate_limits);
    DismissPeersNotAdmittedBy(next);
    log.Info("config_reloaded", {{"applies_to",
                                  "new connections; open ones whose peer it no longer admits "
                                  "close; rate limits to every request"},
                                 {"agency_rate_limits", next->agency_rate_limits.size()}});
    NoteCrlCurrency(*next);
    ok_total.Increment();
  });
}

// Connections nobody has identified yet (a handshake under way, or a
// socket that never starts one) must not lock agencies out: at the cap, a
// new connection takes the slot of the oldest of them, so filling every
// slot with silent connections only makes them take turns. Identified
// connections are never evicted; with none unidentified, the new one is
// refused. The slot frees when the evicted session ends, so the count may
// pass the cap by the evictions under way.
bool Server::Impl::EvictOldestUnidentified() {
  std::shared_ptr<ApiConnection> oldest;
  {
    std::lock_guard lock(registry_mutex);
    std::uint64_t oldest_id = 0;
    for (const auto& [id, weak] : api_registry) {
      auto connection = weak.lock();
      if (!connection || connection->identified || connection->evicted) continue;
      if (!oldest || id < oldest_id) {
        oldest = std::move(connection);
        oldest_id = id;
      }
    }
    if (!oldest) return false;
    oldest->evicted = true;
  }
  metrics
      ->GetCounter("isagw_connections_evicted_total",
                   "Connections not yet identified, closed at max_connections to make room")
      .Increment();
  auto executor = oldest->stream.get_executor();
  asio::post(executor, [oldest] {
    // Identified since it was chosen: it keeps its slot.
    if (!oldest->identified) oldest->stream.Cancel();
  });
  return true;
}

std::vector<std::shared_ptr<ApiConnection>> Server::Impl::OpenApiConnections() {
  std::vector<std::shared_ptr<ApiConnection>> open;
  std::lock_guard lock(registry_mutex);
  for (const auto& [id, weak] : api_registry) {
    if (auto connection = weak.lock()) open.push_back(std::move(connection));
  }
  return open;
}

// Each open connection's peer is checked again as if it connected now:
// one whose certificate the new CRL revokes, or whose agency the new
// registry drops, closes at once when idle and after its current answer
// when busy. The others carry on.
void Server::Impl::DismissPeersNotAdmittedBy(const std::shared_ptr<const ServerConfig>& config) {
  const std::vector<std::shared_ptr<ApiConnection>> open = OpenApiConnections();
  for (auto& connection : open) {
    auto executor = connection->stream.get_executor();
    asio::post(executor, [this, connection, config] {
      // Not yet identified: the session checks once it is (ApiSession).
      if (!connection->identified || connection->dismissed) return;
      if (AdmittedBy(*connection, *config)) return;
      if (!connection->busy) connection->stream.Cancel();
    });
  }
}

bool Server::Impl::AdmittedBy(ApiConnection& connection, const ServerConfig& config) {
  auto admitted = RecheckPeer(connection.stream.native_handle(), config, connection.identity);
  if (admitted.ok()) return true;
  connection.dismissed = true;
  log.Warn(
      "connection_dismissed",
      {{"agency", connection.label}, {"remote", connection.remote}, {"reason", admitted.error()}});
  metrics
      ->GetCounter("isagw_connections_dismissed_total",
                   "Open connections closed because a reload no longer admits their peer",
                   {{"reason", admitted.error()}})
      .Increment();
  return false;
}

void Server::Impl::NoteCrlCurrency(const ServerConfig& config) {
  const auto next_update = config.tls->crl_next_update();
  crl_next_update->Set(next_update ? std::chrono::duration_cast<std::chrono::seconds>(
                                         next_update->time_since_epoch())
                                         .count()
                                   : 0);
  if (next_update && *next_update <= std::chrono::system_clock::now()) {
    // Handshakes fail closed on their own; this says why before they do.
    log.Warn("crl_out_of_date", {{"next_update", Rfc3339(*next_update)},
                                 {"effect",
                                  "client certificates from its CA are refused until "
                                  "a fresh CRL is loaded"}});
  }
}

// ----------------------------------------------------------------- drain

void Server::Impl::BeginDrain() {
  if (draining.exchange(true)) return;
  log.Info("drain_started", {{"open_connections", api_connections.load()},
                             {"deadline_ms", options.drain_timeout.count()}});
  boost::system::error_code ignored;
  api_acceptor.close(ignored);
  const std::vector<std::shared_ptr<ApiConnection>> open = OpenApiConnections();
  // Idle connections (waiting for a request, or still in the handshake)
  // close now; busy ones close after their current response.
  for (auto& connection : open) {
    auto executor = connection->stream.get_executor();
    asio::post(executor, [connection] {
      if (!connection->busy) connection->stream.Cancel();
    });
  }
  if (api_connections.load() == 0) {
    Finish();
    return;
  }
  drain_timer.expires_after(options.drain_timeout);
  drain_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: every connection finished in time
    ForceClose();
  });
}

void Server::Impl::ForceClose() {
  log.Warn("drain_deadline_passed", {{"closing_connections", api_connections.load()}});
  const std::vector<std::shared_ptr<ApiConnection>> open = OpenApiConnections();
  for (auto& connection : open) {
    auto executor = connection->stream.get_executor();
    asio::post(executor, [connection] { connection->stream.Close(); });
  }
}

void Server::Impl::Finish() {
  if (finished.exchange(true)) return;
  drain_timer.cancel();
  boost::system::error_code ignored;
  admin_acceptor.close(ignored);
  if (signals) {
    signals->cancel(ignored);
    signals->clear(ignored);
  }
  std::vector<std::shared_ptr<AdminConnection>> open;
  {
    std::lock_guard lock(registry_mutex);
    for (const auto& [id, weak] : admin_registry) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (auto& connection : open) {
    auto executor = connection->stream.get_executor();
    asio::post(executor, [connection] {
      if (!connection->busy) connection->stream.cancel();
    });
  }
  log.Info("drain_finished");
}

// ---------------------------------------------------------- API sessions

void Server::Impl::RecordHandshakeRefusal(const ApiConnection& connection,
                                          const std::string& reason,
                                          const PeerCertificate* certificate) {
  nlohmann::json fields = {{"reason", reason}, {"remote", connection.remote}};
  if (connection.verify_error != X509_V_OK) {
    // OpenSSL's fixed description of the chain error ("CRL has expired",
    // "unable to get certificate CRL"): it never quotes the certificate.
    fields["verify_error"] = X509_verify_cert_error_string(connection.verify_error);
  }
  if (certificate != nullptr) {
    fields["certificate_serial"] = certificate->serial_hex;
    fields["certificate_sha256"] = certificate->sha256_fingerprint;
  }
  // Logged before counted, so whoever sees the count can find the line.
  log.Warn("connection_refused", std::move(fields));
  if (options.on_handshake_refused) {
    HandshakeRefusal refusal{reason, connection.remote, std::nullopt};
    if (certificate != nullptr) refusal.certificate_sha256 = certificate->sha256_fingerprint;
    options.on_handshake_refused(refusal);
  }
  metrics
      ->GetCounter("isagw_tls_handshake_refusals_total",
                   "API connections refused during TLS setup or identification, by reason",
                   {{"reason", reason}})
      .Increment();
}

bool Server::Impl::IdentifyPeer(ApiConnection& connection) {
  X509* peer = SSL_get0_peer_certificate(connection.stream.native_handle());
  if (peer == nullptr) {
    // verify_fail_if_no_peer_cert makes this unreachable; deny regardless.
    RecordHandshakeRefusal(connection, "no_certificate", nullptr);
    return false;
  }
  const PeerCertificate certificate = ExtractPeerCertificate(peer);
  auto identity = connection.config->identifier->Identify(certificate);
  if (!identity.ok()) {
    RecordHandshakeRefusal(connection, identity.error().code, &certificate);
    return false;
  }
  connection.identity = std::move(identity).value();
  connection.label = connection.identity.Label();
  // From here an eviction passes it by (EvictOldestUnidentified).
  connection.identified = true;
  log.Info("connection_identified", {{"agency", connection.label},
                                     {"remote", connection.remote},
                                     {"certificate_serial", certificate.serial_hex}});
  return true;
}

asio::awaitable<void> Server::Impl::CloseTls(ApiConnection& connection) {
  connection.stream.ExpiresAfter(options.shutdown_timeout);
  // Errors here (stream_truncated from a peer that just hangs up, a
  // timeout on a silent one) change nothing: the socket closes either way.
  co_await connection.stream.async_shutdown(kAwait);
  connection.stream.Close();
}

asio::awaitable<HttpResponse> Server::Impl::CallHandler(HttpRequest request) {
  // Handle may block (the store): it runs on the worker pool, and the
  // session resumes on its own strand with the answer. (A named coroutine
  // rather than a capturing lambda: GCC 12 mishandles moved lambda
  // captures in co_spawn'd coroutine lambdas.)
  co_return co_await asio::co_spawn(workers, RunHandler(chain, std::move(request)),
                                    asio::use_awaitable);
}

asio::awaitable<HttpResponse> Server::Impl::RunHandler(std::shared_ptr<RequestHandler> handler,
                                                       HttpRequest request) {
  bool failed = false;
  try {
    co_return handler->Handle(request);
  } catch (const std::exception&) {
    // what() may quote input: log only that it happened.
    failed = true;
  }
  if (failed) log.Error("handler_failed", {{"agency", request.agency_id}});
  co_return ProblemResponse(InternalErrorProblem());
}

void Server::Impl::RecordRequest(std::string_view method, const std::string& agency_id,
                                 const std::string& route, int status,
                                 std::chrono::steady_clock::time_point started) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics
      ->GetCounter("isagw_http_requests_total",
                   "API requests answered, by route, method and status",
                   {{"route", route},
                    {"method", MethodLabel(method)},
                    {"status", std::to_string(status)},
                    {"agency", agency_id}})
      .Increment();
  metrics
      ->GetHistogram("isagw_http_request_duration_seconds",
                     "Time from a request's headers to its response being written, by route",
                     {{"route", route}})
      .Observe(seconds);
}

asio::awaitable<void> Server::Impl::ApiSession(std::shared_ptr<ApiConnection> connection) {
  auto& stream = connection->stream;
  stream.ExpiresAfter(options.handshake_timeout);
  auto [handshake_error] = co_await stream.async_handshake(kAwait);
  if (handshake_error) {
    // The chain error that stopped verification, to name the refusal:
    // OpenSSL stops at the first one.
    if (stream.ok()) connection->verify_error = SSL_get_verify_result(stream.native_handle());
    RecordHandshakeRefusal(*connection,
                           connection->evicted
                               ? "evicted"
                               : HandshakeRefusalReason(connection->verify_error, handshake_error),
                           nullptr);
    stream.Close();
    co_return;
  }
  if (!IdentifyPeer(*connection)) {
    co_await CloseTls(*connection);
    co_return;
  }
  const std::string& agency_id = connection->label;
  // A reload during the handshake checked nobody here: check now.
  if (auto config = current_config.load(); config != connection->config) {
    if (!AdmittedBy(*connection, *config)) {
      co_await CloseTls(*connection);
      co_return;
    }
  }

  auto& timeouts_total = metrics->GetCounter(
      "isagw_http_request_timeouts_total",
      "Connections cut off for not sending a whole request in time (slow clients)");
  beast::flat_buffer buffer;
  std::optional<BeastRequestParser> parser;

  for (std::size_t served = 0; served < options.max_requests_per_connection; ++served) {
    if (draining || connection->dismissed) break;
    if (served > 0 && buffer.size() == 0) {
      // Kept alive and idle: hold nothing the next request does not need,
      // and wait for it up to idle_timeout. Its own clock starts with its
      // first byte.
      parser.reset();
      buffer.shrink_to_fit();
      stream.ExpiresAfter(options.idle_timeout);
      auto [idle_error] = co_await stream.async_wait_readable(kAwait);
      if (idle_error == beast::error::timeout) {
        idle_closed_total->Increment();
        break;  // nothing was read: close_notify can still go
      }
      if (idle_error || draining || connection->dismissed) break;
    }
    parser.emplace();
    PrepareApiParser(*parser, options);
    // Room for a whole record at once, so a request is read in one or two
    // steps, not in 512-byte ones.
    buffer.reserve(kRequestReadReserve);

    stream.ExpiresAfter(options.request_timeout);
    auto [read_error, header_bytes] =
        co_await http::async_read_header(stream, buffer, *parser, kAwait);
    bytes_received->Increment(header_bytes);
    const auto started = std::chrono::steady_clock::now();
    if (read_error) {
      if (read_error == beast::error::timeout) {
        log.Warn("request_timeout",
                 {{"agency", agency_id}, {"remote", connection->remote}, {"stage", "headers"}});
        timeouts_total.Increment();
        co_return;  // the timeout already closed the socket
      }
      if (auto problem = ProblemForHeaderReadError(read_error)) {
        const HttpResponse response = ProblemResponse(*problem);
        RecordRequest("other", agency_id, "unmatched", response.status, started);
        auto message = ToBeast(response, 11, false);
        stream.ExpiresAfter(options.write_timeout);
        auto [write_error, written] = co_await http::async_write(stream, message, kAwait);
        bytes_sent->Increment(written);
        if (write_error) co_return;
      }
      break;  // end of stream, drain cancel, or a broken request: close
    }

    HttpRequest request = HeadFrom(*parser);
    request.agency_id = connection->identity.agency_id;
    request.person_id = connection->identity.person_id;
    request.person_role = connection->identity.role;
    request.remote_address = connection->remote;
    const unsigned version = parser->get().version();
    bool keep_alive = parser->get().keep_alive();
    const std::string route = chain->RouteLabel(request);
    const std::string method = request.method;

    connection->busy = true;
    std::optional<HttpResponse> response = AnswerAtHead(*parser, request, *chain, keep_alive);
    const std::uint64_t body_limit = chain->BodyLimit(request).value_or(options.body_limit_bytes);
    if (!parser->is_done()) {
      // The body is still on the wire. Read it when the request was
      // admitted, or (to keep the connection) when a refused one is small.
      if (ReadsBodyAfter(response, request, body_limit)) {
        if (!response && beast::iequals(parser->get()[http::field::expect], "100-continue")) {
          http::response<http::empty_body> go_on{http::status::continue_, version};
          stream.ExpiresAfter(options.write_timeout);
          auto [continue_error, continue_bytes] = co_await http::async_write(stream, go_on, kAwait);
          bytes_sent->Increment(continue_bytes);
          if (continue_error) co_return;
        }
        parser->body_limit(body_limit);
        stream.ExpiresAfter(options.request_timeout);
        auto [body_error, body_bytes] = co_await http::async_read(stream, buffer, *parser, kAwait);
        bytes_received->Increment(body_bytes);
        if (body_error == beast::error::timeout) {
          log.Warn("request_timeout",
                   {{"agency", agency_id}, {"remote", connection->remote}, {"stage", "body"}});
          timeouts_total.Increment();
          co_return;
        }
        if (body_error == http::error::body_limit) {
          response =
              ProblemResponse(TooLargeProblem("the request body is over this route's limit of " +
                                              std::to_string(body_limit) + " bytes"));
          keep_alive = false;
        } else if (body_error) {
          if (!IsHttpParseError(body_error) || body_error == http::error::partial_message) {
            co_return;  // the peer went away mid-body
          }
          response =
              ProblemResponse(MalformedRequestProblem("the request body is not well-formed"));
          keep_alive = false;
        }
      } else {
        keep_alive = false;  // unread body: the connection cannot be reused
      }
    }
    if (!response) {
      request.body = std::move(parser->get().body());
      response = co_await CallHandler(std::move(request));
    }

    keep_alive = keep_alive && !draining && !connection->dismissed &&
                 served + 1 < options.max_requests_per_connection;
    RecordRequest(method, agency_id, route, response->status, started);
    auto message = ToBeast(*response, version, keep_alive);
    stream.ExpiresAfter(options.write_timeout);
    auto [write_error, written] = co_await http::async_write(stream, message, kAwait);
    bytes_sent->Increment(written);
    connection->busy = false;
    if (write_error) co_return;
    if (!keep_alive) break;
  }
  co_await CloseTls(*connection);
}

// -------------------------------------------------------- admin sessions

HttpResponse Server::Impl::AdminResponse(const HttpRequest& request) {
  const std::string_view path = request.Path();
  const bool known = path == "/healthz" || path == "/readyz" || path == "/metrics";
  if (!known) return ProblemResponse(NotFoundProblem());
  if (request.method != "GET") {
    HttpResponse response = ProblemResponse(MethodNotAllowedProblem());
    response.headers.push_back({"Allow", "GET"});
    return response;
  }
  HttpResponse response;
  if (path == "/healthz") {
    response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
    response.body = "ok\n";
  } else if (path == "/readyz") {
    ServerOptions::Readiness more;
    if (options.readiness) more = options.readiness();
    if (running && !draining && current_config.load() && more.ready) {
      response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
      response.body = "ready\n";
      for (const std::string& line : more.lines) response.body += line + "\n";
    } else if (running && !draining && current_config.load()) {
      response = ProblemResponse(UnavailableProblem(more.detail));
    } else {
      response = ProblemResponse(
          UnavailableProblem(draining ? "the gateway is draining and takes no new connections"
                                      : "the gateway is not listening yet"));
    }
  } else {
    response.headers.push_back({"Content-Type", "text/plain; version=0.0.4; charset=utf-8"});
    response.body = metrics->RenderPrometheus();
  }
  return response;
}

asio::awaitable<void> Server::Impl::AdminSession(std::shared_ptr<AdminConnection> connection) {
  auto& stream = connection->stream;
  beast::flat_buffer buffer;
  std::optional<BeastRequestParser> parser;
  for (int served = 0; served < kAdminRequestsPerConnection; ++served) {
    if (finished) break;
    parser.emplace();
    parser->header_limit(kAdminHeaderLimit);
    parser->body_limit(kAdminBodyLimit);
    stream.expires_after(options.request_timeout);
    auto [read_error, read_bytes] = co_await http::async_read(stream, buffer, *parser, kAwait);
    if (read_error) break;
    connection->busy = true;
    const HttpRequest request = HeadFrom(*parser);
    const bool keep_alive = parser->get().keep_alive() && !finished;
    auto message = ToBeast(AdminResponse(request), parser->get().version(), keep_alive);
    stream.expires_after(options.write_timeout);
    auto [write_error, written] = co_await http::async_write(stream, message, kAwait);
    connection->busy = false;
    if (write_error || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.close();
}

// ----------------------------------------------------------------- Server

Result<std::unique_ptr<Server>, std::string> Server::Create(
    ServerOptions options, ServerConfig config, std::shared_ptr<RequestHandler> handler,
    std::shared_ptr<metrics::MetricsRegistry> metrics, ReloadConfig reload) {
  if (auto problem = ConfigProblem(config)) return Fail(std::move(*problem));
  if (!IsUsable(options.rate_limit)) {
    return Fail(std::string("rate_limit is not a finite, non-negative rate and burst"));
  }
  if (!handler) return Fail(std::string("no request handler"));
  if (!metrics) return Fail(std::string("no metrics registry"));
  if (options.io_threads < 1 || options.handler_threads < 1) {
    return Fail(std::string("io_threads and handler_threads must be at least 1"));
  }
  if (options.max_connections < 1 || options.max_requests_per_connection < 1 ||
      options.header_limit_bytes < 1024 || options.body_limit_bytes < 1) {
    return Fail(
        std::string("max_connections and max_requests_per_connection must be at least 1, "
                    "header_limit_bytes at least 1024 and body_limit_bytes at least 1"));
  }
  {
    boost::system::error_code ec;
    const auto admin = asio::ip::make_address(options.admin.host, ec);
    if (ec) return Fail(std::string("admin address is not an IP address"));
    // The admin listener has no authentication: loopback only.
    if (!admin.is_loopback()) {
      return Fail("admin listener must be on a loopback address, not " + options.admin.host);
    }
  }

  auto impl = std::make_unique<Impl>(std::move(options), std::move(config), std::move(handler),
                                     std::move(metrics), std::move(reload));
  if (auto listening = impl->Listen(impl->api_acceptor, impl->options.api, "API"); !listening) {
    return Fail(listening.error());
  }
  if (auto listening = impl->Listen(impl->admin_acceptor, impl->options.admin, "admin");
      !listening) {
    return Fail(listening.error());
  }
  return std::make_unique<Server>(PrivateTag{}, std::move(impl));
}

Server::Server(PrivateTag /*tag*/, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  // Run() has returned (or never ran): only the listeners may be open.
  boost::system::error_code ignored;
  impl_->api_acceptor.close(ignored);
  impl_->admin_acceptor.close(ignored);
  impl_->workers.join();
}

std::uint16_t Server::api_port() const {
  boost::system::error_code ec;
  return impl_->api_acceptor.local_endpoint(ec).port();
}

std::uint16_t Server::admin_port() const {
  boost::system::error_code ec;
  return impl_->admin_acceptor.local_endpoint(ec).port();
}

void Server::Run() {
  Impl& impl = *impl_;
  if (impl.run_started.exchange(true)) return;
  auto on_done = [&impl](const char* what) {
    return [&impl, what](const std::exception_ptr& failure) {
      if (failure) impl.log.Error("task_failed", {{"task", what}});
    };
  };
  asio::co_spawn(impl.control, impl.AcceptApi(), on_done("accept_api"));
  asio::co_spawn(impl.control, impl.AcceptAdmin(), on_done("accept_admin"));
  if (impl.signals) asio::co_spawn(impl.control, impl.WatchSignals(), on_done("signals"));
  impl.running = true;
  impl.log.Info("listening", {{"api_port", api_port()},
                              {"admin_port", admin_port()},
                              {"io_threads", impl.options.io_threads},
                              {"handler_threads", impl.options.handler_threads}});

  std::vector<std::thread> threads;
  for (int i = 1; i < impl.options.io_threads; ++i) {
    threads.emplace_back([&impl] { impl.io.run(); });
  }
  impl.io.run();
  for (auto& thread : threads) thread.join();
  impl.running = false;
  impl.workers.join();
  impl.log.Info("stopped");
}

void Server::Stop() {
  asio::post(impl_->control, [impl = impl_.get()] { impl->BeginDrain(); });
}

void Server::Reload() { impl_->StartReload(); }

bool Server::Ready() const {
  return impl_->running && !impl_->draining && impl_->current_config.load() != nullptr;
}

}  // namespace isagw::server
