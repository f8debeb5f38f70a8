#include "tests/e2e/test_client.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>

namespace isagw::e2e {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
// Generous: only there so a broken gateway fails a test instead of hanging it.
constexpr auto kTimeout = std::chrono::seconds(60);

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

template <typename Stream>
asio::awaitable<HttpReply> Exchange(Stream& stream, http::request<http::string_body> request) {
  beast::get_lowest_layer(stream).expires_after(kTimeout);
  auto [write_error, written] = co_await http::async_write(stream, request, kAwait);
  HttpReply reply;
  if (write_error) {
    reply.error = "write: " + write_error.message();
    co_return reply;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  beast::get_lowest_layer(stream).expires_after(kTimeout);
  auto [read_error, read] = co_await http::async_read(stream, buffer, parser, kAwait);
  if (read_error) {
    reply.error = "read: " + read_error.message();
    co_return reply;
  }
  auto message = parser.release();
  reply.status = static_cast<int>(message.result_int());
  for (const auto& field : message.base()) {
    reply.headers[Lower(std::string(field.name_string()))] = std::string(field.value());
  }
  reply.body = std::move(message.body());
  co_return reply;
}

template <typename T>
T RunToCompletion(asio::io_context& io, asio::awaitable<T> task) {
  auto future = asio::co_spawn(io, std::move(task), asio::use_future);
  io.run();
  return future.get();
}

http::request<http::string_body> MakeRequest(const std::string& method, const std::string& target,
                                             const HttpHeaders& headers, std::string body) {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, "localhost");
  request.keep_alive(false);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::move(body);
  if (method == "POST" || !request.body().empty()) request.prepare_payload();
  return request;
}

}  // namespace

std::string HttpReply::Header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

nlohmann::json HttpReply::Json() const {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json() : parsed;
}

TestClient::TestClient(std::filesystem::path certs_dir, std::string identity, std::uint16_t port)
    : certs_dir_(std::move(certs_dir)), identity_(std::move(identity)), port_(port) {}

HttpReply TestClient::Post(const std::string& target, const std::string& content_type,
                           const std::string& body, const HttpHeaders& extra) const {
  HttpHeaders headers = extra;
  headers.emplace_back("Content-Type", content_type);
  return Request("POST", target, headers, body);
}

HttpReply TestClient::Request(const std::string& method, const std::string& target,
                              const HttpHeaders& headers, const std::string& body) const {
  ssl::context context(ssl::context::tls_client);
  boost::system::error_code ec;
  context.load_verify_file((certs_dir_ / "ca.crt").string(), ec);
  if (!ec) context.use_certificate_chain_file((certs_dir_ / (identity_ + ".crt")).string(), ec);
  if (!ec) {
    context.use_private_key_file((certs_dir_ / (identity_ + ".key")).string(), ssl::context::pem,
                                 ec);
  }
  if (ec) {
    HttpReply failed;
    failed.error = "client certificate files: " + ec.message();
    return failed;
  }
  context.set_verify_mode(ssl::verify_peer);

  asio::io_context io;
  ssl::stream<beast::tcp_stream> stream(io, context);
  // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
  static char kHost[] = "localhost";
  SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, kHost);
  stream.set_verify_callback(ssl::host_name_verification("localhost"));

  auto exchange = [&]() -> asio::awaitable<HttpReply> {
    auto& layer = beast::get_lowest_layer(stream);
    layer.expires_after(kTimeout);
    auto [connect_error] = co_await layer.async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), kAwait);
    HttpReply failed;
    if (connect_error) {
      failed.error = "connect: " + connect_error.message();
      co_return failed;
    }
    layer.expires_after(kTimeout);
    auto [handshake_error] = co_await stream.async_handshake(ssl::stream_base::client, kAwait);
    if (handshake_error) {
      failed.error = "handshake: " + handshake_error.message();
      co_return failed;
    }
    HttpReply reply = co_await Exchange(stream, MakeRequest(method, target, headers, body));
    layer.expires_after(kTimeout);
    co_await stream.async_shutdown(kAwait);  // stream_truncated and the like are benign here
    co_return reply;
  };
  return RunToCompletion(io, exchange());
}

HttpReply AdminGet(std::uint16_t port, const std::string& target) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  auto exchange = [&]() -> asio::awaitable<HttpReply> {
    stream.expires_after(kTimeout);
    auto [connect_error] = co_await stream.async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), kAwait);
    if (connect_error) {
      HttpReply failed;
      failed.error = "connect: " + connect_error.message();
      co_return failed;
    }
    co_return co_await Exchange(stream, MakeRequest("GET", target, {}, ""));
  };
  return RunToCompletion(io, exchange());
}

}  // namespace isagw::e2e
