// The server side of a TLS connection that holds no buffers of its own
// while it waits. For the server's .cc files only: it pulls in Asio.
//
// Why not asio::ssl::stream: it keeps two 17 KB vectors and a 2 x 17 KB
// BIO pair for every connection whatever the traffic, about 70 KB, which
// is most of what a thousand idle agency connections cost. Here OpenSSL
// reads and writes the socket itself, through a small BIO (send with
// MSG_NOSIGNAL), and the stream waits on the socket's readiness only when
// OpenSSL asks. With SSL_MODE_RELEASE_BUFFERS OpenSSL frees its record
// buffers between records, so an idle connection holds the SSL object.
//
// Timeouts work much as beast::tcp_stream's do: ExpiresAfter sets a
// deadline for the operations started after it; one still pending at the
// deadline completes with beast::error::timeout. The socket is left open,
// but after a timed-out handshake, read or write the TLS state is unknown:
// only Close() is safe (async_shutdown is, after async_wait_readable). Errors
// are those asio::ssl::stream reports (eof after close_notify,
// stream_truncated for a peer that hung up, OpenSSL's codes in Asio's SSL
// category), so callers name refusals the same way.
//
// One operation at a time, on the socket's executor (a strand).
#pragma once

#include <openssl/types.h>

#include <algorithm>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <vector>

namespace isagw::server {

class TlsSocketStream {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using executor_type = Socket::executor_type;

  // Makes the SSL for `socket` from `context`; check ok() before use.
  TlsSocketStream(Socket socket, SSL_CTX* context);
  ~TlsSocketStream();
  TlsSocketStream(const TlsSocketStream&) = delete;
  TlsSocketStream& operator=(const TlsSocketStream&) = delete;

  // False when OpenSSL could not make the connection's state (out of
  // memory): every operation then fails.
  bool ok() const { return ssl_ != nullptr; }
  SSL* native_handle() const { return ssl_; }
  executor_type get_executor() { return socket_.get_executor(); }
  Socket& socket() { return socket_; }

  // Operations started from now on must finish within `timeout`.
  void ExpiresAfter(std::chrono::steady_clock::duration timeout);
  // The pending operation completes with operation_aborted.
  void Cancel();
  void Close();

  // The server's handshake. Completion: void(error_code).
  template <class Token>
  auto async_handshake(Token&& token) {
    return Run<void(boost::system::error_code)>(Step::kHandshake, nullptr, 0,
                                                std::forward<Token>(token));
  }

  // Sends close_notify and waits for the peer's. Completion: void(error_code).
  template <class Token>
  auto async_shutdown(Token&& token) {
    return Run<void(boost::system::error_code)>(Step::kShutdown, nullptr, 0,
                                                std::forward<Token>(token));
  }

  // Completes when there is something to read (or the peer has gone),
  // reading nothing: for waiting out an idle connection under one
  // deadline and then reading its request under another.
  // Completion: void(error_code).
  template <class Token>
  auto async_wait_readable(Token&& token) {
    return Run<void(boost::system::error_code)>(Step::kAwaitData, nullptr, 0,
                                                std::forward<Token>(token));
  }

  // AsyncReadStream: reads into the first buffer of `buffers`.
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    const boost::asio::mutable_buffer first = *boost::asio::buffer_sequence_begin(buffers);
    return Run<void(boost::system::error_code, std::size_t)>(
        Step::kRead, first.data(), first.size(), std::forward<Token>(token));
  }

  // AsyncWriteStream. Several buffers (a response's header and body) go as
  // one record when they fit in one: one send, no wait on Nagle.
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    auto it = boost::asio::buffer_sequence_begin(buffers);
    const auto end = boost::asio::buffer_sequence_end(buffers);
    const boost::asio::const_buffer first = *it;
    if (std::next(it) == end || first.size() >= kRecordSize) {
      return Run<void(boost::system::error_code, std::size_t)>(
          Step::kWrite, const_cast<void*>(first.data()), first.size(), std::forward<Token>(token));
    }
    write_copy_.clear();
    for (; it != end && write_copy_.size() < kRecordSize; ++it) {
      const boost::asio::const_buffer piece = *it;
      const std::size_t take = std::min(piece.size(), kRecordSize - write_copy_.size());
      const auto* bytes = static_cast<const unsigned char*>(piece.data());
      write_copy_.insert(write_copy_.end(), bytes, bytes + take);
    }
    return Run<void(boost::system::error_code, std::size_t)>(
        Step::kWrite, write_copy_.data(), write_copy_.size(), std::forward<Token>(token));
  }

 private:
  // TLS's largest record's plaintext.
  static constexpr std::size_t kRecordSize = 16 * 1024;

  enum class Step { kHandshake, kRead, kWrite, kShutdown, kAwaitData };
  enum class Want { kNothing, kRead, kWrite };
  struct Outcome {
    Want want = Want::kNothing;
    boost::system::error_code error;
    std::size_t bytes = 0;
  };

  // One operation: try OpenSSL, wait for what it wants, try again.
  class Operation {
   public:
    Operation(TlsSocketStream& stream, Step step, void* data, std::size_t size)
        : stream_(stream), step_(step), data_(data), size_(size) {}

    template <class Self>
    void operator()(Self& self, boost::system::error_code waited = {}) {
      if (state_ == State::kPosted) return Complete(self);
      const bool starting = state_ == State::kStart;
      state_ = State::kWaiting;
      if (starting) {
        result_.error = stream_.BeginOperation();
        if (result_.error) return Post(self);
      } else {
        stream_.waiting_ = false;
        if (waited || step_ == Step::kAwaitData) {
          result_.error = waited ? stream_.WaitError(waited) : waited;
          return Complete(self);
        }
      }
      result_ = stream_.TryOnce(step_, data_, size_);
      if (result_.want == Want::kNothing) return starting ? Post(self) : Complete(self);
      stream_.ArmDeadline();
      stream_.waiting_ = true;
      stream_.socket_.async_wait(
          result_.want == Want::kRead ? Socket::wait_read : Socket::wait_write, std::move(self));
    }

   private:
    enum class State { kStart, kWaiting, kPosted };

    // An answer found before any wait must not call the handler from
    // inside the initiating function.
    template <class Self>
    void Post(Self& self) {
      state_ = State::kPosted;
      boost::asio::post(stream_.get_executor(), std::move(self));
    }

    template <class Self>
    void Complete(Self& self) {
      stream_.EndOperation();
      if constexpr (requires { self.complete(result_.error, result_.bytes); }) {
        self.complete(result_.error, result_.bytes);
      } else {
        self.complete(result_.error);
      }
    }

    TlsSocketStream& stream_;
    Step step_;
    void* data_;
    std::size_t size_;
    State state_ = State::kStart;
    Outcome result_;
  };

  template <class Signature, class Token>
  auto Run(Step step, void* data, std::size_t size, Token&& token) {
    return boost::asio::async_compose<Token, Signature>(Operation(*this, step, data, size), token,
                                                        socket_);
  }

  // Calls OpenSSL once for `step` and says what it wants next.
  Outcome TryOnce(Step step, void* data, std::size_t size);
  // An error when the deadline has already passed or there is no SSL.
  boost::system::error_code BeginOperation();
  // Before a wait on the socket: the timer is set for the deadline, unless
  // it already is. An operation OpenSSL completes from what it holds
  // touches no timer, and the timer stays set across operations: only a
  // wait it ends counts.
  void ArmDeadline();
  // Lets go of the write's copy.
  void EndOperation();
  // What a failed readiness wait means for the operation.
  boost::system::error_code WaitError(const boost::system::error_code& waited) const;

  Socket socket_;
  SSL* ssl_ = nullptr;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  // The deadline the timer is set for; min() when it is not set.
  std::chrono::steady_clock::time_point armed_for_ = std::chrono::steady_clock::time_point::min();
  bool waiting_ = false;  // an operation waits on the socket
  bool timed_out_ = false;
  // Counts settings of the timer. Its handler holds a weak reference and
  // the count it was set with: a stream gone, or the timer set again since,
  // makes it do nothing.
  std::shared_ptr<std::uint64_t> arming_ = std::make_shared<std::uint64_t>(0);
  std::vector<unsigned char> write_copy_;
};

}  // namespace isagw::server
