// The real server on loopback, with real TLS clients using the example
// PKI (certs-example/make-certs.sh, run by the example_certs fixture).
// No timed assertions: every client operation has a generous timeout so
// a broken server fails a test instead of hanging it.
#include "gateway/server/server.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cmath>
#include <csignal>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "gateway/metrics/metrics_registry.h"
#include "gateway/server/api_router.h"
#include "gateway/server/static_agency_identifier.h"
#include "tests/server/example_server_tls.h"
#include "tests/server/fake_api_service.h"

namespace isagw::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using testing::FakeApiService;

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
// Generous: only there so a broken server fails a test instead of hanging it.
constexpr auto kClientTimeout = std::chrono::seconds(60);
constexpr auto kWaitLimit = std::chrono::seconds(60);

using testing::CertPath;
// tests/server/make-crl-certs.sh's CAs, CRLs and clients.
std::string CrlCertPath(const std::string& name) {
  return std::string(ISAGW_TEST_CRL_CERTS_DIR) + "/" + name;
}

const std::vector<std::string> kAgencies = {
    "police-staffs", "police-derbys",
    "police-notts",  "police-met",
    "police-wyp",    "la-staffordshire",
    "la-stoke",      "la-derby",
    "la-nottingham", "la-croydon",
    "la-bradford",   "provider-brighter-futures"};  // provider-catch22 left out on purpose

std::shared_ptr<const AgencyIdentifier> IdentifierFor(const std::vector<std::string>& agencies) {
  std::vector<StaticAgencyIdentifier::Entry> entries;
  for (const auto& agency : agencies) entries.push_back({agency, AgencySanUri(agency), ""});
  return std::make_shared<StaticAgencyIdentifier>(std::move(entries));
}

ServerConfig ExampleConfig(const std::vector<std::string>& agencies = kAgencies) {
  return {testing::ExampleServerTls(), IdentifierFor(agencies)};
}

// The example server certificate in front of make-crl-certs.sh's client CA
// bundle: a CA whose CRL is `crl`, and a CA no configured CRL covers.
ServerConfig CrlTestConfig(const std::string& crl) {
  auto tls = ServerTlsContext::Load({CertPath("server.crt"),
                                     CertPath("server.key"),
                                     CrlCertPath("bundle.crt"),
                                     {CrlCertPath(crl)},
                                     false});
  if (!tls.ok()) {
    ADD_FAILURE() << "CRL test TLS context: " << tls.error();
    std::abort();
  }
  return {tls.value(), IdentifierFor(kAgencies)};
}

// A client TLS context: trusts the example CA, presents `identity`'s
// certificate (none when empty) from `directory`, and optionally caps the
// TLS version.
std::shared_ptr<ssl::context> ClientContext(const std::string& identity, int max_version = 0,
                                            const std::string& directory = ISAGW_TEST_CERTS_DIR) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->load_verify_file(CertPath("ca.crt"));
  context->set_verify_mode(ssl::verify_peer);
  if (!identity.empty()) {
    context->use_certificate_chain_file(directory + "/" + identity + ".crt");
    context->use_private_key_file(directory + "/" + identity + ".key", ssl::context::pem);
  }
  if (max_version != 0) {
    // Let this client offer old versions at all (Debian's defaults forbid them).
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(context->native_handle(), max_version);
    SSL_CTX_set_cipher_list(context->native_handle(), "DEFAULT:@SECLEVEL=0");
  }
  return context;
}

struct Reply {
  boost::system::error_code error;
  int status = 0;
  std::string body;
  http::fields headers;
  bool keep_alive = false;

  std::string Header(http::field name) const { return std::string(headers[name]); }
  std::string Header(const char* name) const { return std::string(headers[name]); }
  nlohmann::json Json() const { return nlohmann::json::parse(body); }
  static Reply Failed(boost::system::error_code error) {
    Reply reply;
    reply.error = error;
    return reply;
  }
};

// Runs `task` to completion on `io` (nothing else is running on it).
template <typename T>
T RunOn(asio::io_context& io, asio::awaitable<T> task) {
  auto future = asio::co_spawn(io, std::move(task), asio::use_future);
  io.restart();
  io.run();
  return future.get();
}

// An HTTPS client on one connection, driven by the test thread.
class Client {
 public:
  Client(asio::io_context& io, std::shared_ptr<ssl::context> context, std::uint16_t port)
      : io_(io), context_(std::move(context)), port_(port) {}

  boost::system::error_code Connect() { return RunOn(io_, ConnectAsync()); }
  Reply Request(const std::string& method, const std::string& target,
                const std::vector<HttpHeader>& headers = {}, const std::string& body = "") {
    return RunOn(io_, RequestAsync(method, target, headers, body));
  }
  // Writes `bytes` as they are and reads one response.
  Reply Raw(const std::string& bytes) { return RunOn(io_, RawAsync(bytes)); }
  // Writes one byte at a time, `pause` apart; returns how many were written
  // before the connection failed (all of them when it never did).
  std::size_t Trickle(const std::string& bytes, std::chrono::milliseconds pause) {
    return RunOn(io_, TrickleAsync(bytes, pause));
  }

  int TlsVersion() { return SSL_version(stream_->native_handle()); }
  // The session the last handshake made (with any ticket the server sent
  // since), to offer on the next Connect. Answers whether the server gave
  // the means to resume it: a TLS 1.3 ticket, or a TLS 1.2 session id.
  bool OfferSessionOfLastConnection() {
    offered_.reset(SSL_get1_session(stream_->native_handle()));
    return offered_ && SSL_SESSION_is_resumable(offered_.get()) == 1;
  }
  // Whether the server took the offered session.
  bool Resumed() { return SSL_session_reused(stream_->native_handle()) == 1; }

  asio::awaitable<boost::system::error_code> ConnectAsync() {
    stream_.emplace(io_, *context_);
    if (offered_) SSL_set_session(stream_->native_handle(), offered_.get());
    // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
    static char kHost[] = "localhost";
    SSL_ctrl(stream_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             kHost);
    stream_->set_verify_callback(ssl::host_name_verification("localhost"));
    auto& layer = beast::get_lowest_layer(*stream_);
    layer.expires_after(kClientTimeout);
    auto [connect_error] = co_await layer.async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), kAwait);
    if (connect_error) co_return connect_error;
    layer.expires_after(kClientTimeout);
    auto [handshake_error] = co_await stream_->async_handshake(ssl::stream_base::client, kAwait);
    co_return handshake_error;
  }

  asio::awaitable<Reply> RequestAsync(std::string method, std::string target,
                                      std::vector<HttpHeader> headers, std::string body) {
    http::request<http::string_body> request;
    request.method_string(method);
    request.target(target);
    request.version(11);
    request.set(http::field::host, "localhost");
    for (const auto& header : headers) request.set(header.name, header.value);
    request.body() = std::move(body);
    if (method == "POST" || !request.body().empty()) request.prepare_payload();
    beast::get_lowest_layer(*stream_).expires_after(kClientTimeout);
    auto [write_error, written] = co_await http::async_write(*stream_, request, kAwait);
    if (write_error) co_return Reply::Failed(write_error);
    co_return co_await ReadReply();
  }

  asio::awaitable<Reply> RawAsync(std::string bytes) {
    beast::get_lowest_layer(*stream_).expires_after(kClientTimeout);
    auto [write_error, written] = co_await asio::async_write(*stream_, asio::buffer(bytes), kAwait);
    if (write_error) co_return Reply::Failed(write_error);
    co_return co_await ReadReply();
  }

  asio::awaitable<std::size_t> TrickleAsync(std::string bytes, std::chrono::milliseconds pause) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      beast::get_lowest_layer(*stream_).expires_after(kClientTimeout);
      auto [write_error, written] =
          co_await asio::async_write(*stream_, asio::buffer(bytes.data() + i, 1), kAwait);
      if (write_error) co_return i;
      asio::steady_timer timer(io_, pause);
      co_await timer.async_wait(kAwait);
    }
    co_return bytes.size();
  }

  asio::awaitable<Reply> ReadReply() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::get_lowest_layer(*stream_).expires_after(kClientTimeout);
    auto [read_error, read] = co_await http::async_read(*stream_, buffer_, parser, kAwait);
    Reply reply;
    reply.error = read_error;
    if (read_error) co_return reply;
    auto message = parser.release();
    reply.status = static_cast<int>(message.result_int());
    reply.body = message.body();
    reply.keep_alive = message.keep_alive();
    reply.headers = message.base();
    co_return reply;
  }

 private:
  asio::io_context& io_;
  std::shared_ptr<ssl::context> context_;
  std::uint16_t port_;
  std::optional<ssl::stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
  std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)> offered_{nullptr, &SSL_SESSION_free};
};

// A GET on the plain-HTTP admin listener.
Reply AdminGet(std::uint16_t port, const std::string& target, const std::string& method = "GET") {
  asio::io_context io;
  return RunOn(io, [&]() -> asio::awaitable<Reply> {
    beast::tcp_stream stream(io);
    stream.expires_after(kClientTimeout);
    auto [connect_error] = co_await stream.async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), kAwait);
    if (connect_error) co_return Reply::Failed(connect_error);
    http::request<http::empty_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "localhost");
    auto [write_error, written] = co_await http::async_write(stream, request, kAwait);
    if (write_error) co_return Reply::Failed(write_error);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    auto [read_error, read] = co_await http::async_read(stream, buffer, response, kAwait);
    Reply reply = Reply::Failed(read_error);
    if (!read_error) {
      reply.status = static_cast<int>(response.result_int());
      reply.body = response.body();
      reply.headers = response.base();
    }
    co_return reply;
  }());
}

bool WaitUntil(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

void ExpectProblem(const Reply& reply, int status, const std::string& type) {
  ASSERT_FALSE(reply.error) << reply.error.message();
  EXPECT_EQ(reply.status, status);
  EXPECT_EQ(reply.Header(http::field::content_type), "application/problem+json");
  const auto body = reply.Json();
  EXPECT_EQ(body["status"], status);
  EXPECT_EQ(body["type"], type);
  EXPECT_TRUE(body.contains("title"));
}

class ServerTest : public ::testing::Test {
 protected:
  static ServerOptions TestOptions() {
    ServerOptions options;
    options.api = {"127.0.0.1", 0};
    options.admin = {"127.0.0.1", 0};
    options.io_threads = 2;
    options.handler_threads = 2;
    options.handle_signals = false;
    options.header_limit_bytes = 4096;
    options.body_limit_bytes = 4096;
    options.batch_body_limit_bytes = 16384;
    options.rate_limit = {1000, 1000};
    // Test clients do not answer close_notify while idle: do not wait long.
    options.shutdown_timeout = std::chrono::milliseconds(200);
    return options;
  }

  void StartServer(ServerOptions options = TestOptions(), ReloadConfig reload = nullptr,
                   ServerConfig config = ExampleConfig()) {
    options.log_sink = [this](std::string_view line) {
      std::lock_guard lock(log_mutex_);
      log_lines_.emplace_back(line);
    };
    auto router = std::make_shared<ApiRouter>(service_, options.batch_body_limit_bytes);
    auto created = Server::Create(options, std::move(config), router, metrics_, std::move(reload));
    ASSERT_TRUE(created.ok()) << created.error();
    server_ = std::move(created).value();
    std::promise<void> done;
    run_done_ = done.get_future();
    thread_ = std::thread([this, done = std::move(done)]() mutable {
      server_->Run();
      done.set_value();
    });
    ASSERT_TRUE(WaitUntil([this] { return server_->Ready(); }));
  }

  void TearDown() override { StopServer(); }

  void StopServer() {
    if (!server_) return;
    server_->Stop();
    WaitForRunToReturn();
  }

  void WaitForRunToReturn() {
    if (run_done_.wait_for(kWaitLimit) != std::future_status::ready) {
      ADD_FAILURE() << "the server did not stop";
      std::abort();  // a hung server thread cannot be joined or detached safely
    }
    thread_.join();
    server_.reset();
  }

  std::uint64_t Counter(const std::string& name, const metrics::Labels& labels = {}) {
    return metrics_->GetCounter(name, "", labels).Value();
  }
  std::uint64_t Refusals(const std::string& reason) {
    return Counter("isagw_tls_handshake_refusals_total", {{"reason", reason}});
  }
  std::int64_t OpenConnections() {
    return metrics_->GetGauge("isagw_connections_active", "").Value();
  }

  Client NewClient(const std::string& identity, int max_version = 0) {
    return Client(io_, ClientContext(identity, max_version), server_->api_port());
  }
  // Connects with `context` and sends one request; any failure is in the reply.
  Reply RequestWith(std::shared_ptr<ssl::context> context, const std::string& method,
                    const std::string& target) {
    Client client(io_, std::move(context), server_->api_port());
    if (auto error = client.Connect()) return Reply::Failed(error);
    return client.Request(method, target);
  }
  Reply RequestAs(const std::string& identity, const std::string& method, const std::string& target,
                  int max_version = 0) {
    return RequestWith(ClientContext(identity, max_version), method, target);
  }

  // A refused certificate: no HTTP response, no handler call, and the
  // refusal counted under `reason` and logged.
  void ExpectRefusedBeforeAnyHandler(const std::string& identity, const std::string& reason,
                                     int max_version = 0) {
    ExpectRefusedBeforeAnyHandlerWith(ClientContext(identity, max_version), reason);
  }
  void ExpectRefusedBeforeAnyHandlerWith(std::shared_ptr<ssl::context> context,
                                         const std::string& reason) {
    const Reply reply = RequestWith(std::move(context), "GET", "/v1/inbox");
    EXPECT_TRUE(reply.error) << "got HTTP " << reply.status;
    EXPECT_EQ(reply.status, 0);
    EXPECT_TRUE(WaitUntil([&] { return Refusals(reason) == 1; })) << reason;
    EXPECT_EQ(service_->CallCount(), 0);
    EXPECT_TRUE(LogHas("\"reason\":\"" + reason + "\""));
  }

  bool LogHas(const std::string& text) {
    std::lock_guard lock(log_mutex_);
    for (const auto& line : log_lines_) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<std::string> LogLines() {
    std::lock_guard lock(log_mutex_);
    return log_lines_;
  }

  std::shared_ptr<FakeApiService> service_ = std::make_shared<FakeApiService>();
  std::shared_ptr<metrics::MetricsRegistry> metrics_ = std::make_shared<metrics::MetricsRegistry>();
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::future<void> run_done_;
  asio::io_context io_;
  std::mutex log_mutex_;
  std::vector<std::string> log_lines_;
};

// ------------------------------------------------------------- identity

TEST_F(ServerTest, AcceptsAnAgencyWithAGoodCertificateAndPassesItsIdentity) {
  StartServer();
  const Reply reply = RequestAs("la-derby", "GET", "/v1/inbox");
  ASSERT_FALSE(reply.error) << reply.error.message();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.Json()["items"], nlohmann::json::array({"inbox-derby-1"}));
  EXPECT_EQ(reply.Header(http::field::cache_control), "no-store");
  ASSERT_EQ(service_->Calls().size(), 1u);
  EXPECT_EQ(service_->Calls()[0].agency_id, "la-derby");
  EXPECT_TRUE(LogHas("\"event\":\"connection_identified\""));
}

TEST_F(ServerTest, RefusesAClientWithoutACertificate) {
  StartServer();
  ExpectRefusedBeforeAnyHandler("", "no_certificate");
}

TEST_F(ServerTest, TellsTheAuditOfEveryRefusedHandshake) {
  std::mutex mutex;
  std::vector<HandshakeRefusal> refusals;
  ServerOptions options = TestOptions();
  options.on_handshake_refused = [&](const HandshakeRefusal& refusal) {
    std::lock_guard lock(mutex);
    refusals.push_back(refusal);
  };
  StartServer(options);
  ExpectRefusedBeforeAnyHandler("", "no_certificate");
  ExpectRefusedBeforeAnyHandler("revoked", "revoked");
  std::lock_guard lock(mutex);
  ASSERT_EQ(refusals.size(), 2u);
  EXPECT_EQ(refusals[0].reason, "no_certificate");
  EXPECT_FALSE(refusals[0].certificate_sha256.has_value());
  EXPECT_EQ(refusals[1].reason, "revoked");
  EXPECT_TRUE(refusals[1].remote.starts_with("127.0.0.1:")) << refusals[1].remote;
}

// A resumed session would skip the certificate checks a CRL reloaded since
// must apply (threat API-S7): the server keeps no session cache and sends
// no tickets, so an offered session is never taken, in TLS 1.3 or 1.2.
TEST_F(ServerTest, NeverResumesASession) {
  StartServer();
  for (int max_version : {0, TLS1_2_VERSION}) {
    Client client = NewClient("la-derby", max_version);
    ASSERT_FALSE(client.Connect());
    ASSERT_EQ(client.Request("GET", "/v1/inbox").status, 200);  // a 1.3 ticket would be in
    EXPECT_FALSE(client.OfferSessionOfLastConnection()) << "no ticket, no session id";
    ASSERT_FALSE(client.Connect());
    EXPECT_FALSE(client.Resumed()) << max_version;
    EXPECT_EQ(client.Request("GET", "/v1/inbox").status, 200);
  }
}

TEST_F(ServerTest, RefusesAnExpiredCertificate) {
  StartServer();
  ExpectRefusedBeforeAnyHandler("expired", "expired");
}

TEST_F(ServerTest, RefusesACertificateNotYetValid) {
  StartServer();
  ExpectRefusedBeforeAnyHandler("future", "not_yet_valid");
}

TEST_F(ServerTest, RefusesARevokedCertificate) {
  StartServer();
  ExpectRefusedBeforeAnyHandler("revoked", "revoked");
}

TEST_F(ServerTest, RefusesACertificateFromAnotherCa) {
  StartServer();
  ExpectRefusedBeforeAnyHandler("wrong-ca", "untrusted_issuer");
}

TEST_F(ServerTest, RefusesTls11) {
  StartServer();
  ExpectRefusedBeforeAnyHandler("la-derby", "protocol_version", TLS1_1_VERSION);
}

TEST_F(ServerTest, AcceptsTls12WithAnAeadSuite) {
  StartServer();
  auto context = ClientContext("la-derby");
  SSL_CTX_set_max_proto_version(context->native_handle(), TLS1_2_VERSION);
  Client tls12(io_, context, server_->api_port());
  ASSERT_FALSE(tls12.Connect());
  EXPECT_EQ(tls12.TlsVersion(), TLS1_2_VERSION);
  EXPECT_EQ(tls12.Request("GET", "/v1/inbox").status, 200);
}

TEST_F(ServerTest, PrefersTls13) {
  StartServer();
  Client client = NewClient("la-derby");
  ASSERT_FALSE(client.Connect());
  EXPECT_EQ(client.TlsVersion(), TLS1_3_VERSION);
}

// ---------------------------------------------------------- CRL currency

TEST_F(ServerTest, AcceptsAClientWhoseCaHasACurrentCrl) {
  StartServer(TestOptions(), nullptr, CrlTestConfig("crl-ca-current.crl"));
  const Reply reply =
      RequestWith(ClientContext("crl-client", 0, ISAGW_TEST_CRL_CERTS_DIR), "GET", "/v1/inbox");
  ASSERT_FALSE(reply.error) << reply.error.message();
  EXPECT_EQ(reply.status, 200);
  EXPECT_FALSE(LogHas("crl_out_of_date"));
}

TEST_F(ServerTest, RefusesEveryClientOfACaWhoseCrlHasExpired) {
  StartServer(TestOptions(), nullptr, CrlTestConfig("crl-ca-expired.crl"));
  // Warned at start, with the date, before any client is refused.
  EXPECT_TRUE(LogHas("\"event\":\"crl_out_of_date\""));
  EXPECT_TRUE(LogHas("\"next_update\":\"2020-02-01T00:00:00Z\""));
  EXPECT_EQ(metrics_->GetGauge("isagw_tls_crl_next_update_timestamp_seconds", "").Value(),
            1580515200);
  // A certificate that is good in every other way.
  ExpectRefusedBeforeAnyHandlerWith(ClientContext("crl-client", 0, ISAGW_TEST_CRL_CERTS_DIR),
                                    "crl_unavailable");
  EXPECT_TRUE(LogHas("\"verify_error\":\"CRL has expired\""));
}

TEST_F(ServerTest, RefusesAClientWhoseCaHasNoCrl) {
  StartServer(TestOptions(), nullptr, CrlTestConfig("crl-ca-current.crl"));
  ExpectRefusedBeforeAnyHandlerWith(ClientContext("no-crl-client", 0, ISAGW_TEST_CRL_CERTS_DIR),
                                    "crl_unavailable");
  EXPECT_TRUE(LogHas("\"verify_error\":\"unable to get certificate CRL\""));
}

TEST_F(ServerTest, AReloadWithAFreshCrlLetsTheCasClientsBackIn) {
  StartServer(
      TestOptions(),
      [] { return Result<ServerConfig, std::string>(CrlTestConfig("crl-ca-current.crl")); },
      CrlTestConfig("crl-ca-expired.crl"));
  auto context = ClientContext("crl-client", 0, ISAGW_TEST_CRL_CERTS_DIR);
  EXPECT_TRUE(RequestWith(context, "GET", "/v1/inbox").error);
  ASSERT_TRUE(WaitUntil([&] { return Refusals("crl_unavailable") == 1; }));

  server_->Reload();
  ASSERT_TRUE(WaitUntil([&] {
    return Counter("isagw_config_reloads_total", {{"result", "ok"}}) == 1;
  }));
  EXPECT_GT(metrics_->GetGauge("isagw_tls_crl_next_update_timestamp_seconds", "").Value(),
            1580515200);
  EXPECT_EQ(RequestWith(context, "GET", "/v1/inbox").status, 200);
  EXPECT_EQ(Refusals("crl_unavailable"), 1u);
}

TEST_F(ServerTest, RefusesAValidCertificateOfAnUnregisteredAgency) {
  StartServer();
  ExpectRefusedBeforeAnyHandler("provider-catch22", "unknown_agency");
  // The log names the certificate by serial and fingerprint only.
  EXPECT_TRUE(LogHas("\"certificate_sha256\""));
}

TEST_F(ServerTest, AgencyCannotReadAnotherAgencysMailboxOrMessageStatus) {
  StartServer();
  Client derby = NewClient("la-derby");
  ASSERT_FALSE(derby.Connect());
  EXPECT_EQ(derby.Request("GET", "/v1/inbox").Json()["items"],
            nlohmann::json::array({"inbox-derby-1"}));
  EXPECT_EQ(derby.Request("GET", "/v1/inbox/inbox-stoke-1").status, 404);
  EXPECT_EQ(derby.Request("POST", "/v1/inbox/inbox-stoke-1/ack").status, 404);
  EXPECT_EQ(derby.Request("GET", "/v1/messages/msg-stoke-1").status, 404);
  EXPECT_EQ(derby.Request("GET", "/v1/messages/msg-derby-1").status, 200);

  Client stoke = NewClient("la-stoke");
  ASSERT_FALSE(stoke.Connect());
  EXPECT_EQ(stoke.Request("GET", "/v1/inbox/inbox-stoke-1").status, 200);
  EXPECT_EQ(stoke.Request("POST", "/v1/inbox/inbox-stoke-1/ack").status, 204);

  for (const auto& call : service_->Calls()) {
    EXPECT_TRUE(call.agency_id == "la-derby" || call.agency_id == "la-stoke");
    if (call.id.find("stoke") != std::string::npos && call.agency_id == "la-derby") {
      EXPECT_TRUE(call.method == "GetInboxItem" || call.method == "AckInboxItem" ||
                  call.method == "GetMessageStatus");
    }
  }
  EXPECT_EQ(service_->Calls().size(), 7u);
}

// --------------------------------------------------------- problem+json

TEST_F(ServerTest, Answers413WithProblemJsonForADeclaredBodyOverTheLimit) {
  StartServer();
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  const Reply reply = client.Raw(
      "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n"
      "Content-Type: application/vnd.isagw.compact+json\r\nContent-Length: 100000\r\n\r\n");
  ExpectProblem(reply, 413, isagw::problem_type::kTooLarge);
  EXPECT_FALSE(reply.keep_alive);
  EXPECT_EQ(service_->CallCount(), 0);
}

TEST_F(ServerTest, GivesBatchesTheirLargerBodyLimit) {
  StartServer();
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  const std::string batch(8000, 'x');  // over the message limit, under the batch limit
  EXPECT_EQ(client.Request("POST", "/v1/batches", {{"Content-Type", "application/x-ndjson"}}, batch)
                .status,
            202);
  ASSERT_EQ(service_->Calls().size(), 1u);
  EXPECT_EQ(service_->Calls()[0].body.size(), batch.size());
}

TEST_F(ServerTest, Answers415WithProblemJsonAndKeepsTheConnection) {
  StartServer();
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  const Reply reply =
      client.Request("POST", "/v1/messages", {{"Content-Type", "text/plain"}}, "hello");
  ExpectProblem(reply, 415, isagw::problem_type::kUnsupportedFormat);
  EXPECT_TRUE(reply.keep_alive);
  // The small refused body was read and dropped: the connection still works.
  EXPECT_EQ(client.Request("GET", "/v1/inbox").status, 200);
  EXPECT_EQ(service_->CallCount(), 1);
}

TEST_F(ServerTest, Answers429WithRetryAfterWhenAnAgencyIsOverItsRate) {
  ServerConfig config = ExampleConfig();
  config.agency_rate_limits["police-staffs"] = {0.001, 2};  // two, then one per 1000 s
  StartServer(TestOptions(), nullptr, std::move(config));
  Client client = NewClient("police-staffs");
  ASSERT_FALSE(client.Connect());
  EXPECT_EQ(client.Request("GET", "/v1/inbox").status, 200);
  EXPECT_EQ(client.Request("GET", "/v1/inbox").status, 200);
  const Reply reply = client.Request("GET", "/v1/inbox");
  ExpectProblem(reply, 429, problem_type::kRateLimited);
  EXPECT_GE(std::stoi(reply.Header("Retry-After")), 1);
  EXPECT_EQ(Counter("isagw_rate_limited_total", {{"agency", "police-staffs"}}), 1u);
  // Another agency has its own bucket.
  EXPECT_EQ(RequestAs("police-derbys", "GET", "/v1/inbox").status, 200);
  EXPECT_EQ(service_->CallCount(), 3);
}

TEST_F(ServerTest, Answers400WithProblemJsonForMalformedHttp) {
  StartServer();
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  const Reply reply =
      client.Raw("GET /v1/inbox HTTP/1.1\r\nHost: localhost\r\nNo colon here\r\n\r\n");
  ExpectProblem(reply, 400, isagw::problem_type::kMalformed);
  EXPECT_EQ(service_->CallCount(), 0);
}

TEST_F(ServerTest, Answers400ForATargetThatIsNotAPath) {
  StartServer();
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  ExpectProblem(client.Raw("GET http://localhost/v1/inbox HTTP/1.1\r\nHost: localhost\r\n\r\n"),
                400, isagw::problem_type::kMalformed);
  EXPECT_EQ(service_->CallCount(), 0);
}

// RFC 9112 §3.2: a balancer and the gateway could route a request with no
// Host or two apart. HTTP/1.0 needs none.
TEST_F(ServerTest, Answers400ForAnHttp11RequestWithoutExactlyOneHost) {
  StartServer();
  for (const char* raw : {"GET /v1/inbox HTTP/1.1\r\n\r\n",
                          "GET /v1/inbox HTTP/1.1\r\nHost: localhost\r\nHost: evil\r\n\r\n"}) {
    Client client = NewClient("police-derbys");
    ASSERT_FALSE(client.Connect());
    ExpectProblem(client.Raw(raw), 400, isagw::problem_type::kMalformed);
  }
  EXPECT_EQ(service_->CallCount(), 0);
  Client old = NewClient("police-derbys");
  ASSERT_FALSE(old.Connect());
  EXPECT_EQ(old.Raw("GET /v1/inbox HTTP/1.0\r\n\r\n").status, 200);
}

TEST_F(ServerTest, Answers400ForAMalformedIdempotencyKey) {
  StartServer();
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  const Reply reply = client.Request(
      "POST", "/v1/messages",
      {{"Content-Type", "application/json"}, {"Idempotency-Key", "has space"}}, "{}");
  ExpectProblem(reply, 400, isagw::problem_type::kMalformed);
  EXPECT_EQ(reply.Json()["errors"][0]["code"], "pattern");
  EXPECT_EQ(service_->CallCount(), 0);
}

TEST_F(ServerTest, Answers431WithProblemJsonForHeadersOverTheLimit) {
  StartServer();
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  const Reply reply = client.Request("GET", "/v1/inbox", {{"X-Padding", std::string(5000, 'p')}});
  ExpectProblem(reply, 431, problem_type::kHeadersTooLarge);
  EXPECT_EQ(service_->CallCount(), 0);
}

TEST_F(ServerTest, Answers404And405WithProblemJson) {
  StartServer();
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  ExpectProblem(client.Request("GET", "/v1/nothing-here"), 404, problem_type::kNotFound);
  const Reply reply = client.Request("PUT", "/v1/inbox", {}, "x");
  ExpectProblem(reply, 405, problem_type::kMethodNotAllowed);
  EXPECT_EQ(reply.Header(http::field::allow), "GET");
  EXPECT_EQ(service_->CallCount(), 0);
}

TEST_F(ServerTest, Answers500WithProblemJsonWhenTheHandlerThrowsAndLogsNoInput) {
  service_->throw_on_batch = true;
  StartServer();
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  const Reply reply = client.Request("POST", "/v1/batches", {{"Content-Type", "text/csv"}},
                                     "MisperForename\nAlex\n");
  ExpectProblem(reply, 500, problem_type::kInternal);
  EXPECT_TRUE(LogHas("\"event\":\"handler_failed\""));
  EXPECT_FALSE(LogHas("Alex"));
  // The connection survives the failure.
  EXPECT_EQ(client.Request("GET", "/v1/inbox").status, 200);
}

TEST_F(ServerTest, SubmitsAMessageWithItsFormatAndIdempotencyKey) {
  StartServer();
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  const Reply reply = client.Request(
      "POST", "/v1/messages",
      {{"Content-Type", "application/vnd.isagw.compact+json"}, {"Idempotency-Key", "k-1"}},
      R"({"RecordType":"MISSING_REPORT"})");
  EXPECT_EQ(reply.status, 202);
  ASSERT_EQ(service_->Calls().size(), 1u);
  const auto call = service_->Calls()[0];
  EXPECT_EQ(call.id, "compact");
  EXPECT_EQ(call.agency_id, "police-derbys");
  EXPECT_EQ(call.idempotency_key, "k-1");
  EXPECT_EQ(call.body, R"({"RecordType":"MISSING_REPORT"})");
  EXPECT_EQ(Counter("isagw_http_requests_total", {{"route", "/v1/messages"},
                                                  {"method", "POST"},
                                                  {"status", "202"},
                                                  {"agency", "police-derbys"}}),
            1u);
}

TEST_F(ServerTest, LogsNoRequestContent) {
  StartServer();
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  const std::string body = R"({"MisperForename":"Alex","MisperSurname":"Example"})";
  client.Request("POST", "/v1/messages", {{"Content-Type", "text/plain"}}, body);
  client.Request("POST", "/v1/messages", {{"Content-Type", "application/vnd.isagw.compact+json"}},
                 body);
  client.Request("GET", "/v1/messages/Alex-Example");
  StopServer();
  const auto lines = LogLines();
  ASSERT_FALSE(lines.empty());
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("Alex"), std::string::npos) << line;
    EXPECT_EQ(line.find("Example"), std::string::npos) << line;
    const auto parsed = nlohmann::json::parse(line);
    EXPECT_TRUE(parsed.contains("event"));
    EXPECT_TRUE(parsed.contains("ts"));
  }
}

// --------------------------------------------------------------- limits

TEST_F(ServerTest, CutsOffASlowClientThatTricklesItsHeaders) {
  ServerOptions options = TestOptions();
  options.request_timeout = std::chrono::milliseconds(1000);
  StartServer(options);
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  const std::string request =
      "GET /v1/inbox HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(300, 's') + "\r\n\r\n";
  // 50 ms a byte: the whole request would take 15 s, far over the 1 s limit.
  const std::size_t sent = client.Trickle(request, std::chrono::milliseconds(50));
  EXPECT_LT(sent, request.size());
  EXPECT_TRUE(WaitUntil([&] { return Counter("isagw_http_request_timeouts_total") == 1; }));
  EXPECT_EQ(service_->CallCount(), 0);
}

TEST_F(ServerTest, AKeptAliveConnectionMayWaitForItsNextRequestLongerThanARequestMayTake) {
  ServerOptions options = TestOptions();
  options.request_timeout = std::chrono::milliseconds(300);
  options.idle_timeout = std::chrono::seconds(60);
  StartServer(options);
  Client client = NewClient("la-derby");
  ASSERT_FALSE(client.Connect());
  EXPECT_EQ(client.Request("GET", "/v1/inbox").status, 200);
  // Three request timeouts of quiet: an agency's system between two polls.
  std::this_thread::sleep_for(std::chrono::milliseconds(900));
  const Reply second = client.Request("GET", "/v1/inbox");
  ASSERT_FALSE(second.error) << second.error.message();
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(Counter("isagw_http_request_timeouts_total"), 0u);
  EXPECT_EQ(Counter("isagw_connections_idle_closed_total"), 0u);
}

TEST_F(ServerTest, ClosesAKeptAliveConnectionPolitelyAfterItsIdleTimeout) {
  ServerOptions options = TestOptions();
  options.idle_timeout = std::chrono::milliseconds(300);
  StartServer(options);
  Client client = NewClient("la-derby");
  ASSERT_FALSE(client.Connect());
  EXPECT_EQ(client.Request("GET", "/v1/inbox").status, 200);
  // The server's close_notify ends the stream cleanly: not a truncation.
  const Reply after = RunOn(io_, client.ReadReply());
  EXPECT_EQ(after.error, http::error::end_of_stream) << after.error.message();
  EXPECT_TRUE(WaitUntil([&] { return Counter("isagw_connections_idle_closed_total") == 1; }));
  EXPECT_TRUE(WaitUntil([&] { return OpenConnections() == 0; }));
  EXPECT_EQ(Counter("isagw_http_request_timeouts_total"), 0u);
  EXPECT_FALSE(LogHas("request_timeout"));
}

TEST_F(ServerTest, ARequestBegunAfterAnIdlePauseMustStillArriveInTime) {
  ServerOptions options = TestOptions();
  options.request_timeout = std::chrono::milliseconds(1000);
  options.idle_timeout = std::chrono::seconds(60);
  StartServer(options);
  Client client = NewClient("police-derbys");
  ASSERT_FALSE(client.Connect());
  EXPECT_EQ(client.Request("GET", "/v1/inbox").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Its first byte ends the idle wait and starts the request's 1 s.
  const std::string request =
      "GET /v1/inbox HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(300, 's') + "\r\n\r\n";
  const std::size_t sent = client.Trickle(request, std::chrono::milliseconds(50));
  EXPECT_LT(sent, request.size());
  EXPECT_TRUE(WaitUntil([&] { return Counter("isagw_http_request_timeouts_total") == 1; }));
  EXPECT_EQ(service_->CallCount(), 1);
}

TEST_F(ServerTest, CarriesBodiesOfManyRecordsBothWays) {
  ServerOptions options = TestOptions();
  options.batch_body_limit_bytes = 1024 * 1024;
  StartServer(options);
  // An inbox list of about 200 KB: many TLS records in one response.
  std::string expected_items;
  for (int i = 0; i < 4000; ++i) {
    const std::string id = "inbox-derby-" + std::to_string(100000 + i) + std::string(30, 'x');
    service_->inbox_owner[id] = "la-derby";
  }
  for (const auto& [id, owner] : service_->inbox_owner) {
    if (owner != "la-derby") continue;
    if (!expected_items.empty()) expected_items += ',';
    expected_items += "\"" + id + "\"";
  }
  Client client = NewClient("la-derby");
  ASSERT_FALSE(client.Connect());
  const Reply list = client.Request("GET", "/v1/inbox");
  ASSERT_FALSE(list.error) << list.error.message();
  EXPECT_EQ(list.body, "{\"items\":[" + expected_items + "]}");
  EXPECT_GT(list.body.size(), 150'000u);

  // And a 700 KB batch up, on the same connection.
  std::string batch;
  for (int i = 0; batch.size() < 700'000; ++i) batch += "{\"line\":" + std::to_string(i) + "}\n";
  Client police = NewClient("police-derbys");
  ASSERT_FALSE(police.Connect());
  EXPECT_EQ(police.Request("POST", "/v1/batches", {{"Content-Type", "application/x-ndjson"}}, batch)
                .status,
            202);
  const auto calls = service_->Calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_TRUE(calls[1].body == batch);
}

TEST_F(ServerTest, RefusesConnectionsBeyondTheMaximum) {
  ServerOptions options = TestOptions();
  options.max_connections = 2;
  StartServer(options);
  Client first = NewClient("la-derby");
  Client second = NewClient("la-stoke");
  ASSERT_FALSE(first.Connect());
  ASSERT_FALSE(second.Connect());
  // Answered, so identified: identified connections keep their slots.
  ASSERT_EQ(first.Request("GET", "/v1/inbox").status, 200);
  ASSERT_EQ(second.Request("GET", "/v1/inbox").status, 200);
  const Reply refused = RequestAs("la-croydon", "GET", "/v1/inbox");
  EXPECT_TRUE(refused.error);
  EXPECT_EQ(Counter("isagw_connections_refused_total", {{"reason", "max_connections"}}), 1u);
  EXPECT_EQ(Counter("isagw_connections_evicted_total"), 0u);
  EXPECT_EQ(first.Request("GET", "/v1/inbox").status, 200);
}

// API-D5: silent connections that never start TLS fill every slot; an
// agency still gets in, in the slot of the oldest of them.
TEST_F(ServerTest, AtTheMaximumANewConnectionTakesTheSlotOfTheOldestUnidentifiedOne) {
  ServerOptions options = TestOptions();
  options.max_connections = 2;
  options.handshake_timeout = std::chrono::milliseconds(60'000);  // they stay until evicted
  StartServer(options);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), server_->api_port());
  tcp::socket oldest(io_);
  oldest.connect(endpoint);
  ASSERT_TRUE(WaitUntil([&] { return OpenConnections() == 1; }));
  tcp::socket newer(io_);
  newer.connect(endpoint);
  ASSERT_TRUE(WaitUntil([&] { return OpenConnections() == 2; }));

  EXPECT_EQ(RequestAs("la-croydon", "GET", "/v1/inbox").status, 200);
  EXPECT_EQ(Counter("isagw_connections_evicted_total"), 1u);
  EXPECT_TRUE(WaitUntil([&] { return Refusals("evicted") == 1; }));
  EXPECT_EQ(Counter("isagw_connections_refused_total", {{"reason", "max_connections"}}), 0u);
  // The oldest was closed; the newer one still holds its slot.
  oldest.non_blocking(true);
  newer.non_blocking(true);
  const auto closed = [](tcp::socket& socket) {
    char byte = 0;
    boost::system::error_code ec;
    socket.read_some(asio::buffer(&byte, 1), ec);
    return ec && ec != asio::error::would_block;
  };
  EXPECT_TRUE(WaitUntil([&] { return closed(oldest); }));
  EXPECT_FALSE(closed(newer));
}

TEST_F(ServerTest, HoldsAThousandConcurrentConnections) {
  constexpr int kConnections = 1000;
  // Each connection is two descriptors here (client and server side).
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur < 4 * kConnections) {
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 4 * kConnections);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  }
  ASSERT_GE(limit.rlim_cur, 2 * kConnections + 100) << "not enough file descriptors";

  ServerOptions options = TestOptions();
  // Handshakes queue up on a busy two-core machine; give them time.
  options.handshake_timeout = std::chrono::milliseconds(120'000);
  // Early connections wait idle while the later ones open.
  options.request_timeout = std::chrono::milliseconds(300'000);
  StartServer(options);
  auto context = ClientContext("police-met");
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kConnections; ++i) {
    clients.push_back(std::make_unique<Client>(io_, context, server_->api_port()));
  }
  // Each connection is opened and used once (so the server has finished
  // its side of the handshake too), 32 at a time; all stay open.
  std::size_t next = 0;
  int opened = 0;
  auto open_some = [&]() -> asio::awaitable<void> {
    while (next < clients.size()) {
      Client& client = *clients[next++];
      if (co_await client.ConnectAsync()) continue;
      const Reply reply = co_await client.RequestAsync("GET", "/v1/inbox", {}, "");
      if (!reply.error && reply.status == 200 && reply.keep_alive) ++opened;
    }
  };
  for (int i = 0; i < 32; ++i) asio::co_spawn(io_, open_some(), asio::detached);
  io_.restart();
  io_.run();
  ASSERT_EQ(opened, kConnections);
  EXPECT_EQ(OpenConnections(), kConnections);

  // With all of them open at once, every one is served again.
  int ok = 0;
  for (auto& client : clients) {
    asio::co_spawn(io_, client->RequestAsync("GET", "/v1/inbox", {}, ""),
                   [&ok](const std::exception_ptr&, Reply reply) {
                     if (!reply.error && reply.status == 200) ++ok;
                   });
  }
  io_.restart();
  io_.run();
  EXPECT_EQ(ok, kConnections);
  EXPECT_EQ(OpenConnections(), kConnections);
  EXPECT_EQ(service_->CallCount(), 2 * kConnections);
  clients.clear();
  EXPECT_TRUE(WaitUntil([&] { return OpenConnections() == 0; }));
}

// ------------------------------------------------------------ lifecycle

TEST_F(ServerTest, SigtermDrainLetsAnInFlightRequestFinishThenStops) {
  ServerOptions options = TestOptions();
  options.handle_signals = true;
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  service_->on_submit = [&entered, released] {
    entered.set_value();
    released.wait_for(kWaitLimit);
  };
  StartServer(options);

  Client idle = NewClient("la-stoke");  // keep-alive, between requests
  ASSERT_FALSE(idle.Connect());
  ASSERT_EQ(idle.Request("GET", "/v1/inbox").status, 200);

  Client busy = NewClient("police-derbys");
  ASSERT_FALSE(busy.Connect());
  std::future<Reply> in_flight = asio::co_spawn(
      io_, busy.RequestAsync("POST", "/v1/messages", {{"Content-Type", "application/json"}}, "{}"),
      asio::use_future);
  std::thread client_thread([this] {
    io_.restart();
    io_.run();
  });
  ASSERT_EQ(entered.get_future().wait_for(kWaitLimit), std::future_status::ready);

  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  EXPECT_TRUE(WaitUntil([&] { return !server_->Ready(); }));
  EXPECT_EQ(AdminGet(server_->admin_port(), "/readyz").status, 503);
  // The idle keep-alive connection is closed; new connections are not taken.
  EXPECT_TRUE(WaitUntil([&] { return OpenConnections() == 1; }));

  const std::uint16_t port = server_->api_port();
  release.set_value();
  client_thread.join();
  const Reply reply = in_flight.get();
  ASSERT_FALSE(reply.error) << reply.error.message();
  EXPECT_EQ(reply.status, 202);
  EXPECT_FALSE(reply.keep_alive);
  WaitForRunToReturn();
  Client late(io_, ClientContext("la-stoke"), port);
  EXPECT_TRUE(late.Connect());
  EXPECT_TRUE(LogHas("\"event\":\"drain_finished\""));
}

TEST_F(ServerTest, AFailedReloadKeepsTheOldConfiguration) {
  StartServer(TestOptions(), [] {
    return Result<ServerConfig, std::string>(Fail(std::string("registry.yaml: bad")));
  });
  server_->Reload();
  EXPECT_TRUE(WaitUntil([&] {
    return Counter("isagw_config_reloads_total", {{"result", "refused"}}) == 1;
  }));
  EXPECT_TRUE(LogHas("\"event\":\"config_reload_refused\""));
  EXPECT_EQ(RequestAs("la-derby", "GET", "/v1/inbox").status, 200);
}

// A reload that drops an agency closes that agency's kept-alive
// connections too (threat API-S8); an agency it still admits keeps its own.
TEST_F(ServerTest, AReloadClosesTheOpenConnectionsOfAnAgencyItNoLongerAdmits) {
  StartServer(TestOptions(),
              [] { return Result<ServerConfig, std::string>(ExampleConfig({"police-staffs"})); });
  Client dropped = NewClient("la-derby");
  Client kept = NewClient("police-staffs");
  ASSERT_FALSE(dropped.Connect());
  ASSERT_FALSE(kept.Connect());
  ASSERT_EQ(dropped.Request("GET", "/v1/inbox").status, 200);
  ASSERT_EQ(kept.Request("GET", "/v1/inbox").status, 200);

  server_->Reload();
  ASSERT_TRUE(WaitUntil([&] {
    return Counter("isagw_config_reloads_total", {{"result", "ok"}}) == 1;
  }));
  // The new registry no longer knows la-derby: new connections are refused...
  EXPECT_TRUE(RequestAs("la-derby", "GET", "/v1/inbox").error);
  EXPECT_TRUE(WaitUntil([&] { return Refusals("unknown_agency") == 1; }));
  EXPECT_EQ(RequestAs("police-staffs", "GET", "/v1/inbox").status, 200);
  // ...and the one it had open is closed, not served.
  EXPECT_TRUE(WaitUntil([&] {
    return Counter("isagw_connections_dismissed_total", {{"reason", "unknown_agency"}}) == 1;
  }));
  EXPECT_TRUE(dropped.Request("GET", "/v1/inbox").error);
  EXPECT_TRUE(LogHas("\"event\":\"connection_dismissed\""));
  EXPECT_EQ(kept.Request("GET", "/v1/inbox").status, 200);
  EXPECT_EQ(Counter("isagw_connections_dismissed_total", {{"reason", "unknown_agency"}}), 1u);
}

// The same for a certificate the new CRLs no longer accept: here its CA's
// CRL has expired, so every certificate of that CA is refused.
TEST_F(ServerTest, AReloadClosesOpenConnectionsWhoseCertificateTheNewCrlRefuses) {
  StartServer(
      TestOptions(),
      [] { return Result<ServerConfig, std::string>(CrlTestConfig("crl-ca-expired.crl")); },
      CrlTestConfig("crl-ca-current.crl"));
  Client open(io_, ClientContext("crl-client", 0, ISAGW_TEST_CRL_CERTS_DIR), server_->api_port());
  ASSERT_FALSE(open.Connect());
  ASSERT_EQ(open.Request("GET", "/v1/inbox").status, 200);

  server_->Reload();
  EXPECT_TRUE(WaitUntil([&] {
    return Counter("isagw_connections_dismissed_total", {{"reason", "crl_unavailable"}}) == 1;
  }));
  EXPECT_TRUE(open.Request("GET", "/v1/inbox").error);
}

TEST_F(ServerTest, AReloadThatLowersOneAgencysLimitRefusesItsNextRequestsAndNoOtherAgencys) {
  StartServer(TestOptions(), [] {
    ServerConfig lowered = ExampleConfig();
    lowered.agency_rate_limits["police-staffs"] = {0.001, 1};  // one, then one per 1000 s
    return Result<ServerConfig, std::string>(std::move(lowered));
  });
  Client staffs = NewClient("police-staffs");
  Client derbys = NewClient("police-derbys");
  ASSERT_FALSE(staffs.Connect());
  ASSERT_FALSE(derbys.Connect());
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(staffs.Request("GET", "/v1/inbox").status, 200);
    ASSERT_EQ(derbys.Request("GET", "/v1/inbox").status, 200);
  }

  server_->Reload();
  ASSERT_TRUE(WaitUntil([&] {
    return Counter("isagw_config_reloads_total", {{"result", "ok"}}) == 1;
  }));
  // The bucket keeps what it had, cut to the new burst of one: one more
  // request, then 429s, on the connection opened before the reload too.
  EXPECT_EQ(staffs.Request("GET", "/v1/inbox").status, 200);
  ExpectProblem(staffs.Request("GET", "/v1/inbox"), 429, problem_type::kRateLimited);
  ExpectProblem(RequestAs("police-staffs", "GET", "/v1/inbox"), 429, problem_type::kRateLimited);
  EXPECT_EQ(Counter("isagw_rate_limited_total", {{"agency", "police-staffs"}}), 2u);
  // Another agency keeps the default (1000 a second).
  for (int i = 0; i < 10; ++i) EXPECT_EQ(derbys.Request("GET", "/v1/inbox").status, 200) << i;
  EXPECT_EQ(Counter("isagw_rate_limited_total", {{"agency", "police-derbys"}}), 0u);
}

TEST_F(ServerTest, AReloadWithAnUnusableRateLimitKeepsTheOldConfiguration) {
  StartServer(TestOptions(), [] {
    ServerConfig broken = ExampleConfig({"police-staffs"});
    broken.agency_rate_limits["police-derbys"] = {-1, 10};
    return Result<ServerConfig, std::string>(std::move(broken));
  });
  server_->Reload();
  EXPECT_TRUE(WaitUntil([&] {
    return Counter("isagw_config_reloads_total", {{"result", "refused"}}) == 1;
  }));
  EXPECT_TRUE(LogHas("rate limit of agency police-derbys"));
  // Neither the identifier nor the limits of the refused reload apply.
  EXPECT_EQ(RequestAs("la-derby", "GET", "/v1/inbox").status, 200);
  EXPECT_EQ(RequestAs("police-derbys", "GET", "/v1/inbox").status, 200);
}

// ----------------------------------------------------------------- admin

TEST_F(ServerTest, AdminListenerReportsHealthReadinessAndMetrics) {
  StartServer();
  ExpectRefusedBeforeAnyHandler("expired", "expired");
  EXPECT_EQ(RequestAs("la-derby", "GET", "/v1/inbox").status, 200);

  const Reply health = AdminGet(server_->admin_port(), "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(AdminGet(server_->admin_port(), "/readyz").status, 200);
  const Reply scrape = AdminGet(server_->admin_port(), "/metrics");
  EXPECT_EQ(scrape.status, 200);
  EXPECT_EQ(scrape.Header(http::field::content_type), "text/plain; version=0.0.4; charset=utf-8");
  for (const char* expected :
       {"isagw_connections_active ", "isagw_tls_handshake_refusals_total{reason=\"expired\"} 1",
        "isagw_http_requests_total{route=\"/v1/"
        "inbox\",method=\"GET\",status=\"200\",agency=\"la-derby\"} 1",
        "isagw_http_request_duration_seconds_bucket{route=\"/v1/inbox\",le=\"+Inf\"} 1",
        "isagw_http_bytes_received_total ", "isagw_http_bytes_sent_total "}) {
    EXPECT_NE(scrape.body.find(expected), std::string::npos) << expected << "\n" << scrape.body;
  }
  ExpectProblem(AdminGet(server_->admin_port(), "/nothing"), 404, problem_type::kNotFound);
  EXPECT_EQ(AdminGet(server_->admin_port(), "/metrics", "POST").status, 405);
}

TEST(ServerCreate, RefusesAnAdminListenerOffLoopback) {
  ServerOptions options;
  options.api = {"127.0.0.1", 0};
  options.admin = {"0.0.0.0", 0};
  options.handle_signals = false;
  auto created = Server::Create(options, ExampleConfig(),
                                std::make_shared<ApiRouter>(std::make_shared<FakeApiService>()),
                                std::make_shared<metrics::MetricsRegistry>());
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().find("loopback"), std::string::npos);
}

TEST(ServerCreate, RefusesAnUnusableRateLimit) {
  ServerOptions options;
  options.api = {"127.0.0.1", 0};
  options.admin = {"127.0.0.1", 0};
  options.handle_signals = false;
  auto router = std::make_shared<ApiRouter>(std::make_shared<FakeApiService>());
  ServerConfig config = ExampleConfig();
  config.agency_rate_limits["police-derbys"] = {std::nan(""), 10};
  auto created =
      Server::Create(options, config, router, std::make_shared<metrics::MetricsRegistry>());
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().find("police-derbys"), std::string::npos) << created.error();

  options.rate_limit = {10, -1};
  created = Server::Create(options, ExampleConfig(), router,
                           std::make_shared<metrics::MetricsRegistry>());
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().find("rate_limit"), std::string::npos) << created.error();
}

TEST(ServerTlsContext, KnowsWhenTheFirstCasCrlFallsDue) {
  auto load = [](std::vector<std::string> crls) {
    return ServerTlsContext::Load({CertPath("server.crt"), CertPath("server.key"),
                                   CrlCertPath("bundle.crt"), std::move(crls), true});
  };
  auto expired = load({CrlCertPath("crl-ca-expired.crl")});
  ASSERT_TRUE(expired.ok()) << expired.error();
  ASSERT_TRUE((*expired)->crl_next_update().has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*(*expired)->crl_next_update()), 1580515200);

  // Beside a fresh CRL of the same CA the stale one does not count:
  // OpenSSL checks against the fresh one.
  auto both = load({CrlCertPath("crl-ca-expired.crl"), CrlCertPath("crl-ca-current.crl")});
  ASSERT_TRUE(both.ok()) << both.error();
  ASSERT_TRUE((*both)->crl_next_update().has_value());
  EXPECT_GT(*(*both)->crl_next_update(), std::chrono::system_clock::now());

  auto none = load({});
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_FALSE((*none)->crl_next_update().has_value());
}

TEST(ServerTlsContext, RefusesToBuildWithoutACrlOrWithAMismatchedKey) {
  auto no_crl = ServerTlsContext::Load(
      {CertPath("server.crt"), CertPath("server.key"), CertPath("ca.crt"), {}, false});
  ASSERT_FALSE(no_crl.ok());
  EXPECT_NE(no_crl.error().find("CRL"), std::string::npos);
  auto wrong_key = ServerTlsContext::Load({CertPath("server.crt"),
                                           CertPath("la-derby.key"),
                                           CertPath("ca.crt"),
                                           {CertPath("ca.crl")},
                                           false});
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_NE(wrong_key.error().find("la-derby.key"), std::string::npos) << wrong_key.error();
  auto missing = ServerTlsContext::Load({CertPath("server.crt"),
                                         CertPath("server.key"),
                                         CertPath("no-such-ca.crt"),
                                         {CertPath("ca.crl")},
                                         false});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("no-such-ca.crt"), std::string::npos);
}

}  // namespace
}  // namespace isagw::server
