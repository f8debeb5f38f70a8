// IngestPipeline: one inbound message from decode to commit
// (docs/pipeline.md). It reads what it needs from the store, decides
// everything in memory (episode, routes, ISA decisions, redacted and
// encoded copies, audit entries) and commits ONE Acceptance; only then is
// the sender answered 202. Nothing is written for a refused message.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>

#include "adapters/adapter.h"
#include "gateway/model/time.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/safeguarding/timer_plan.h"
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
  int status = 202;     // 202 accepted (or replayed), 200 stale, 4xx/5xx problem
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

  // Many decoded records from one request (a batch), committed together:
  // one transaction for all of them rather than one each, with each
  // record's own answer, as SubmitDecoded would give it. Records of one
  // episode are applied in their order (a later one is decided again after
  // the earlier one is stored). `requests[i]` goes with `decoded[i]`.
  std::vector<IngestAnswer> SubmitDecodedAll(const GatewayState& state,
                                             std::span<const IngestRequest> requests,
                                             std::span<const adapters::Decoded> decoded);

  // What became of a due safeguarding timer handed to FireTimer.
  struct FiringOutcome {
    enum class Kind {
      kRaised,       // the escalation is stored and the timer marked fired, together
      kNotArmed,     // another worker fired it, or a message cancelled it, first
      kFailed,       // it can never fire (its record is gone): marked failed, audited
      kUnavailable,  // the store failed: the lease runs out and it is tried again
    } kind = Kind::kUnavailable;
    std::optional<std::string> message_id;
    std::string note;  // no personal data
  };

  // Raises the escalation a claimed timer stands for, through the same
  // route, decide, redact, encode and audit steps as an agency's message,
  // sent on behalf of the episode's host LA to the rule's audience. The
  // escalation and the timer's end commit together: once, however often
  // the timer is claimed.
  FiringOutcome FireTimer(const GatewayState& state, const store::ClaimedTimer& timer,
                          model::Timestamp now);

 private:
  // SubmitDecoded, told whether the Idempotency-Key was looked up already.
  IngestAnswer SubmitChecked(const GatewayState& state, const IngestRequest& request,
                             const adapters::Decoded& decoded, bool key_looked_up);
  FiringOutcome GiveUpTimer(const store::Timer& timer, std::string note, model::Timestamp now);
  FiringOutcome FireUrgentDeadline(const GatewayState& state, const store::ClaimedTimer& timer,
                                   const safeguarding::TimerSpec& spec, model::Timestamp now);

  store::Store& store_;
};

// "msg_" + 26 lower-case hex digits: 12 of the milliseconds since 1970 by
// the system clock, then 14 random. Ids made later sort later, so the rows
// and index entries keyed by them (messages, outbox) are appended to the
// last page of each B-tree rather than to a random one: a group commit
// writes a few pages for its messages, not one more page per id
// (docs/benchmarks.md). The time is about when the gateway accepted the
// message, which the message says anyway; 56 random bits keep ids made in
// the same millisecond apart, and a clock set back costs only locality.
std::string NewMessageId();

// "dlv_" + 24 hex digits of a hash of what the copy is (`input`): stable,
// so a copy made again (after a crash, or by another replica) has the id
// its recipient already knows.
std::string StableDeliveryId(const std::string& input);

// A copy's delivery id: as stable, but in the order of its message id
// (NewMessageId): the message id's 12 time digits, then 12 of the hash of
// message id, recipient and kind.
std::string DeliveryId(const std::string& message_id, const std::string& recipient,
                       const std::string& kind);

// Media type of each format's payloads.
std::string_view ContentTypeOf(adapters::Format format);

}  // namespace isagw::pipeline
