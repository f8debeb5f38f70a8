// Pusher: makes one push attempt of one delivery to one endpoint, and
// says what came of it. PushClient is the real one (mutual TLS, pooled
// keep-alive connections); tests may fake it.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/registry/agency.h"

namespace isagw::delivery {

struct PushRequest {
  registry::PushEndpoint endpoint;
  std::string delivery_id;  // Isagw-Delivery-Id and Idempotency-Key
  std::string message_id;   // Isagw-Message-Id
  std::string content_type;
  std::string body;
};

struct PushResult {
  enum class Kind {
    kDelivered,  // 2xx: the recipient has it
    kRetry,      // 408, 425, 429, 5xx, or no answer: try again later
    kPermanent,  // any other answer: retrying cannot help
  };
  Kind kind = Kind::kRetry;
  int http_status = 0;  // 0 when no HTTP answer was read
  // A bounded class for logs, metrics and the audit ("http_503",
  // "connect_failed", "hostname_mismatch"...); empty when delivered.
  // Never holds response content.
  std::string error;
  std::optional<std::chrono::seconds> retry_after;  // from the answer, when given

  // The endpoint answered sensibly (it is up): what a circuit breaker
  // counts as a success even when the delivery itself was refused.
  bool EndpointWorked() const { return kind != Kind::kRetry; }
};

std::string_view PushResultKindName(PushResult::Kind kind);

class Pusher {
 public:
  using Done = std::function<void(PushResult)>;
  virtual ~Pusher() = default;
  // Starts one attempt; `done` is called exactly once, on a thread of the
  // pusher's choosing, and must not block.
  virtual void Push(PushRequest request, Done done) = 0;
};

}  // namespace isagw::delivery
