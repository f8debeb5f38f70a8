#include "gateway/delivery/push_client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <deque>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "gateway/delivery/push_url.h"
#include "gateway/delivery/response_classifier.h"
#include "gateway/metrics/metrics_registry.h"
#include "gateway/tls/tls_policy.h"

namespace isagw::delivery {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = ssl::stream<beast::tcp_stream>;
using error_code = boost::system::error_code;

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kResponseHeaderLimit = 16 * 1024;
constexpr auto kShutdownTimeout = std::chrono::seconds(2);

PushResult Retry(std::string error) {
  PushResult result;
  result.kind = PushResult::Kind::kRetry;
  result.error = std::move(error);
  return result;
}

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  if (!in && !in.eof()) return std::nullopt;
  return std::move(content).str();
}

bool IsIpLiteral(const std::string& host) {
  error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

bool HasControlCharacter(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// Why a handshake failed, as a bounded class. The verify result says more
// than the TLS error when our check of the peer's certificate failed.
std::string HandshakeError(SSL* ssl, const error_code& ec) {
  if (ec == beast::error::timeout) return "handshake_timeout";
  switch (SSL_get_verify_result(ssl)) {
    case X509_V_OK:
      break;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return "hostname_mismatch";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "untrusted_certificate";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "certificate_expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "certificate_not_yet_valid";
    default:
      return "certificate_invalid";
  }
  if (ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == ssl::error::stream_truncated) {
    return "connection_closed";
  }
  return "tls_handshake_failed";
}

std::string ConnectError(const error_code& ec) {
  if (ec == beast::error::timeout) return "connect_timeout";
  if (ec == asio::error::connection_refused) return "connect_refused";
  return "connect_failed";
}

// The peer closed the connection (or said something unasked) while it sat
// idle: not worth writing a request to. Never blocks.
bool PeerHasClosed(TlsStream& stream) {
  const int fd = beast::get_lowest_layer(stream).socket().native_handle();
  char byte = 0;
  const ssize_t got = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (got < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
  return true;  // 0: closed; >0: an alert or stray bytes, either way unusable
}

struct Connection {
  Connection(asio::io_context& io, ssl::context& context) : stream(io, context) {}
  TlsStream stream;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since{};
  int requests = 0;
};
using ConnectionPtr = std::unique_ptr<Connection>;

// The connections to one endpoint, and the TLS context made for it.
struct Pool {
  registry::PushEndpoint endpoint;
  PushUrl url;
  std::unique_ptr<ssl::context> context;  // built once, complete, before any connection uses it
  std::vector<ConnectionPtr> idle;
  int open = 0;  // idle and busy
  std::deque<std::shared_ptr<asio::steady_timer>> waiters;
};

struct Exchange {
  std::optional<PushResult> result;  // unset: the connection was stale
  bool keep_alive = false;
};

}  // namespace

struct PushClient::Impl {
  explicit Impl(PushClientOptions opts) : options(std::move(opts)), sweeper(io) {
    if (options.clock == nullptr) options.clock = &system_clock;
    if (options.metrics != nullptr) {
      auto& m = *options.metrics;
      handshake_counter = &m.GetCounter("isagw_delivery_tls_handshakes_total",
                                        "TLS handshakes completed by the push client");
      open_gauge =
          &m.GetGauge("isagw_delivery_connections_open", "Connections the push client holds open");
      for (auto kind :
           {PushResult::Kind::kDelivered, PushResult::Kind::kRetry, PushResult::Kind::kPermanent}) {
        result_counters[static_cast<int>(kind)] =
            &m.GetCounter("isagw_delivery_push_results_total", "Push attempts by result",
                          {{"result", std::string(PushResultKindName(kind))}});
      }
    }
  }

  // ---- threads
  void Start() {
    thread = std::thread([this] { io.run(); });
    asio::co_spawn(io, Sweep(), asio::detached);
  }

  void Stop() {
    {
      std::lock_guard lock(spawn_mutex);
      if (stopped) return;
      stopped = true;
      asio::post(io, [this] {
        stopping = true;
        sweeper.cancel();
        for (auto& [key, pool] : pools) {
          for (auto& waiter : pool.waiters) waiter->cancel();
          pool.waiters.clear();
          for (auto& conn : pool.idle) CloseGracefully(pool, std::move(conn));
          pool.idle.clear();
        }
        work.reset();  // run() returns once attempts under way have finished
      });
    }
    if (thread.joinable()) thread.join();
  }

  // ---- attempts
  asio::awaitable<PushResult> Attempt(PushRequest request) {
    PushResult result = co_await AttemptOnPool(request);
    if (auto* counter = result_counters[static_cast<int>(result.kind)]) counter->Increment();
    co_return result;
  }

  asio::awaitable<PushResult> AttemptOnPool(const PushRequest& request) {
    if (HasControlCharacter(request.delivery_id) || HasControlCharacter(request.message_id) ||
        HasControlCharacter(request.content_type)) {
      PushResult refused;
      refused.kind = PushResult::Kind::kPermanent;
      refused.error = "invalid_request_header";
      co_return refused;
    }
    auto found = PoolFor(request.endpoint);
    if (!found.ok()) co_return Retry(found.error());
    Pool& pool = *found.value();
    // One retry on a fresh connection when a kept-alive one turns out to
    // have been closed by the recipient: a race, not a failure.
    for (int round = 0; round < 2; ++round) {
      auto [conn, refusal] = co_await Acquire(pool);
      if (!conn) co_return refusal;
      const bool reused = conn->requests > 0;
      Exchange exchange = co_await Send(pool, *conn, request);
      if (!exchange.result) {
        Discard(pool, std::move(conn));
        if (reused) continue;
        co_return Retry("connection_closed");
      }
      if (exchange.keep_alive) {
        Release(pool, std::move(conn));
      } else {
        CloseGracefully(pool, std::move(conn));
      }
      co_return *exchange.result;
    }
    co_return Retry("connection_closed");
  }

  // The endpoint's pool, making it (and its TLS context) on first use.
  Result<Pool*, std::string> PoolFor(const registry::PushEndpoint& endpoint) {
    const std::string key =
        endpoint.url + '\n' + endpoint.ca_file.string() + '\n' + endpoint.server_name;
    if (auto it = pools.find(key); it != pools.end()) return &it->second;
    auto url = ParsePushUrl(endpoint.url);
    if (!url) return Fail(std::string("endpoint_invalid"));
    if (endpoint.server_name.empty()) return Fail(std::string("endpoint_invalid"));
    auto context = BuildContext(endpoint);
    if (!context.ok()) return Fail(context.error());
    Pool& pool = pools[key];
    pool.endpoint = endpoint;
    pool.url = std::move(*url);
    pool.context = std::move(context).value();
    return &pool;
  }

  Result<std::unique_ptr<ssl::context>, std::string> BuildContext(
      const registry::PushEndpoint& endpoint) const {
    auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
    SSL_CTX* native = context->native_handle();
    ERR_clear_error();
    // The server's policy (gateway/tls/tls_policy.h) from this end too.
    if (!tls::ApplyTlsPolicy(native).ok()) return Fail(std::string("tls_configuration"));
    error_code ec;
    context->use_certificate_chain(asio::buffer(certificate_chain), ec);
    if (!ec) context->use_private_key(asio::buffer(private_key), ssl::context::pem, ec);
    if (ec) {
      ERR_clear_error();
      return Fail(std::string("client_certificate_unusable"));
    }
    // Only the endpoint's own CA: never the system's trust store.
    context->load_verify_file(endpoint.ca_file.string(), ec);
    if (ec) {
      ERR_clear_error();
      return Fail(std::string("ca_file_unusable"));
    }
    context->set_verify_mode(ssl::verify_peer);
    return context;
  }

  // A live connection to the pool's endpoint: an idle one, a new one, or
  // (at the pool's limit) the next one that comes free.
  asio::awaitable<std::pair<ConnectionPtr, PushResult>> Acquire(Pool& pool) {
    const auto give_up =
        std::chrono::steady_clock::now() + options.connect_timeout + options.handshake_timeout;
    for (;;) {
      if (stopping) co_return std::pair{nullptr, Retry("client_stopped")};
      while (!pool.idle.empty()) {
        ConnectionPtr conn = std::move(pool.idle.back());
        pool.idle.pop_back();
        const bool fresh =
            std::chrono::steady_clock::now() - conn->idle_since < options.idle_timeout;
        if (fresh && !PeerHasClosed(conn->stream))
          co_return std::pair{std::move(conn), PushResult{}};
        Discard(pool, std::move(conn));
      }
      if (pool.open < std::max(options.max_connections_per_endpoint, 1)) {
        ++pool.open;
        SetOpenGauge(+1);
        auto opened = co_await Open(pool);
        if (!opened.first) {
          --pool.open;
          SetOpenGauge(-1);
          WakeOne(pool);
        }
        co_return opened;
      }
      if (std::chrono::steady_clock::now() >= give_up) {
        co_return std::pair{nullptr, Retry("connection_pool_busy")};
      }
      auto waiter = std::make_shared<asio::steady_timer>(io, give_up);
      pool.waiters.push_back(waiter);
      co_await waiter->async_wait(kAwait);  // cancelled when a connection comes free
      std::erase(pool.waiters, waiter);
    }
  }

  asio::awaitable<std::pair<ConnectionPtr, PushResult>> Open(Pool& pool) {
    tcp::resolver resolver(io);
    auto [resolve_error, endpoints] =
        co_await resolver.async_resolve(pool.url.host, std::to_string(pool.url.port), kAwait);
    if (resolve_error) co_return std::pair{nullptr, Retry("resolve_failed")};

    auto conn = std::make_unique<Connection>(io, *pool.context);
    auto& tcp_layer = beast::get_lowest_layer(conn->stream);
    tcp_layer.expires_after(options.connect_timeout);
    auto [connect_error, connected] = co_await tcp_layer.async_connect(endpoints, kAwait);
    (void)connected;
    if (connect_error) co_return std::pair{nullptr, Retry(ConnectError(connect_error))};

    SSL* native = conn->stream.native_handle();
    const std::string& name = pool.endpoint.server_name;
    if (IsIpLiteral(name)) {
      // No SNI for addresses (RFC 6066); the address is checked instead.
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(native), name.c_str());
    } else {
      // SSL_set_tlsext_host_name is a macro with a C cast; this is its expansion.
      SSL_ctrl(native, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(name.c_str()));
      SSL_set_hostflags(native, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      SSL_set1_host(native, name.c_str());
    }
    tcp_layer.expires_after(options.handshake_timeout);
    auto [handshake_error] =
        co_await conn->stream.async_handshake(ssl::stream_base::client, kAwait);
    if (handshake_error) {
      std::string error = HandshakeError(native, handshake_error);
      ERR_clear_error();
      co_return std::pair{nullptr, Retry(std::move(error))};
    }
    tcp_layer.expires_never();
    handshake_count.fetch_add(1, std::memory_order_relaxed);
    if (handshake_counter != nullptr) handshake_counter->Increment();
    co_return std::pair{std::move(conn), PushResult{}};
  }

  // Writes the request and reads the answer. An unset result means the
  // connection was found closed before any answer began.
  asio::awaitable<Exchange> Send(Pool& pool, Connection& conn, const PushRequest& request) {
    http::request<http::string_body> req{http::verb::post, pool.url.target, 11};
    req.set(http::field::host, pool.url.authority);
    req.set(http::field::user_agent, "isagw-delivery/1");
    req.set(http::field::content_type, request.content_type);
    req.set("Isagw-Delivery-Id", request.delivery_id);
    req.set("Isagw-Message-Id", request.message_id);
    req.set("Idempotency-Key", request.delivery_id);
    req.keep_alive(true);
    req.body() = request.body;
    req.prepare_payload();

    if (conn.requests > 0) reuse_count.fetch_add(1, std::memory_order_relaxed);
    ++conn.requests;
    request_count.fetch_add(1, std::memory_order_relaxed);

    auto& tcp_layer = beast::get_lowest_layer(conn.stream);
    tcp_layer.expires_after(options.write_timeout);
    auto [write_error, written] = co_await http::async_write(conn.stream, req, kAwait);
    (void)written;
    if (write_error) {
      if (write_error == beast::error::timeout) co_return Exchange{Retry("write_timeout"), false};
      co_return Exchange{std::nullopt, false};  // the peer had gone
    }

    http::response_parser<http::string_body> parser;
    parser.header_limit(kResponseHeaderLimit);
    parser.body_limit(options.max_response_bytes);
    tcp_layer.expires_after(options.read_timeout);
    auto [read_error, read] = co_await http::async_read(conn.stream, conn.buffer, parser, kAwait);
    (void)read;
    if (read_error) {
      if (read_error == beast::error::timeout) co_return Exchange{Retry("read_timeout"), false};
      if (read_error == http::error::body_limit || read_error == http::error::header_limit) {
        co_return Exchange{Retry("response_too_large"), false};
      }
      if (!parser.got_some() &&
          (read_error == http::error::end_of_stream || read_error == asio::error::eof ||
           read_error == asio::error::connection_reset ||
           read_error == ssl::error::stream_truncated)) {
        co_return Exchange{std::nullopt, false};
      }
      if (read_error.category() == http::make_error_code(http::error::bad_target).category()) {
        co_return Exchange{Retry("bad_response"), false};
      }
      co_return Exchange{Retry("connection_closed"), false};
    }
    tcp_layer.expires_never();
    const auto& response = parser.get();
    PushResult result = ClassifyResponse(static_cast<int>(response.result_int()),
                                         response[http::field::retry_after], options.clock->Now());
    co_return Exchange{std::move(result), response.keep_alive()};
  }

  // ---- pool bookkeeping (I/O thread only)
  void Release(Pool& pool, ConnectionPtr conn) {
    conn->idle_since = std::chrono::steady_clock::now();
    if (stopping) {
      CloseGracefully(pool, std::move(conn));
      return;
    }
    pool.idle.push_back(std::move(conn));
    WakeOne(pool);
  }

  void Discard(Pool& pool, ConnectionPtr conn) {
    error_code ignored;
    beast::get_lowest_layer(conn->stream).socket().close(ignored);
    Forget(pool);
  }

  // Says goodbye properly (close_notify) within a short deadline.
  void CloseGracefully(Pool& pool, ConnectionPtr conn) {
    Forget(pool);
    asio::co_spawn(io, ShutDown(std::move(conn)), asio::detached);
  }

  static asio::awaitable<void> ShutDown(ConnectionPtr conn) {
    auto& tcp_layer = beast::get_lowest_layer(conn->stream);
    tcp_layer.expires_after(kShutdownTimeout);
    co_await conn->stream.async_shutdown(kAwait);  // errors are of no interest now
    error_code ignored;
    tcp_layer.socket().close(ignored);
  }

  void Forget(Pool& pool) {
    --pool.open;
    SetOpenGauge(-1);
    WakeOne(pool);
  }

  static void WakeOne(Pool& pool) {
    if (pool.waiters.empty()) return;
    pool.waiters.front()->cancel();
    pool.waiters.pop_front();
  }

  void SetOpenGauge(int by) {
    open_connections.fetch_add(by, std::memory_order_relaxed);
    if (open_gauge != nullptr) open_gauge->Add(by);
  }

  // Closes kept-alive connections nobody used for idle_timeout.
  asio::awaitable<void> Sweep() {
    for (;;) {
      sweeper.expires_after(std::max(options.idle_timeout / 2, std::chrono::milliseconds(100)));
      auto [ec] = co_await sweeper.async_wait(kAwait);
      if (ec || stopping) co_return;
      const auto now = std::chrono::steady_clock::now();
      for (auto& [key, pool] : pools) {
        std::vector<ConnectionPtr> keep;
        for (auto& conn : pool.idle) {
          if (now - conn->idle_since >= options.idle_timeout) {
            CloseGracefully(pool, std::move(conn));
          } else {
            keep.push_back(std::move(conn));
          }
        }
        pool.idle = std::move(keep);
      }
    }
  }

  PushClientOptions options;
  SystemClock system_clock;
  std::string certificate_chain;  // PEM, read once
  std::string private_key;        // PEM, read once; never logged

  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  asio::steady_timer sweeper;
  std::thread thread;
  std::mutex spawn_mutex;
  bool stopped = false;   // under spawn_mutex: Stop() was called
  bool stopping = false;  // I/O thread: no new connections

  std::map<std::string, Pool> pools;  // I/O thread only; nodes never move

  std::atomic<std::uint64_t> handshake_count{0};
  std::atomic<std::uint64_t> request_count{0};
  std::atomic<std::uint64_t> reuse_count{0};
  std::atomic<std::int64_t> open_connections{0};
  metrics::Counter* handshake_counter = nullptr;
  metrics::Gauge* open_gauge = nullptr;
  metrics::Counter* result_counters[3] = {nullptr, nullptr, nullptr};
};

PushClient::PushClient(PrivateTag /*tag*/, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PushClient::~PushClient() { Stop(); }

Result<std::unique_ptr<PushClient>, std::string> PushClient::Create(PushClientOptions options) {
  auto chain = ReadFile(options.certificate_chain);
  if (!chain)
    return Fail("cannot read the client certificate " + options.certificate_chain.string());
  auto key = ReadFile(options.private_key);
  if (!key) return Fail("cannot read the client key " + options.private_key.string());

  // Check the pair now, so a bad configuration fails at start, not at the
  // first delivery.
  ssl::context probe(ssl::context::tls_client);
  error_code ec;
  probe.use_certificate_chain(asio::buffer(*chain), ec);
  if (ec) {
    ERR_clear_error();
    return Fail("the client certificate " + options.certificate_chain.string() +
                " is not a PEM certificate chain");
  }
  probe.use_private_key(asio::buffer(*key), ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(probe.native_handle()) != 1) {
    ERR_clear_error();
    return Fail("the client key " + options.private_key.string() +
                " is unreadable or does not match " + options.certificate_chain.string());
  }

  auto impl = std::make_unique<Impl>(std::move(options));
  impl->certificate_chain = std::move(*chain);
  impl->private_key = std::move(*key);
  impl->Start();
  return std::make_unique<PushClient>(PrivateTag{}, std::move(impl));
}

void PushClient::Push(PushRequest request, Done done) {
  // Under the lock, an attempt is either refused here or queued before
  // Stop()'s own work, so its `done` always runs.
  std::unique_lock lock(impl_->spawn_mutex);
  if (impl_->stopped) {
    lock.unlock();
    done(Retry("client_stopped"));
    return;
  }
  asio::co_spawn(impl_->io, impl_->Attempt(std::move(request)),
                 [done = std::move(done)](std::exception_ptr failure, PushResult result) {
                   // Attempts report errors as values; an exception is a bug,
                   // and the delivery is simply tried again.
                   done(failure ? Retry("internal_error") : std::move(result));
                 });
}

PushResult PushClient::PushAndWait(PushRequest request) {
  std::promise<PushResult> promise;
  auto future = promise.get_future();
  Push(std::move(request), [&promise](PushResult result) { promise.set_value(std::move(result)); });
  return future.get();
}

void PushClient::Stop() { impl_->Stop(); }

PushClientStats PushClient::stats() const {
  return {impl_->handshake_count.load(), impl_->request_count.load(), impl_->reuse_count.load(),
          impl_->open_connections.load()};
}

}  // namespace isagw::delivery
