#include "tests/delivery/webhook_receiver.h"

#include <openssl/ssl.h>

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
#include <chrono>
#include <deque>
#include <future>
#include <mutex>
#include <set>
#include <thread>

namespace isagw::delivery::testing {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr auto kTimeout = std::chrono::seconds(30);

}  // namespace

struct WebhookReceiver::Impl {
  Impl() : context(ssl::context::tls_server), acceptor(io) {}

  // Runs `task` on the I/O thread and waits for it.
  template <typename Task>
  void OnIoThread(Task task) {
    std::promise<void> done;
    asio::post(io, [&] {
      task();
      done.set_value();
    });
    done.get_future().wait();
  }

  error_code Listen() {
    error_code ec;
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      error_code ignored;
      acceptor.close(ignored);
      return ec;
    }
    port = acceptor.local_endpoint().port();
    asio::co_spawn(io, Accept(), asio::detached);
    return ec;
  }

  void CutEverything() {
    error_code ignored;
    acceptor.close(ignored);
    for (beast::tcp_stream* stream : live) stream->close();
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kAwait);
      if (ec) co_return;  // closed: down, or stopping
      int index = 0;
      {
        std::lock_guard lock(mutex);
        index = ++accepted;
      }
      asio::co_spawn(io, Session(std::move(socket), index), asio::detached);
    }
  }

  asio::awaitable<void> Session(tcp::socket socket, int index) {
    ssl::stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), context);
    beast::tcp_stream& tcp_layer = beast::get_lowest_layer(stream);
    live.insert(&tcp_layer);
    co_await Serve(stream, index);
    live.erase(&tcp_layer);
    tcp_layer.close();
  }

  asio::awaitable<void> Serve(ssl::stream<beast::tcp_stream>& stream, int index) {
    beast::tcp_stream& tcp_layer = beast::get_lowest_layer(stream);
    tcp_layer.expires_after(kTimeout);
    auto [handshake_error] = co_await stream.async_handshake(ssl::stream_base::server, kAwait);
    if (handshake_error) co_return;
    {
      std::lock_guard lock(mutex);
      ++handshake_count;
    }
    const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    const std::string server_name = sni != nullptr ? sni : "";
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(1024 * 1024);
      tcp_layer.expires_after(kTimeout);
      auto [read_error, read] = co_await http::async_read(stream, buffer, parser, kAwait);
      (void)read;
      if (read_error) co_return;
      const auto& request = parser.get();
      ScriptedAnswer answer;
      bool close_after = false;
      {
        std::lock_guard lock(mutex);
        received.push_back(ReceivedRequest{
            std::string(request.method_string()), std::string(request.target()),
            std::string(request[http::field::host]),
            std::string(request[http::field::content_type]),
            std::string(request["Isagw-Delivery-Id"]), std::string(request["Isagw-Message-Id"]),
            std::string(request["Idempotency-Key"]), request.body(), server_name, index, 0});
        if (!script.empty()) {
          answer = script.front();
          script.pop_front();
        }
        if (!answer.drop) received.back().answer_status = answer.status;
        close_after = close_each || !request.keep_alive();
      }
      if (answer.delay.count() > 0) {
        asio::steady_timer pause(io, answer.delay);
        co_await pause.async_wait(kAwait);
      }
      if (answer.drop) co_return;

      http::response<http::string_body> response{static_cast<http::status>(answer.status),
                                                 request.version()};
      response.set(http::field::content_type, "text/plain");
      if (!answer.retry_after.empty()) response.set(http::field::retry_after, answer.retry_after);
      response.keep_alive(!close_after);
      if (answer.padding_header_bytes > 0) {
        response.set("X-Padding", std::string(answer.padding_header_bytes, 'p'));
      }
      response.body() = answer.body.value_or(answer.status < 300 ? "received" : "not now");
      response.prepare_payload();
      tcp_layer.expires_after(kTimeout);
      auto [write_error, written] = co_await http::async_write(stream, response, kAwait);
      (void)written;
      if (write_error) co_return;
      if (close_after) {
        tcp_layer.expires_after(std::chrono::seconds(2));
        co_await stream.async_shutdown(kAwait);
        co_return;
      }
    }
  }

  ssl::context context;
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  tcp::acceptor acceptor;
  std::atomic<std::uint16_t> port{0};  // 0 until first listening; kept for ComeBack()
  std::set<beast::tcp_stream*> live;   // I/O thread only
  std::thread thread;

  mutable std::mutex mutex;  // guards what tests read
  std::vector<ReceivedRequest> received;
  std::deque<ScriptedAnswer> script;
  bool close_each = false;
  int accepted = 0;
  int handshake_count = 0;
};

Result<std::unique_ptr<WebhookReceiver>, std::string> WebhookReceiver::Start(
    WebhookReceiverOptions options) {
  auto impl = std::make_unique<Impl>();
  SSL_CTX* native = impl->context.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  error_code ec;
  impl->context.use_certificate_chain_file(options.certificate_chain.string(), ec);
  if (ec)
    return Fail("receiver certificate " + options.certificate_chain.string() + ": " + ec.message());
  impl->context.use_private_key_file(options.private_key.string(), ssl::context::pem, ec);
  if (ec) return Fail("receiver key " + options.private_key.string() + ": " + ec.message());
  impl->context.load_verify_file(options.client_ca.string(), ec);
  if (ec) return Fail("client CA " + options.client_ca.string() + ": " + ec.message());
  impl->context.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);

  if (auto listening = impl->Listen(); listening) return Fail("listen: " + listening.message());
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::make_unique<WebhookReceiver>(PrivateTag{}, std::move(impl));
}

WebhookReceiver::WebhookReceiver(PrivateTag /*tag*/, std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

WebhookReceiver::~WebhookReceiver() {
  impl_->OnIoThread([this] {
    impl_->CutEverything();
    impl_->work.reset();
  });
  impl_->thread.join();
}

std::uint16_t WebhookReceiver::port() const { return impl_->port; }

std::string WebhookReceiver::Url(std::string_view path) const {
  return "https://127.0.0.1:" + std::to_string(impl_->port) + std::string(path);
}

void WebhookReceiver::Script(std::vector<ScriptedAnswer> answers) {
  std::lock_guard lock(impl_->mutex);
  impl_->script.assign(answers.begin(), answers.end());
}

void WebhookReceiver::SetCloseAfterEachAnswer(bool close) {
  std::lock_guard lock(impl_->mutex);
  impl_->close_each = close;
}

void WebhookReceiver::GoDown() {
  impl_->OnIoThread([this] { impl_->CutEverything(); });
}

bool WebhookReceiver::ComeBack() {
  error_code ec;
  impl_->OnIoThread([&] { ec = impl_->Listen(); });
  return !ec;
}

std::vector<ReceivedRequest> WebhookReceiver::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

int WebhookReceiver::handshakes() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->handshake_count;
}

int WebhookReceiver::connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->accepted;
}

}  // namespace isagw::delivery::testing
