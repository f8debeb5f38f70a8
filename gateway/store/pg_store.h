// PostgresStore: the Store for several gateway replicas sharing one
// PostgreSQL database (issue 14). Same interface, same shared test suite
// (tests/store/store_contract_test.cc) as the embedded SqliteStore.
//
// How replicas stay consistent:
//  - Every transaction that appends to the audit chain locks the chain's
//    head row first, so appends from all replicas form one chain with no
//    fork, and the outbox's seq (drawn under that lock) follows commit
//    order. Writes are therefore serial across replicas, as they are in
//    SQLite within one process; each replica still groups its concurrent
//    commits into one transaction (commit_queue.h), so a burst pays one
//    lock and one fsync per group.
//  - Claims of due deliveries and timers take rows FOR UPDATE SKIP LOCKED
//    and lease them under this replica's name, so two replicas never push
//    the same copy at once; a killed replica's leases run out, or are
//    released when it starts again under the same name.
//  - The episode's version is checked in the committing transaction
//    (optimistic concurrency, as in SQLite): a replica that decided on a
//    stale episode gets kConflict and runs the pipeline again.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "gateway/audit/checkpoint.h"
#include "gateway/crypto/sealer.h"
#include "gateway/store/commit_queue.h"
#include "gateway/store/pg_pool.h"
#include "gateway/store/sealed_acceptance.h"
#include "gateway/store/store.h"

namespace isagw::store {

struct PostgresStoreOptions {
  // A libpq connection string. Its password belongs in a file or the
  // environment (PGPASSFILE, PGPASSWORD), its TLS in sslmode= and friends.
  std::string dsn;
  int pool = 8;  // connections this replica may hold
  // This replica's name among those sharing the database, stable across
  // its restarts: leases carry it, ReleaseLeases ends only its own, and a
  // second live process under the same name is refused at Open.
  std::string replica = "gateway";
};

class PostgresStore final : public Store {
 public:
  // Connects, brings the schema up to date (once, however many replicas
  // start together) and takes the replica's name.
  // A DSN without connect_timeout (keyword form) is given 10 seconds.
  static Result<std::unique_ptr<PostgresStore>, StoreError> Open(
      PostgresStoreOptions options, std::shared_ptr<const crypto::Sealer> sealer);

  Result<std::optional<std::string>, StoreError> FindAnswerByIdempotencyKey(
      const std::string& sender, const std::string& key) override;
  Result<std::optional<std::string>, StoreError> FindAnswerByPoliceRecord(
      const std::string& police_ref, int record_version) override;
  Result<std::optional<EpisodeRecord>, StoreError> LoadEpisode(
      const std::string& police_ref) override;
  Result<std::optional<ChildLink>, StoreError> FindChildLink(const std::string& child_key) override;
  Result<Ok, StoreError> Commit(const Acceptance& acceptance) override;
  std::vector<Result<Ok, StoreError>> CommitAll(
      std::span<const Acceptance* const> acceptances) override;
  CommitQueue::Counts group_commits() const { return commits_.counts(); }
  // Told of every group Commit commits (metrics); set before the first.
  void ObserveGroupCommits(CommitQueue::GroupObserver observer) {
    commits_.Observe(std::move(observer));
  }

  Result<std::vector<ClaimedDelivery>, StoreError> ClaimDueDeliveries(model::Timestamp now,
                                                                      model::Timestamp lease_until,
                                                                      int limit) override;
  Result<Ok, StoreError> RecordAttempt(const AttemptOutcome& outcome) override;
  std::vector<Result<Ok, StoreError>> RecordAttempts(
      std::span<const AttemptOutcome> outcomes) override;
  Result<std::vector<ClaimedDelivery>, StoreError> ListExpiredMailboxItems(
      model::Timestamp created_before, int limit) override;
  Result<Ok, StoreError> RecordAudit(const std::vector<AuditRecord>& records,
                                     model::Timestamp at) override;
  Result<std::optional<std::string>, StoreError> FindMessageSender(
      const std::string& message_id) override;
  Result<std::vector<MailboxItem>, StoreError> ListMailbox(const std::string& recipient,
                                                           const MailboxQuery& query) override;
  Result<MailboxItem, StoreError> FetchMailboxItem(const std::string& recipient,
                                                   const std::string& delivery_id,
                                                   std::vector<AuditRecord> audit) override;
  Result<Ok, StoreError> AcknowledgeMailboxItem(const std::string& recipient,
                                                const std::string& delivery_id, model::Timestamp at,
                                                std::vector<AuditRecord> audit) override;
  Result<std::vector<ClaimedTimer>, StoreError> ClaimDueTimers(model::Timestamp now,
                                                               model::Timestamp lease_until,
                                                               int limit) override;
  Result<Ok, StoreError> FinishTimer(const std::string& timer_id, TimerState state,
                                     const std::string& note, model::Timestamp at,
                                     std::vector<AuditRecord> audit) override;
  Result<Ok, StoreError> FireTimerWithDeliveries(const std::string& timer_id, model::Timestamp at,
                                                 std::vector<Delivery> deliveries,
                                                 std::vector<Timer> arm,
                                                 std::vector<AuditRecord> audit) override;
  Result<std::vector<TimerRecord>, StoreError> ListTimers(const std::string& subject) override;
  Result<int, StoreError> CountChildEpisodes(const std::string& child_key, model::Timestamp from,
                                             model::Timestamp to, const std::string& except,
                                             int at_most) override;
  Result<std::string, StoreError> LoadMessageCanonical(const std::string& message_id) override;
  Result<Ok, StoreError> RecordAction(const std::string& recipient, const std::string& delivery_id,
                                      const BusinessAction& action,
                                      std::vector<AuditRecord> audit) override;
  Result<std::optional<Delivery>, StoreError> LoadDelivery(const std::string& delivery_id) override;
  Result<std::vector<RecipientQueue>, StoreError> ListRecipientQueues() override;
  Result<std::vector<DeadLetter>, StoreError> ListDeadLetters(std::size_t limit) override;
  Result<std::vector<UrgentCopy>, StoreError> ListUrgentCopies(const std::string& recipient,
                                                               model::Timestamp fired_since,
                                                               std::size_t limit) override;
  Result<std::vector<CopyRecord>, StoreError> ListCopiesOfFormat(const std::string& format,
                                                                 std::size_t limit) override;
  Result<std::string, StoreError> ReplayDeadLetter(const std::string& delivery_id,
                                                   const std::string& new_id, model::Timestamp now,
                                                   std::vector<AuditRecord> audit) override;
  // Ends the leases this replica's name holds: a replica restarted after a
  // kill reclaims at once what its previous life had claimed. Other
  // replicas' leases are theirs, and run out if they died.
  Result<ReleasedLeases, StoreError> ReleaseLeases() override;
  Result<ReportRecords, StoreError> LoadReportRecords(const ReportQuery& query) override;
  Result<MessageStatus, StoreError> GetMessageStatus(const std::string& sender,
                                                     const std::string& message_id) override;
  // Also checks that this replica still holds its name: a server restart
  // ends the session that held it, and it is taken again here, or Ping
  // fails (and /readyz with it) while another process of the name runs.
  Result<Ok, StoreError> Ping() override;

  // Signs the audit chain's head (audit/checkpoint.h) while holding it, so
  // no replica appends meanwhile, after checking every entry since the
  // latest checkpoint. Returns the latest unchanged when it already covers
  // the head; refuses an empty chain.
  Result<audit::Checkpoint, StoreError> AppendCheckpoint(const audit::CheckpointSigner& signer,
                                                         model::Timestamp now);

  class Writer;  // one write transaction, holding the chain's head (pg_store.cc)

 private:
  struct Token {};

 public:
  PostgresStore(Token, PostgresStoreOptions options, std::shared_ptr<const crypto::Sealer> sealer,
                PgConnection name_lock)
      : options_(std::move(options)),
        sealer_(std::move(sealer)),
        pool_(options_.dsn, options_.pool),
        name_lock_(std::move(name_lock)) {}

 private:
  // Row `r`'s copy, columns message_id, recipient, ordering_key, mode,
  // format, content_type, scope, payload (opened as `delivery_id`'s).
  Result<Delivery, StoreError> OpenDeliveryRow(const PgResult& rows, int r,
                                               const std::string& delivery_id) const;

  // Runs body(conn) on a pooled connection, outside any transaction.
  template <typename Body>
  auto Read(Body&& body) -> decltype(body(std::declval<PgConnection&>()));
  // Runs body(writer) in one transaction that holds the chain's head.
  template <typename Body>
  auto Write(Body&& body) -> decltype(body(std::declval<Writer&>()));
  // Runs apply(writer, i) for i in [0, count) in one transaction holding
  // the head, each in a savepoint of its own (one that fails is undone
  // alone); a lost connection fails them all.
  template <typename Apply>
  std::vector<Result<Ok, StoreError>> EachInSavepoint(std::size_t count, const Apply& apply);
  // Runs body(conn) in a transaction that does not touch the chain
  // (claims, releases).
  template <typename Body>
  auto Claim(Body&& body) -> decltype(body(std::declval<PgConnection&>()));

  Result<Ok, StoreError> HoldName();
  Result<Ok, StoreError> CommitOne(Writer& w, const SealedAcceptance& sealed);
  Result<Ok, StoreError> RecordAttemptOne(Writer& w, const AttemptOutcome& outcome);
  Result<Ok, StoreError> InsertDelivery(Writer& w, const Delivery& delivery, std::int64_t now);
  Result<Ok, StoreError> InsertSealedDelivery(Writer& w, const Delivery& delivery,
                                              std::string_view sealed_payload, std::int64_t now);
  Result<Ok, StoreError> ApplyTimers(Writer& w, const Acceptance& acceptance, std::int64_t now);
  Result<Ok, StoreError> CancelTimers(Writer& w, const std::string& subject,
                                      std::initializer_list<std::string_view> kinds,
                                      std::int64_t at);

  static constexpr std::size_t kMaxGroup = 128;
  const PostgresStoreOptions options_;
  std::shared_ptr<const crypto::Sealer> sealer_;
  PgPool pool_;
  CommitQueue commits_{kMaxGroup};
  // Holds a session advisory lock on the replica's name for as long as
  // the store is open: what refuses a second live process of that name.
  std::mutex name_mutex_;  // guards name_lock_ (Ping runs on the probe's thread)
  PgConnection name_lock_;
};

}  // namespace isagw::store
