// TlsSocketStream against Asio's own TLS client on loopback: what Beast
// needs of a stream (bytes in and out, whole, in order, across records and
// full socket buffers), and the errors the server names refusals and
// timeouts by. No timed assertions: deadlines are set far apart, and a
// generous guard stops a hung test.
#include "gateway/server/tls_socket_stream.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <future>
#include <string>
#include <utility>

#include "gateway/server/tls_context.h"
#include "gateway/server/tls_context_impl.h"
#include "tests/server/example_server_tls.h"

namespace isagw::server {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kAwaitTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kGuard = std::chrono::seconds(60);

using testing::CertPath;

ssl::context ClientContext() {
  ssl::context context(ssl::context::tls_client);
  context.load_verify_file(CertPath("ca.crt"));
  context.set_verify_mode(ssl::verify_peer);
  context.use_certificate_chain_file(CertPath("la-derby.crt"));
  context.use_private_key_file(CertPath("la-derby.key"), ssl::context::pem);
  return context;
}

// Bytes that show their own order: a lost, repeated or swapped piece fails.
std::string Pattern(std::size_t size, char salt) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<char>((i * 131 + i / 7919 + static_cast<std::size_t>(salt)) & 0xff);
  }
  return bytes;
}

class TlsSocketStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    client_.next_layer().connect(acceptor_.local_endpoint());
    server_ =
        std::make_unique<TlsSocketStream>(acceptor_.accept(), tls_->impl().context.native_handle());
    ASSERT_TRUE(server_->ok());
  }

  // Runs `task` on the test's io_context until it and everything it
  // started have finished.
  template <typename T>
  T Run(asio::awaitable<T> task) {
    auto future = asio::co_spawn(io_, std::move(task), asio::use_future);
    io_.restart();
    io_.run_for(kGuard);
    if (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      ADD_FAILURE() << "the test's task did not finish";
      std::abort();
    }
    return future.get();
  }

  // Both handshakes; the server's error.
  error_code Handshake() {
    return Run([this]() -> asio::awaitable<error_code> {
      auto client = asio::co_spawn(
          io_, client_.async_handshake(ssl::stream_base::client, kAwaitTuple), asio::use_future);
      auto [server_error] = co_await server_->async_handshake(kAwaitTuple);
      (void)client;
      co_return server_error;
    }());
  }

  asio::io_context io_;
  std::shared_ptr<const ServerTlsContext> tls_ = testing::ExampleServerTls();
  ssl::context client_context_ = ClientContext();
  tcp::acceptor acceptor_{io_};
  ssl::stream<tcp::socket> client_{io_, client_context_};
  std::unique_ptr<TlsSocketStream> server_;
};

TEST_F(TlsSocketStreamTest, HandshakesAndSeesTheClientsCertificate) {
  ASSERT_FALSE(Handshake());
  EXPECT_NE(SSL_get0_peer_certificate(server_->native_handle()), nullptr);
  EXPECT_EQ(SSL_get_verify_result(server_->native_handle()), X509_V_OK);
}

TEST_F(TlsSocketStreamTest, CarriesMegabytesBothWaysWholeAndInOrder) {
  ASSERT_FALSE(Handshake());
  // Far more than a record and more than loopback's socket buffers take at
  // once, so both sides wait for the other to drain.
  const std::string to_server = Pattern(3 * 1024 * 1024 + 17, 'a');
  const std::string to_client = Pattern(3 * 1024 * 1024 + 5, 'b');
  std::string at_server(to_server.size(), '\0');
  std::string at_client(to_client.size(), '\0');
  const auto [server_read,
              server_wrote] = Run([&]() -> asio::awaitable<std::pair<error_code, error_code>> {
    auto client_write = asio::co_spawn(
        io_, asio::async_write(client_, asio::buffer(to_server), kAwaitTuple), asio::use_future);
    auto client_read = asio::co_spawn(
        io_, asio::async_read(client_, asio::buffer(at_client), kAwaitTuple), asio::use_future);
    auto [write_error, written] =
        co_await asio::async_write(*server_, asio::buffer(to_client), kAwaitTuple);
    auto [read_error, read] =
        co_await asio::async_read(*server_, asio::buffer(at_server), kAwaitTuple);
    (void)client_write;
    (void)client_read;
    co_return std::pair{read_error, write_error};
  }());
  EXPECT_FALSE(server_read) << server_read.message();
  EXPECT_FALSE(server_wrote) << server_wrote.message();
  EXPECT_TRUE(at_server == to_server);
  EXPECT_TRUE(at_client == to_client);
}

TEST_F(TlsSocketStreamTest, WritesSeveralSmallBuffersAsOneRecord) {
  ASSERT_FALSE(Handshake());
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
  const std::string body = "hello";
  const std::array<asio::const_buffer, 2> pieces{asio::buffer(head), asio::buffer(body)};
  const auto [error, written] = Run([&]() -> asio::awaitable<std::pair<error_code, std::size_t>> {
    auto [write_error, bytes] = co_await server_->async_write_some(pieces, kAwaitTuple);
    co_return std::pair{write_error, bytes};
  }());
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(written, head.size() + body.size());
  // One record: the client's first read_some returns the whole of it.
  std::string received(written, '\0');
  EXPECT_EQ(client_.read_some(asio::buffer(received)), written);
  EXPECT_EQ(received, head + body);
}

TEST_F(TlsSocketStreamTest, AReadPastItsDeadlineTimesOut) {
  ASSERT_FALSE(Handshake());
  server_->ExpiresAfter(std::chrono::milliseconds(100));
  char byte = 0;
  const error_code error = Run([&]() -> asio::awaitable<error_code> {
    auto [read_error, read] =
        co_await server_->async_read_some(asio::buffer(&byte, 1), kAwaitTuple);
    co_return read_error;
  }());
  EXPECT_EQ(error, boost::beast::error::timeout);
}

TEST_F(TlsSocketStreamTest, AnOperationBegunAfterItsDeadlineTimesOutAtOnce) {
  ASSERT_FALSE(Handshake());
  client_.write_some(asio::buffer(std::string("waiting")));
  server_->ExpiresAfter(std::chrono::milliseconds(0));
  char byte = 0;
  const error_code error = Run([&]() -> asio::awaitable<error_code> {
    auto [read_error, read] =
        co_await server_->async_read_some(asio::buffer(&byte, 1), kAwaitTuple);
    co_return read_error;
  }());
  EXPECT_EQ(error, boost::beast::error::timeout);
}

TEST_F(TlsSocketStreamTest, AnOperationDoneBeforeItsDeadlineIsNotCutOffLater) {
  ASSERT_FALSE(Handshake());
  server_->ExpiresAfter(std::chrono::milliseconds(200));
  client_.write_some(asio::buffer(std::string("ab")));
  char first[2] = {};
  const auto [first_error,
              second_error] = Run([&]() -> asio::awaitable<std::pair<error_code, error_code>> {
    auto [read_error, read] = co_await asio::async_read(*server_, asio::buffer(first), kAwaitTuple);
    // Well past the first deadline, under a new one.
    asio::steady_timer pause(io_, std::chrono::milliseconds(400));
    co_await pause.async_wait(kAwaitTuple);
    server_->ExpiresAfter(std::chrono::seconds(30));
    client_.write_some(asio::buffer(std::string("c")));
    char second = 0;
    auto [later_error, later] =
        co_await server_->async_read_some(asio::buffer(&second, 1), kAwaitTuple);
    co_return std::pair{read_error, later_error};
  }());
  EXPECT_FALSE(first_error) << first_error.message();
  EXPECT_FALSE(second_error) << second_error.message();
}

TEST_F(TlsSocketStreamTest, OneDeadlineCoversEveryOperationStartedUnderIt) {
  ASSERT_FALSE(Handshake());
  server_->ExpiresAfter(std::chrono::milliseconds(300));
  const auto [first_error, second_error] =
      Run([&]() -> asio::awaitable<std::pair<error_code, error_code>> {
        // A first read that must wait (the timer is set then), and a second
        // that nobody answers: it ends at the same deadline.
        asio::steady_timer soon(io_, std::chrono::milliseconds(50));
        soon.async_wait([this](error_code) { client_.write_some(asio::buffer(std::string("a"))); });
        char byte = 0;
        auto [read_error, read] =
            co_await server_->async_read_some(asio::buffer(&byte, 1), kAwaitTuple);
        auto [later_error, later] =
            co_await server_->async_read_some(asio::buffer(&byte, 1), kAwaitTuple);
        co_return std::pair{read_error, later_error};
      }());
  EXPECT_FALSE(first_error) << first_error.message();
  EXPECT_EQ(second_error, boost::beast::error::timeout);
}

// A drain's ForceClose closes the socket while a handler still runs; the
// session then writes its answer. The descriptor's number may already
// belong to something else (another connection, the store's file): the
// write must fail, not land there.
TEST_F(TlsSocketStreamTest, AfterCloseNothingIsWrittenToWhateverReusedTheDescriptor) {
  ASSERT_FALSE(Handshake());
  const int old_descriptor = server_->socket().native_handle();
  server_->Close();
  int pair[2] = {-1, -1};
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  // The old number now names a new socket, as the next open() could make it.
  ASSERT_EQ(::dup2(pair[0], old_descriptor), old_descriptor);
  const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  const error_code error = Run([&]() -> asio::awaitable<error_code> {
    auto [write_error, written] =
        co_await asio::async_write(*server_, asio::buffer(answer), kAwaitTuple);
    co_return write_error;
  }());
  EXPECT_TRUE(error);
  char byte = 0;
  EXPECT_EQ(::recv(pair[1], &byte, 1, MSG_DONTWAIT), -1) << "bytes reached the new socket";
  ::close(old_descriptor);
  ::close(pair[0]);
  ::close(pair[1]);
}

TEST_F(TlsSocketStreamTest, CancelEndsAPendingReadWithOperationAborted) {
  ASSERT_FALSE(Handshake());
  char byte = 0;
  const error_code error = Run([&]() -> asio::awaitable<error_code> {
    asio::steady_timer soon(io_, std::chrono::milliseconds(50));
    soon.async_wait([this](error_code) { server_->Cancel(); });
    auto [read_error, read] =
        co_await server_->async_read_some(asio::buffer(&byte, 1), kAwaitTuple);
    co_return read_error;
  }());
  EXPECT_EQ(error, asio::error::operation_aborted);
}

TEST_F(TlsSocketStreamTest, APeerThatHangsUpWithoutCloseNotifyIsATruncatedStream) {
  ASSERT_FALSE(Handshake());
  client_.next_layer().close();
  char byte = 0;
  const error_code error = Run([&]() -> asio::awaitable<error_code> {
    auto [read_error, read] =
        co_await server_->async_read_some(asio::buffer(&byte, 1), kAwaitTuple);
    co_return read_error;
  }());
  EXPECT_EQ(error, ssl::error::stream_truncated) << error.message();
}

TEST_F(TlsSocketStreamTest, ClosesWithCloseNotifyBothWays) {
  ASSERT_FALSE(Handshake());
  // The client answers close_notify the way Asio does: by reading it and
  // shutting down in turn.
  error_code client_error = asio::error::would_block;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<error_code> {
        char byte = 0;
        auto [read_error, read] =
            co_await client_.async_read_some(asio::buffer(&byte, 1), kAwaitTuple);
        if (read_error != asio::error::eof) co_return read_error;
        auto [shutdown_error] = co_await client_.async_shutdown(kAwaitTuple);
        co_return shutdown_error;
      },
      [&](const std::exception_ptr&, error_code result) { client_error = result; });
  const error_code server_error = Run([&]() -> asio::awaitable<error_code> {
    auto [shutdown_error] = co_await server_->async_shutdown(kAwaitTuple);
    co_return shutdown_error;
  }());
  EXPECT_FALSE(server_error) << server_error.message();
  EXPECT_FALSE(client_error) << client_error.message();
  EXPECT_EQ(SSL_get_shutdown(server_->native_handle()), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

TEST_F(TlsSocketStreamTest, WaitsUntilThereIsSomethingToReadAndReadsNothing) {
  ASSERT_FALSE(Handshake());
  const auto [wait_error, read] = Run([&]() -> asio::awaitable<std::pair<error_code, std::string>> {
    asio::steady_timer later(io_, std::chrono::milliseconds(50));
    later.async_wait([this](error_code) { client_.write_some(asio::buffer(std::string("xyz"))); });
    auto [waited] = co_await server_->async_wait_readable(kAwaitTuple);
    std::string bytes(3, '\0');
    co_await asio::async_read(*server_, asio::buffer(bytes), kAwaitTuple);
    co_return std::pair{waited, bytes};
  }());
  EXPECT_FALSE(wait_error) << wait_error.message();
  EXPECT_EQ(read, "xyz");
}

TEST_F(TlsSocketStreamTest, AWaitForDataOpenSslAlreadyHoldsEndsAtOnce) {
  ASSERT_FALSE(Handshake());
  client_.write_some(asio::buffer(std::string("abcdef")));
  const auto [wait_error, rest] = Run([&]() -> asio::awaitable<std::pair<error_code, std::string>> {
    char first = 0;
    co_await asio::async_read(*server_, asio::buffer(&first, 1), kAwaitTuple);
    // The rest of the record is decrypted inside OpenSSL and the socket is
    // empty: waiting on the socket alone would wait for the deadline.
    server_->ExpiresAfter(std::chrono::seconds(30));
    auto [waited] = co_await server_->async_wait_readable(kAwaitTuple);
    std::string bytes(5, '\0');
    co_await asio::async_read(*server_, asio::buffer(bytes), kAwaitTuple);
    co_return std::pair{waited, bytes};
  }());
  EXPECT_FALSE(wait_error) << wait_error.message();
  EXPECT_EQ(rest, "bcdef");
}

TEST_F(TlsSocketStreamTest, AClientWithoutACertificateIsRefusedWithOpenSslsReason) {
  ssl::context bare(ssl::context::tls_client);
  bare.load_verify_file(CertPath("ca.crt"));
  ssl::stream<tcp::socket> anonymous(io_, bare);
  anonymous.next_layer().connect(acceptor_.local_endpoint());
  TlsSocketStream server(acceptor_.accept(), tls_->impl().context.native_handle());
  const error_code error = Run([&]() -> asio::awaitable<error_code> {
    auto client = asio::co_spawn(
        io_, anonymous.async_handshake(ssl::stream_base::client, kAwaitTuple), asio::use_future);
    auto [server_error] = co_await server.async_handshake(kAwaitTuple);
    (void)client;
    co_return server_error;
  }());
  ASSERT_EQ(error.category(), asio::error::get_ssl_category()) << error.message();
  EXPECT_EQ(
      ERR_GET_REASON(static_cast<unsigned long>(error.value())),  // NOLINT(google-runtime-int)
      SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE);
}

}  // namespace
}  // namespace isagw::server
