// ServerOptions: everything the server's sockets, limits and timeouts need,
// independent of how the gateway's YAML configuration spells it (the CLI
// maps GatewayConfig onto this).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/server/rate_limiter.h"

namespace isagw::server {

struct ListenAddress {
  std::string host;        // a literal IPv4 or IPv6 address ("127.0.0.1", "::1", "0.0.0.0")
  std::uint16_t port = 0;  // 0: an ephemeral port (tests); see Server::api_port()
};

// A connection refused before any request: for the audit.
struct HandshakeRefusal {
  std::string reason;  // the metrics label: "no_certificate", "revoked", "unknown_agency"...
  std::string remote;  // address:port of the agency system
  std::optional<std::string> certificate_sha256;  // when a certificate was shown and parsed
};

struct ServerOptions {
  // The mutual-TLS API listener.
  ListenAddress api{"127.0.0.1", 8443};
  // Plain-HTTP /healthz, /readyz, /metrics. Must be a loopback address.
  ListenAddress admin{"127.0.0.1", 9090};

  int io_threads = 2;       // threads running sockets and TLS
  int handler_threads = 2;  // threads running RequestHandler::Handle (may block)

  std::size_t max_connections = 2048;                      // API connections open at once
  std::size_t max_requests_per_connection = 1000;          // then the connection is closed
  std::uint32_t header_limit_bytes = 16 * 1024;            // request line + headers
  std::uint64_t body_limit_bytes = 256 * 1024;             // POST /v1/messages and most routes
  std::uint64_t batch_body_limit_bytes = 8 * 1024 * 1024;  // POST /v1/batches

  std::chrono::milliseconds handshake_timeout{10'000};
  // Time to receive one whole request: a client that trickles its headers
  // slower than this is cut off. On a new connection it counts from the
  // handshake; on a kept-alive one from the request's first byte.
  std::chrono::milliseconds request_timeout{30'000};
  // How long a kept-alive connection may wait for its next request. Then
  // it is closed politely (close_notify), not counted as a timeout.
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_timeout{5'000};  // TLS close_notify exchange
  // On SIGTERM/Stop(): how long in-flight requests may take to finish
  // before their connections are closed regardless.
  std::chrono::milliseconds drain_timeout{30'000};

  // Each agency's request rate unless ServerConfig::agency_rate_limits
  // names it. Fixed for the server's life (a reload does not change it).
  RateLimit rate_limit;

  // Install SIGINT/SIGTERM (drain and stop) and SIGHUP (reload) handlers
  // while the server exists. Off in tests that run several servers.
  bool handle_signals = true;

  // Receives one JSON object per line: connection refusals, timeouts,
  // reloads. Never personal data. Default: standard error.
  std::function<void(std::string_view line)> log_sink;

  // What /readyz reports beyond "listening and not draining", asked on the
  // admin I/O thread, so it must not block (it reads what another thread
  // keeps). Not ready answers 503 with `detail` (a load balancer then
  // sends this replica nothing); `lines` go in the 200 body, e.g. the
  // policy set's hash, so replicas serving different policies show it.
  struct Readiness {
    bool ready = true;
    std::string detail;
    std::vector<std::string> lines;
  };
  std::function<Readiness()> readiness;

  // Told of every refused handshake, on an I/O thread: must not block
  // (queue the record; the store is written elsewhere).
  std::function<void(const HandshakeRefusal&)> on_handshake_refused;
};

}  // namespace isagw::server
