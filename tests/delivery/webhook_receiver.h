// WebhookReceiver: a push recipient for tests. An HTTPS server on
// 127.0.0.1 (ephemeral port) with the example receiver certificate, that
// requires the gateway's client certificate, records every request and
// answers as the test scripts it: errors for a while, dropped connections,
// or not listening at all ("down") and then back on the same port.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"

namespace isagw::delivery::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::string host;
  std::string content_type;
  std::string delivery_id;      // Isagw-Delivery-Id
  std::string message_id;       // Isagw-Message-Id
  std::string idempotency_key;  // Idempotency-Key
  std::string body;
  std::string server_name;  // the SNI the client sent ("" if none)
  int connection = 0;       // which accepted connection carried it: 1, 2, ...
  int answer_status = 0;    // the status it was answered with; 0 if dropped unanswered
};

struct ScriptedAnswer {
  int status = 200;
  std::string retry_after{};             // sent as Retry-After when not empty
  bool drop = false;                     // close the connection instead of answering
  std::chrono::milliseconds delay{0};    // wait this long before answering
  std::optional<std::string> body{};     // the answer's body instead of a short word
  std::size_t padding_header_bytes = 0;  // an X-Padding header this long
};

struct WebhookReceiverOptions {
  std::filesystem::path certificate_chain;  // the receiver's certificate (PEM)
  std::filesystem::path private_key;
  std::filesystem::path client_ca;  // what the gateway's client certificate must chain to
};

class WebhookReceiver {
 public:
  // Listening when it returns.
  static Result<std::unique_ptr<WebhookReceiver>, std::string> Start(
      WebhookReceiverOptions options);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::uint16_t port() const;
  // "https://127.0.0.1:<port><path>"
  std::string Url(std::string_view path = "/isagw/v1/deliveries") const;

  // The next requests get these answers, in order; then 200 again.
  void Script(std::vector<ScriptedAnswer> answers);
  // Answer with "Connection: close" and close after every answer.
  void SetCloseAfterEachAnswer(bool close);
  // Stops listening and cuts every connection (connections are refused);
  // ComeBack() listens on the same port again (false if it cannot). Both
  // return once done.
  void GoDown();
  [[nodiscard]] bool ComeBack();

  std::vector<ReceivedRequest> requests() const;
  int handshakes() const;   // completed TLS handshakes
  int connections() const;  // accepted TCP connections

  struct Impl;

 private:
  struct PrivateTag {};

 public:
  WebhookReceiver(PrivateTag tag, std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace isagw::delivery::testing
