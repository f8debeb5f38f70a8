// Server: the gateway's mutual-TLS HTTPS listener and its loopback admin
// listener.
//
// Each API connection is a coroutine on its own strand: TLS handshake
// (client certificate required, chain + CRL checked), then the
// certificate is mapped to an agency by the AgencyIdentifier; a
// certificate that is refused at either step never reaches a handler, and
// each refusal is counted and logged by reason. Requests then pass the
// filter chain (identity -> per-agency rate limit -> size/content checks)
// and reach the RequestHandler on a worker thread.
//
// Stop() (or SIGTERM/SIGINT) drains: the listener closes, idle
// connections are closed, in-flight requests finish (up to drain_timeout)
// and their connections close after the response; then Run() returns.
// Reload() (or SIGHUP) asks the ReloadConfig callback for a new TLS context,
// identifier and agency rate limits; new connections use the context and
// identifier (open ones keep theirs), every request from then on the new
// rate limits, and a failed reload keeps the old configuration whole.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "gateway/common/result.h"
#include "gateway/server/agency_identifier.h"
#include "gateway/server/request_handler.h"
#include "gateway/server/server_options.h"
#include "gateway/server/tls_context.h"

namespace isagw::metrics {
class MetricsRegistry;
}

namespace isagw::server {

// What a reload replaces, as one unit.
struct ServerConfig {
  std::shared_ptr<const ServerTlsContext> tls;
  std::shared_ptr<const AgencyIdentifier> identifier;
  // Agencies' own request rates (the registry's per-agency rate_limit), by
  // agency id; agencies not named get ServerOptions::rate_limit. Unlike the
  // context and identifier these apply to open connections too, from the
  // next request: a rate belongs to the agency, not to a connection.
  std::map<std::string, RateLimit> agency_rate_limits = {};
};

// Builds a whole new ServerConfig (reading certificates, registry...), or
// says why not. Called on a worker thread.
using ReloadConfig = std::function<Result<ServerConfig, std::string>()>;

class Server {
 public:
  // Checks the options, opens and binds both listeners (so ports are
  // known before Run()). `handler` answers API requests after the filter
  // chain; `metrics` is shared with whoever else records figures.
  static Result<std::unique_ptr<Server>, std::string> Create(
      ServerOptions options, ServerConfig config, std::shared_ptr<RequestHandler> handler,
      std::shared_ptr<metrics::MetricsRegistry> metrics, ReloadConfig reload = nullptr);

  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound ports (useful when the options asked for port 0).
  std::uint16_t api_port() const;
  std::uint16_t admin_port() const;

  // Serves on options.io_threads threads (this one included) until a
  // drain completes. Call once.
  void Run();
  // Starts a graceful drain. Thread-safe; returns at once.
  void Stop();
  // Starts a configuration reload. Thread-safe; returns at once.
  void Reload();
  // Listening, configured, not draining: what /readyz reports.
  bool Ready() const;

  struct Impl;

 private:
  struct PrivateTag {};

 public:
  // Only Create() can name PrivateTag, so only Create() constructs one.
  Server(PrivateTag, std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace isagw::server
