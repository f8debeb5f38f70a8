// GatewayApp: one gateway process, assembled from its configuration — the
// keys, the store, the pipeline behind the HTTP API, the mutual-TLS server,
// the delivery worker and the audit checkpointer — with the lifecycle
// `isagw serve` needs:
//   Run()     serves until Stop() or SIGTERM, then drains requests, lets
//             attempts under way finish, and signs a last checkpoint;
//             meanwhile the timer worker fires due safeguarding timers;
//   Reload()  (or SIGHUP) rereads the configuration file, the registry,
//             the policies and the TLS files; new requests use them, open
//             connections stay, and a bad reload keeps the old ones.
// The end-to-end tests run exactly this assembly, so what they prove is
// what `serve` runs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/common/clock.h"
#include "gateway/common/result.h"
#include "gateway/config/gateway_config.h"

namespace isagw::store {
class Store;
}

namespace isagw::app {

struct AppOptions {
  // One JSON object per line: operational events, never personal data.
  // Default: standard error.
  std::function<void(std::string_view line)> log_sink;
  // SIGTERM/SIGINT drain, SIGHUP reloads. Off when a test runs several.
  bool handle_signals = true;
  // Where "now" comes from (received times, delivery, timers); must
  // outlive the app. Default: the system clock. Tests pass a ManualClock
  // to run days of safeguarding time in milliseconds.
  const Clock* clock = nullptr;
};

class GatewayApp {
 public:
  // Opens everything and binds both listeners (ports known before Run());
  // makes missing keys. The error says which part failed and why.
  static Result<std::unique_ptr<GatewayApp>, std::string> Create(config::GatewayConfig config,
                                                                 AppOptions options);
  ~GatewayApp();
  GatewayApp(const GatewayApp&) = delete;
  GatewayApp& operator=(const GatewayApp&) = delete;

  std::uint16_t api_port() const;
  std::uint16_t admin_port() const;

  // Blocks serving on the configured threads until a drain completes.
  void Run();
  // Thread-safe; return at once.
  void Stop();
  void Reload();

  // For tests and tools.
  store::Store& store();
  // Writes queued audit records (refused handshakes) now.
  void FlushAudit();
  // Pushes and expires what is due now, on the caller's thread (only
  // while Run() is not running).
  void DeliverDueNow();
  // Fires the safeguarding timers due now, on the caller's thread (only
  // while Run() is not running); returns how many escalations it raised.
  int FireDueTimersNow();

  struct Impl;

 private:
  struct PrivateTag {};

 public:
  GatewayApp(PrivateTag, std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace isagw::app
