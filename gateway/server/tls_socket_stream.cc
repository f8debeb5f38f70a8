#include "gateway/server/tls_socket_stream.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <cerrno>
#include <cstdint>

namespace isagw::server {

namespace {

namespace asio = boost::asio;

// The BIO's data points at the stream's socket, whose descriptor is read
// at each call: once the socket is closed it is -1 and I/O fails (EBADF),
// where a copy of the number would reach whatever reused it.
int DescriptorOf(BIO* bio) {
  return static_cast<TlsSocketStream::Socket*>(BIO_get_data(bio))->native_handle();
}

bool WouldBlock(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

// OpenSSL's socket BIO writes with write(2), which raises SIGPIPE when the
// peer has gone; send(2) with MSG_NOSIGNAL returns EPIPE instead, as
// Asio's own sockets do.
int SocketWrite(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t sent =
      ::send(DescriptorOf(bio), data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
  if (sent >= 0) return static_cast<int>(sent);
  if (WouldBlock(errno)) BIO_set_retry_write(bio);
  return -1;
}

int SocketRead(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t received = ::recv(DescriptorOf(bio), data, static_cast<std::size_t>(size), 0);
  if (received > 0) return static_cast<int>(received);
  if (received == 0) {
    // Lets OpenSSL tell a peer that hung up from one that said goodbye.
    BIO_set_flags(bio, BIO_FLAGS_IN_EOF);
    return 0;
  }
  if (WouldBlock(errno)) BIO_set_retry_read(bio);
  return -1;
}

long SocketControl(BIO* bio, int command, long /*number*/, void* /*pointer*/) {  // NOLINT
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;  // nothing is buffered here
    case BIO_CTRL_EOF:
      return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
    default:
      return 0;
  }
}

int SocketCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

// Made once and never changed; OpenSSL keeps a pointer to it in every BIO.
const BIO_METHOD* NoSignalSocketMethod() {
  static const BIO_METHOD* const method = [] {
    BIO_METHOD* made = BIO_meth_new(
        BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "isagw no-signal socket");
    if (made == nullptr) return made;
    BIO_meth_set_write(made, SocketWrite);
    BIO_meth_set_read(made, SocketRead);
    BIO_meth_set_ctrl(made, SocketControl);
    BIO_meth_set_create(made, SocketCreate);
    return made;
  }();
  return method;
}

// The error asio::ssl::stream would report for a failed OpenSSL call.
boost::system::error_code ErrorFor(int ssl_error, int saved_errno) {
  if (ssl_error == SSL_ERROR_ZERO_RETURN) return asio::error::eof;  // close_notify received
  const unsigned long code = ERR_get_error();                       // NOLINT(google-runtime-int)
  if (ssl_error == SSL_ERROR_SSL || (ssl_error == SSL_ERROR_SYSCALL && code != 0)) {
    if (ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
      return asio::ssl::error::stream_truncated;
    }
    return {static_cast<int>(code), asio::error::get_ssl_category()};
  }
  if (ssl_error == SSL_ERROR_SYSCALL) {
    if (saved_errno != 0) return {saved_errno, boost::system::system_category()};
    return asio::ssl::error::stream_truncated;
  }
  return asio::ssl::error::unexpected_result;
}

}  // namespace

TlsSocketStream::TlsSocketStream(Socket socket, SSL_CTX* context)
    : socket_(std::move(socket)), timer_(socket_.get_executor()) {
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
  const BIO_METHOD* method = NoSignalSocketMethod();
  if (ec || method == nullptr || !socket_.is_open()) return;
  SSL* ssl = SSL_new(context);
  if (ssl == nullptr) return;
  BIO* bio = BIO_new(method);
  if (bio == nullptr) {
    SSL_free(ssl);
    return;
  }
  BIO_set_data(bio, &socket_);
  SSL_set_bio(ssl, bio, bio);  // one reference, both directions
  // Record buffers are freed whenever they are empty: an idle connection
  // holds none. Read-ahead takes whatever the socket has in one recv.
  SSL_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
  SSL_set_read_ahead(ssl, 1);
  SSL_set_accept_state(ssl);
  ssl_ = ssl;
}

TlsSocketStream::~TlsSocketStream() {
  // The BIO never closes the descriptor: the socket does, after this.
  if (ssl_ != nullptr) SSL_free(ssl_);
}

void TlsSocketStream::ExpiresAfter(std::chrono::steady_clock::duration timeout) {
  deadline_ = std::chrono::steady_clock::now() + timeout;
}

void TlsSocketStream::Cancel() {
  boost::system::error_code ignored;
  socket_.cancel(ignored);
}

void TlsSocketStream::Close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

boost::system::error_code TlsSocketStream::BeginOperation() {
  if (ssl_ == nullptr) return asio::error::no_memory;
  timed_out_ = false;
  if (deadline_ == std::chrono::steady_clock::time_point::max()) return {};
  if (deadline_ <= std::chrono::steady_clock::now()) {
    // As beast::tcp_stream: an operation begun after its deadline times out.
    timed_out_ = true;
    return boost::beast::error::timeout;
  }
  return {};
}

void TlsSocketStream::ArmDeadline() {
  if (armed_for_ == deadline_) return;
  const std::uint64_t arming = ++*arming_;
  armed_for_ = deadline_;
  if (deadline_ == std::chrono::steady_clock::time_point::max()) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(deadline_);
  timer_.async_wait([this, alive = std::weak_ptr<std::uint64_t>(arming_),
                     arming](const boost::system::error_code& ec) {
    if (ec) return;
    const auto current = alive.lock();
    if (!current || *current != arming) return;  // gone, or set again since
    armed_for_ = std::chrono::steady_clock::time_point::min();
    // With no wait pending, the next operation finds the deadline passed.
    if (!waiting_) return;
    timed_out_ = true;
    Cancel();  // the wait ends with operation_aborted
  });
}

void TlsSocketStream::EndOperation() {
  if (write_copy_.capacity() != 0) std::vector<unsigned char>().swap(write_copy_);
}

boost::system::error_code TlsSocketStream::WaitError(
    const boost::system::error_code& waited) const {
  if (timed_out_) return boost::beast::error::timeout;
  return waited;
}

TlsSocketStream::Outcome TlsSocketStream::TryOnce(Step step, void* data, std::size_t size) {
  ERR_clear_error();
  errno = 0;
  std::size_t bytes = 0;
  int result = 0;
  switch (step) {
    case Step::kAwaitData:
      // Decrypted bytes OpenSSL holds will not wake the socket.
      if (SSL_has_pending(ssl_) == 1) return {};
      return {Want::kRead, {}, 0};
    case Step::kHandshake:
      result = SSL_do_handshake(ssl_);
      break;
    case Step::kRead:
      if (size == 0) return {};
      result = SSL_read_ex(ssl_, data, size, &bytes);
      break;
    case Step::kWrite:
      if (size == 0) return {};
      result = SSL_write_ex(ssl_, data, size, &bytes);
      break;
    case Step::kShutdown:
      // 0: our close_notify went, the peer's has not come yet; the second
      // call reads for it (as Asio's engine does).
      result = SSL_shutdown(ssl_);
      if (result == 0) result = SSL_shutdown(ssl_);
      break;
  }
  const int saved_errno = errno;
  if (result == 1) return {Want::kNothing, {}, bytes};
  const int ssl_error = SSL_get_error(ssl_, result);
  if (ssl_error == SSL_ERROR_WANT_READ) return {Want::kRead, {}, 0};
  if (ssl_error == SSL_ERROR_WANT_WRITE) return {Want::kWrite, {}, 0};
  return {Want::kNothing, ErrorFor(ssl_error, saved_errno), 0};
}

}  // namespace isagw::server
