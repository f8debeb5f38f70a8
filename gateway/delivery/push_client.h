// PushClient: HTTPS POST over mutual TLS to agencies' push endpoints.
//
// For each endpoint it trusts ONLY that endpoint's CA bundle, checks the
// endpoint's certificate against its server_name (SNI and hostname
// check), presents the gateway's own client certificate, and speaks TLS
// 1.2+ with the server's cipher policy (ECDHE + AEAD). Connections are
// kept alive and pooled per endpoint, so a stream of deliveries costs one
// handshake, not one each. Every connect, handshake, write and read has a
// timeout.
//
// The request carries the delivery's Content-Type and the headers
// Isagw-Delivery-Id, Isagw-Message-Id and Idempotency-Key (= the delivery
// id): recipients drop duplicates by it. The answer is read as
// response_classifier.h says.
//
// The client runs its own I/O thread: Push() may be called from any
// thread, and `done` runs on that I/O thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "gateway/common/result.h"
#include "gateway/delivery/clock.h"
#include "gateway/delivery/pusher.h"

namespace isagw::metrics {
class MetricsRegistry;
}

namespace isagw::delivery {

struct PushClientOptions {
  // The gateway's client certificate (PEM, leaf first, then intermediates)
  // and its key. The certificate needs the clientAuth extended key usage.
  std::filesystem::path certificate_chain;
  std::filesystem::path private_key;

  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
  // A kept-alive connection unused this long is closed (recipients close
  // theirs too; reusing one they closed costs a failed write).
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  // At most this many connections to one endpoint; further attempts wait
  // (up to connect + handshake timeout) for one to come free.
  int max_connections_per_endpoint = 4;
  std::size_t max_response_bytes = 64 * 1024;   // answers are short; the body is ignored
  const Clock* clock = nullptr;                 // for Retry-After dates; nullptr: the system clock
  metrics::MetricsRegistry* metrics = nullptr;  // optional; must outlive the client
};

struct PushClientStats {
  std::uint64_t handshakes = 0;  // completed TLS handshakes (new connections)
  std::uint64_t requests = 0;    // requests written
  std::uint64_t reused = 0;      // requests sent on a kept-alive connection
  std::int64_t open_connections = 0;
};

class PushClient final : public Pusher {
 public:
  // Reads and checks the certificate and key (they must match) and starts
  // the I/O thread. The error names the file, never key material.
  static Result<std::unique_ptr<PushClient>, std::string> Create(PushClientOptions options);

  ~PushClient() override;  // Stop()s
  PushClient(const PushClient&) = delete;
  PushClient& operator=(const PushClient&) = delete;

  void Push(PushRequest request, Done done) override;
  // Push() and wait for its result. Not from the client's own I/O thread.
  PushResult PushAndWait(PushRequest request);

  // Refuses new attempts (they finish at once as "client_stopped"), lets
  // attempts under way finish (bounded by their timeouts), closes every
  // connection and joins the I/O thread. Idempotent. Not from `done`.
  void Stop();

  PushClientStats stats() const;

  struct Impl;

 private:
  struct PrivateTag {};

 public:
  // Only Create() can name PrivateTag, so only Create() constructs one.
  PushClient(PrivateTag tag, std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace isagw::delivery
