// Store: everything the gateway keeps, behind one interface. SQLite is the
// embedded implementation; PostgreSQL (for several replicas) implements the
// same interface and passes the same test suite (tests/store/).
//
// The ingest side is read-decide-commit: the pipeline reads what it needs
// (an earlier answer, the episode, the child's placing authority), decides
// everything in memory, then commits ONE Acceptance atomically. Commit
// refuses with kConflict when another writer moved the episode on since it
// was read, and the pipeline simply runs again; so replicas need no
// distributed lock, and a crash between read and commit changes nothing.
//
// Payloads are given and returned in plaintext; the store seals them at
// rest (crypto/sealer.h) and never logs them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/model/time.h"

namespace isagw::store {

enum class StoreErrorKind {
  kConflict,   // the episode changed since it was read: run the pipeline again
  kDuplicate,  // the message (idempotency key or police record) is already stored
  kNotFound,
  kSealing,  // a payload could not be sealed or opened (missing key)
  kBackend,  // the database failed
};

struct StoreError {
  StoreErrorKind kind = StoreErrorKind::kBackend;
  std::string detail;  // never holds payload data
};

// The message an agency sent, as accepted.
struct InboundMessage {
  std::string id;  // the gateway's message id
  std::string sender;
  std::optional<std::string> idempotency_key;
  std::string format;
  std::string kind;
  std::optional<std::string> police_ref;
  std::optional<int> record_version;
  model::Timestamp received_at{};
  std::string canonical_json;  // sealed at rest
  std::string answer_json;     // the 202 body, replayed to duplicates; no personal data
  // The episode the message is about (its police_ref; an RHI's first
  // episode): what reports read an episode's messages by.
  std::optional<std::string> episode_ref;
};

// The episode as the gateway last knew it.
struct EpisodeRecord {
  std::string police_ref;
  std::string state;
  int latest_record_version = 0;
  std::optional<std::string> child_key;   // pseudonym linking the episode to the child
  std::optional<std::string> placing_la;  // agency id
  std::optional<std::string> host_la;     // agency id
  std::string snapshot_json;              // the aggregate (risk history...), sealed at rest
  // When the child went missing (last seen, else reported): what repeat
  // thresholds count. Absent for episodes stored before it was kept.
  std::optional<model::Timestamp> missing_since;
};

// A placing authority's claim on a child, from a placement notification.
struct ChildLink {
  std::string child_key;
  std::string placing_la;  // agency id
  std::optional<std::string> host_la;
  std::string message_id;
};

enum class DeliveryMode { kPush, kMailbox };

enum class DeliveryState {
  kPending,    // waiting for its turn or its next attempt
  kDelivered,  // pushed and acknowledged by the recipient (2xx)
  kAvailable,  // in the recipient's mailbox, not yet acknowledged
  kAcked,      // fetched and acknowledged from the mailbox
  kDead,       // gave up: a non-delivery notice went to the sender
};

// One recipient's copy: one outbox row.
struct Delivery {
  std::string id;  // stable: recipients drop duplicates by it
  std::string message_id;
  std::string recipient;     // agency id
  std::string ordering_key;  // deliveries sharing a key are made in sequence order
  DeliveryMode mode = DeliveryMode::kPush;
  std::string format;
  std::string content_type;
  std::string scope;    // key scope the payload is sealed under, e.g. "isa-derby-2026"
  std::string payload;  // the encoded, redacted copy; sealed at rest
};

// An audit record to append; the store chains it (issue 6 adds checkpoints).
struct AuditRecord {
  std::string kind;       // "message_accepted", "disclosure", ...
  std::string body_json;  // pseudonyms and field names only, no personal data
};

// A safeguarding timer (gateway/safeguarding): armed in the transaction of
// the message that causes it, cancelled in the transaction of the message
// that satisfies it, and fired exactly once: the message it raises is
// committed in the same transaction that marks it fired.
struct Timer {
  // Stable for what it stands for ("<police_ref>|long_missing|259200"):
  // arming the same id again updates an armed timer and never revives a
  // fired or cancelled one.
  std::string id;
  std::string subject;  // what it is about: an episode's police_ref, or a delivery id
  std::string kind;     // "rhi_due", "long_missing"... (cancelled by kind); a copy's
                        // "urgent_ack_transport" ends when it is delivered or acknowledged,
                        // "urgent_ack_business" when it is actioned (RecordAction)
  model::Timestamp due_at{};
  std::string spec_json;          // what to raise: reason, rule, audience; no personal data
  std::string source_message_id;  // the stored message the escalation is built from
};

enum class TimerState { kArmed, kFired, kCancelled, kFailed };
std::string_view TimerStateName(TimerState state);

// Cancels every armed timer of `kind` about `subject`.
struct TimerCancel {
  std::string subject;
  std::string kind;
};

// A timer as stored, for `policy explain` and the episode's escalations.
struct TimerRecord {
  Timer timer;
  TimerState state = TimerState::kArmed;
  model::Timestamp armed_at{};
  std::optional<model::Timestamp> finished_at;  // fired, cancelled or failed
  std::optional<std::string>
      message_id;                   // the escalation it raised, or the message that cancelled it
  std::optional<std::string> note;  // why it failed; no personal data
};

// Everything one accepted message changes, committed together or not at all.
struct Acceptance {
  InboundMessage message;
  // The episode after this message, and the version it had when read
  // (0 when it did not exist): the optimistic-concurrency check.
  std::optional<EpisodeRecord> episode;
  int episode_version_read = 0;
  std::optional<ChildLink> child_link;
  std::vector<Delivery> deliveries;
  std::vector<AuditRecord> audit;
  std::vector<Timer> arm_timers;
  std::vector<TimerCancel> cancel_timers;  // applied before arm_timers
  // The timer this message fires: the commit fails with kDuplicate unless
  // it is still armed, so a timer raises one message however often it is
  // claimed.
  std::optional<std::string> fires_timer;
};

// A due timer claimed by a worker, leased as outbox rows are.
struct ClaimedTimer {
  Timer timer;
  int attempts = 0;  // claims before this one
};

// An outbox row claimed for a push attempt.
struct ClaimedDelivery {
  Delivery delivery;  // payload opened
  int attempts = 0;   // attempts made before this one
  model::Timestamp created_at{};
};

// What became of one push attempt, or of a delivery given up without one.
struct AttemptOutcome {
  enum class Kind {
    kDelivered,  // pushed: 2xx
    kRetry,      // attempted and failed: counts as an attempt
    kDeferred,   // not attempted (circuit open): the lease is released, attempts unchanged
    kDead,       // a pending push given up
    kExpired,    // a mailbox item left unacknowledged past its horizon
  } kind = Kind::kRetry;
  std::string delivery_id;
  model::Timestamp at{};
  model::Timestamp next_attempt_at{};  // kRetry, kDeferred
  std::string error;                   // no personal data
  std::vector<Delivery> notices;       // kDead, kExpired: non-delivery notices, committed with it
  std::vector<AuditRecord> audit;
};

// A mailbox entry as its recipient sees it.
struct MailboxItem {
  std::string delivery_id;
  std::string message_id;
  std::string content_type;
  model::Timestamp created_at{};
  std::string payload;  // opened; empty in listings
};

// One page of a mailbox listing: at most `limit` available items, oldest
// first, starting after the item `after` names (any of the recipient's
// mailbox items, acknowledged or not, so a cursor outlives its item).
struct MailboxQuery {
  int limit = 100;
  std::optional<std::string> after;
};

// A recipient's business acknowledgement of one of its copies: it has
// acted on it. Who acted is a team or role and an optional reference in the
// recipient's own system: identifiers, never free text about the child.
struct BusinessAction {
  std::string team;
  std::optional<std::string> reference;
  model::Timestamp at{};
  friend bool operator==(const BusinessAction&, const BusinessAction&) = default;
};

// The sender's view of one message: never another agency's data.
struct MessageStatus {
  std::string message_id;
  std::string kind;
  model::Timestamp received_at{};
  std::string answer_json;
  struct Recipient {
    std::string recipient;
    std::string delivery_id;
    DeliveryState state = DeliveryState::kPending;
    int attempts = 0;
    std::optional<std::string> last_error;
    std::optional<BusinessAction> action;  // the recipient said it acted on it
  };
  std::vector<Recipient> recipients;
};

std::string_view DeliveryStateName(DeliveryState state);

// What a report reads (gateway/reports): the episodes one agency is
// involved in that began in [from, to), with their messages.
struct ReportQuery {
  // The host or placing LA of the episode, or a police force that sent a
  // record of it.
  std::string agency;
  model::Timestamp from{};
  model::Timestamp to{};
};

struct ReportRecords {
  struct Episode {
    std::string police_ref;
    std::string state;
    std::optional<std::string> child_key;
    std::optional<std::string> placing_la;
    std::optional<std::string> host_la;
    model::Timestamp missing_since{};
  };
  struct Message {
    std::string id;
    std::string sender;
    std::string kind;
    std::optional<std::string> episode_ref;  // empty for a placement notification
    model::Timestamp received_at{};
    // Opened; nullopt when its key is gone (crypto-shredded): reports
    // leave it out and count it.
    std::optional<std::string> canonical_json;
  };
  // When a copy of one of the messages became the recipient's to read:
  // put in its mailbox, or pushed and acknowledged.
  struct CopyAvailable {
    std::string message_id;
    std::string recipient;
    model::Timestamp at{};
  };
  std::vector<Episode> episodes;  // by missing_since, then police_ref
  // The episodes' police, RHI and escalation messages, and the placement
  // notifications that linked their children; by received_at, then id.
  std::vector<Message> messages;
  std::vector<CopyAvailable> copies;
};

// The web console's view of one recipient's outbox (operators): counts and
// times only, never a copy's contents.
struct RecipientQueue {
  std::string recipient;
  int pending = 0;                                 // copies still to be pushed
  std::optional<model::Timestamp> oldest_pending;  // created_at of the oldest of them
  int available = 0;                               // mailbox copies not yet acknowledged
  int dead = 0;                                    // given up, and not replayed
  // When its newest copy was delivered: pushed (kDelivered), or fetched and
  // acknowledged from the mailbox (kAcked); finished_at of that copy.
  std::optional<model::Timestamp> last_delivered;
};

// A copy the gateway gave up on (state dead), as operators see it.
struct DeadLetter {
  std::string delivery_id;
  std::string message_id;
  std::string recipient;
  std::string format;
  int attempts = 0;
  std::string last_error;  // why the last attempt failed; no personal data
  model::Timestamp created_at{};
  model::Timestamp finished_at{};
  std::optional<std::string> replayed_as;  // the copy its replay made, once replayed
};

// An urgent copy (one with an urgent-alert deadline) its recipient has not
// yet actioned, with the deadline that watches it, for the console's
// alerts awaiting action. Ids, kinds and times only.
struct UrgentCopy {
  std::string delivery_id;
  std::string message_id;
  std::string recipient;
  DeliveryState state = DeliveryState::kPending;
  model::Timestamp created_at{};
  std::string message_kind;                // the stored message's kind ("police_notification")
  std::optional<std::string> episode_ref;  // its episode's police reference
  TimerRecord deadline;                    // kind urgent_ack_business or urgent_ack_transport
};

// One copy as stored, with its payload opened when it still can be: what
// the console lists of the non-delivery notices.
struct CopyRecord {
  Delivery delivery;  // payload empty when it was shredded or its key is gone
  bool opened = false;
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  model::Timestamp created_at{};
  std::optional<model::Timestamp> finished_at;
};

class Store {
 public:
  virtual ~Store() = default;

  // Ingest reads.
  virtual Result<std::optional<std::string>, StoreError> FindAnswerByIdempotencyKey(
      const std::string& sender, const std::string& key) = 0;
  virtual Result<std::optional<std::string>, StoreError> FindAnswerByPoliceRecord(
      const std::string& police_ref, int record_version) = 0;
  virtual Result<std::optional<EpisodeRecord>, StoreError> LoadEpisode(
      const std::string& police_ref) = 0;
  virtual Result<std::optional<ChildLink>, StoreError> FindChildLink(
      const std::string& child_key) = 0;

  // Ingest commit: all of it, or nothing.
  virtual Result<Ok, StoreError> Commit(const Acceptance& acceptance) = 0;
  // Several Acceptances in one transaction, in order, each with its own
  // outcome: one that fails (a conflict, a duplicate) is undone alone and
  // the others are committed. What a batch from one sender commits with.
  virtual std::vector<Result<Ok, StoreError>> CommitAll(
      std::span<const Acceptance* const> acceptances) = 0;

  // Delivery. Claims up to `limit` push deliveries that are due at `now`
  // and first in line for their ordering key (no earlier delivery with the
  // same key is still pending), leasing them until `lease_until` so that
  // another worker (or replica) does not take them meanwhile. A crashed
  // worker's lease simply runs out.
  virtual Result<std::vector<ClaimedDelivery>, StoreError> ClaimDueDeliveries(
      model::Timestamp now, model::Timestamp lease_until, int limit) = 0;
  virtual Result<Ok, StoreError> RecordAttempt(const AttemptOutcome& outcome) = 0;
  // Several outcomes in one transaction, in order, each with its own
  // result (one whose delivery is gone fails alone): what a worker records
  // its finished attempts with, so a burst of pushes shares one fsync.
  virtual std::vector<Result<Ok, StoreError>> RecordAttempts(
      std::span<const AttemptOutcome> outcomes) = 0;

  // Mailbox items still unacknowledged that were put there before
  // `created_before`, oldest first, without payloads: the candidates for
  // non-delivery notices (recorded with AttemptOutcome::Kind::kExpired).
  virtual Result<std::vector<ClaimedDelivery>, StoreError> ListExpiredMailboxItems(
      model::Timestamp created_before, int limit) = 0;

  // Audit records of events that change nothing else (a refused message or
  // handshake, a reload, a key made), appended together.
  virtual Result<Ok, StoreError> RecordAudit(const std::vector<AuditRecord>& records,
                                             model::Timestamp at) = 0;

  // The agency that sent a message; nullopt when no such message is stored.
  virtual Result<std::optional<std::string>, StoreError> FindMessageSender(
      const std::string& message_id) = 0;

  // Mailboxes, always scoped to the recipient asking. ListMailbox fails
  // with kNotFound when `after` names none of the recipient's items.
  virtual Result<std::vector<MailboxItem>, StoreError> ListMailbox(const std::string& recipient,
                                                                   const MailboxQuery& query) = 0;
  virtual Result<MailboxItem, StoreError> FetchMailboxItem(const std::string& recipient,
                                                           const std::string& delivery_id,
                                                           std::vector<AuditRecord> audit) = 0;
  virtual Result<Ok, StoreError> AcknowledgeMailboxItem(const std::string& recipient,
                                                        const std::string& delivery_id,
                                                        model::Timestamp at,
                                                        std::vector<AuditRecord> audit) = 0;

  // Safeguarding timers. Claims up to `limit` armed timers due at `now`,
  // leasing them until `lease_until`; a crashed worker's lease runs out and
  // the timer is claimed again (and still fires once: Acceptance::fires_timer).
  virtual Result<std::vector<ClaimedTimer>, StoreError> ClaimDueTimers(model::Timestamp now,
                                                                       model::Timestamp lease_until,
                                                                       int limit) = 0;
  // Ends an armed timer without a message (kFailed with a note, or
  // kCancelled), with its audit records; kNotFound when it is not armed.
  virtual Result<Ok, StoreError> FinishTimer(const std::string& timer_id, TimerState state,
                                             const std::string& note, model::Timestamp at,
                                             std::vector<AuditRecord> audit) = 0;
  // Fires a timer that raises no message of its own (an urgent alert's
  // deadline): marks it fired and, together, adds `deliveries` (copies of
  // messages already stored: the alert again to a duty endpoint, or a
  // notice to its sender), arms `arm` (the next deadline) and appends
  // `audit`. kDuplicate unless the timer is still armed.
  virtual Result<Ok, StoreError> FireTimerWithDeliveries(const std::string& timer_id,
                                                         model::Timestamp at,
                                                         std::vector<Delivery> deliveries,
                                                         std::vector<Timer> arm,
                                                         std::vector<AuditRecord> audit) = 0;
  // Every timer about `subject`, in order of due time.
  virtual Result<std::vector<TimerRecord>, StoreError> ListTimers(const std::string& subject) = 0;
  // Episodes of one child whose missing_since lies in [from, to], the
  // episode `except` left out, counted up to `at_most`: what repeat
  // thresholds count. A threshold only asks whether its count is reached,
  // so a child with hundreds of episodes costs no more than one with a few.
  virtual Result<int, StoreError> CountChildEpisodes(const std::string& child_key,
                                                     model::Timestamp from, model::Timestamp to,
                                                     const std::string& except, int at_most) = 0;
  // The canonical JSON of a stored message (opened); kNotFound when absent,
  // kSealing when its key is gone.
  virtual Result<std::string, StoreError> LoadMessageCanonical(const std::string& message_id) = 0;

  // Records that `recipient` acted on its copy `delivery_id` (delivered,
  // in its mailbox or acknowledged), with its audit records, and cancels
  // the copy's urgent-alert timers. The first action stands: a second one
  // changes nothing and succeeds. kNotFound for another agency's copy, or
  // one not (or no longer) delivered.
  virtual Result<Ok, StoreError> RecordAction(const std::string& recipient,
                                              const std::string& delivery_id,
                                              const BusinessAction& action,
                                              std::vector<AuditRecord> audit) = 0;
  // One copy, payload opened: what an urgent alert's escalation re-sends.
  virtual Result<std::optional<Delivery>, StoreError> LoadDelivery(
      const std::string& delivery_id) = 0;

  // Ends every claim's lease on outbox rows and timers now, so that what a
  // killed process had claimed is claimed again at once rather than when
  // its lease runs out. Only for a process that is the store's sole user
  // (the embedded store, under SoleUserLock), at start, when every lease
  // in it is a dead process's. Acknowledged copies are not pending and
  // are never claimed again; a copy pushed but not yet recorded goes again
  // with the same delivery id, which its recipient drops as a duplicate.
  struct ReleasedLeases {
    int deliveries = 0;
    int timers = 0;
  };
  virtual Result<ReleasedLeases, StoreError> ReleaseLeases() = 0;

  // Reports: every episode of the query's agency and period, with its
  // messages opened through the key ring.
  virtual Result<ReportRecords, StoreError> LoadReportRecords(const ReportQuery& query) = 0;

  // Whether the database answers now (a trivial read): what /readyz and
  // the load balancer in front of replicas go by.
  virtual Result<Ok, StoreError> Ping() = 0;

  // Console (operators): every recipient with at least one copy in the
  // outbox, by recipient id.
  virtual Result<std::vector<RecipientQueue>, StoreError> ListRecipientQueues() = 0;
  // The `limit` copies given up on last, the latest first.
  virtual Result<std::vector<DeadLetter>, StoreError> ListDeadLetters(std::size_t limit) = 0;
  // Replays a dead copy: a new copy `new_id` of the same stored payload to
  // the same recipient, due now, with `audit` in the same transaction. Once
  // only: a copy already replayed answers its replay's id and changes
  // nothing. kNotFound for a copy that does not exist or is not dead.
  virtual Result<std::string, StoreError> ReplayDeadLetter(const std::string& delivery_id,
                                                           const std::string& new_id,
                                                           model::Timestamp now,
                                                           std::vector<AuditRecord> audit) = 0;

  // Console (coordinators): the copies to `recipient` with an urgent-alert
  // deadline and no action recorded, whose deadline is armed, or fired at
  // or after `fired_since`; by due time, at most `limit`.
  virtual Result<std::vector<UrgentCopy>, StoreError> ListUrgentCopies(const std::string& recipient,
                                                                       model::Timestamp fired_since,
                                                                       std::size_t limit) = 0;
  // Console (operators): the `limit` copies of `format` made last, the
  // latest first (the non-delivery notices are format "problem").
  virtual Result<std::vector<CopyRecord>, StoreError> ListCopiesOfFormat(const std::string& format,
                                                                         std::size_t limit) = 0;

  // Status, always scoped to the sender asking.
  virtual Result<MessageStatus, StoreError> GetMessageStatus(const std::string& sender,
                                                             const std::string& message_id) = 0;
};

}  // namespace isagw::store
