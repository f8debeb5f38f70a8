// IngestPipeline: one inbound message from decode to commit
// (docs/pipeline.md). It reads what it needs from the store, decides
// everything in memory (episode, routes, ISA decisions, redacted and
// encoded copies, audit entries) and commits ONE Acceptance; only then is
// the sender answered 202. Nothing is written for a refused message.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "adapters/adapter.h"
#include "gateway/model/time.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/store/store.h"

namespace isagw::pipeline {

struct IngestRequest {
  std::string sender;  // the authenticated agency id
  adapters::Format format = adapters::Format::kCanonical;
  std::string body;
  std::optional<std::string> idempotency_key;
  model::Timestamp received_at{};
};

struct IngestAnswer {
  int status = 202;  // 202 accepted (or replayed), 200 stale, 4xx/5xx problem
  nlohmann::json body;  // the answer, or a problem+json document; never personal data
  std::optional<std::string> message_id;  // when the message is (or was already) stored
  bool is_problem() const { return status >= 400; }
};

// Allowed attempts when another writer moves the episode on meanwhile.
inline constexpr int kMaxCommitAttempts = 5;

class IngestPipeline {
 public:
  // `store` must outlive the pipeline. Thread-safe if the store is.
  explicit IngestPipeline(store::Store& store);

  IngestAnswer Submit(const GatewayState& state, const IngestRequest& request);

  // The same from step (b) on, for a record already decoded (batches
  // decode every line first). `received_bytes` is what the audit hashes.
  IngestAnswer SubmitDecoded(const GatewayState& state, const IngestRequest& request,
                             const adapters::Decoded& decoded);

 private:
  store::Store& store_;
};

// "msg_" + 26 random lower-case hex digits.
std::string NewMessageId();

// Media type of each format's payloads.
std::string_view ContentTypeOf(adapters::Format format);

}  // namespace isagw::pipeline
