// SqliteStore: the embedded Store. One database file in WAL mode; one
// writer at a time (BEGIN IMMEDIATE), readers alongside. Calls block on
// disk: the gateway makes them from its handler threads, never an I/O
// thread. Commits made at the same time share a transaction (group
// commit, commit_queue.h), so a burst pays for one fsync per group rather
// than one per message.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <utility>

#include "gateway/crypto/sealer.h"
#include "gateway/store/commit_queue.h"
#include "gateway/store/sealed_acceptance.h"
#include "gateway/store/sqlite_database.h"
#include "gateway/store/sqlite_reader_pool.h"
#include "gateway/store/store.h"
#include "gateway/store/wal_checkpointer.h"

namespace isagw::store {

class SqliteStore final : public Store {
 public:
  // Opens or creates the database and brings its schema up to date.
  static Result<std::unique_ptr<SqliteStore>, StoreError> Open(
      const std::filesystem::path& path, std::shared_ptr<const crypto::Sealer> sealer);
  static Result<std::unique_ptr<SqliteStore>, StoreError> OpenInMemory(
      std::shared_ptr<const crypto::Sealer> sealer);

  Result<std::optional<std::string>, StoreError> FindAnswerByIdempotencyKey(
      const std::string& sender, const std::string& key) override;
  Result<std::optional<std::string>, StoreError> FindAnswerByPoliceRecord(
      const std::string& police_ref, int record_version) override;
  Result<std::optional<EpisodeRecord>, StoreError> LoadEpisode(
      const std::string& police_ref) override;
  Result<std::optional<ChildLink>, StoreError> FindChildLink(const std::string& child_key) override;
  Result<Ok, StoreError> Commit(const Acceptance& acceptance) override;
  // Also the group step of Commit.
  std::vector<Result<Ok, StoreError>> CommitAll(
      std::span<const Acceptance* const> acceptances) override;
  // Groups committed by Commit and the Acceptances in them, since opened.
  CommitQueue::Counts group_commits() const { return commits_.counts(); }
  // Told of every group Commit commits (metrics); set before the first.
  void ObserveGroupCommits(CommitQueue::GroupObserver observer) {
    commits_.Observe(std::move(observer));
  }
  // WAL checkpoints run off the commit path so far (0 in memory).
  std::uint64_t wal_checkpoints() const { return checkpointer_ ? checkpointer_->checkpoints() : 0; }

  Result<std::vector<ClaimedDelivery>, StoreError> ClaimDueDeliveries(model::Timestamp now,
                                                                      model::Timestamp lease_until,
                                                                      int limit) override;
  Result<Ok, StoreError> RecordAttempt(const AttemptOutcome& outcome) override;
  std::vector<Result<Ok, StoreError>> RecordAttempts(
      std::span<const AttemptOutcome> outcomes) override;
  Result<std::vector<ClaimedDelivery>, StoreError> ListExpiredMailboxItems(
      model::Timestamp created_before, int limit) override;
  Result<std::optional<std::string>, StoreError> FindMessageSender(
      const std::string& message_id) override;
  Result<Ok, StoreError> RecordAudit(const std::vector<AuditRecord>& records,
                                     model::Timestamp at) override;
  Result<std::vector<MailboxItem>, StoreError> ListMailbox(const std::string& recipient,
                                                           const MailboxQuery& query) override;
  Result<MailboxItem, StoreError> FetchMailboxItem(const std::string& recipient,
                                                   const std::string& delivery_id,
                                                   std::vector<AuditRecord> audit) override;
  Result<Ok, StoreError> AcknowledgeMailboxItem(const std::string& recipient,
                                                const std::string& delivery_id, model::Timestamp at,
                                                std::vector<AuditRecord> audit) override;
  Result<MessageStatus, StoreError> GetMessageStatus(const std::string& sender,
                                                     const std::string& message_id) override;
  Result<Ok, StoreError> Ping() override;
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
  Result<ReportRecords, StoreError> LoadReportRecords(const ReportQuery& query) override;
  Result<ReleasedLeases, StoreError> ReleaseLeases() override;
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

 private:
  struct Token {};  // lets Open() use make_unique while keeping construction private

 public:
  SqliteStore(Token, SqliteDatabase db, std::shared_ptr<const crypto::Sealer> sealer)
      : db_(std::move(db)), sealer_(std::move(sealer)) {}

 private:
  // One outbox row's copy, columns message_id, recipient, ordering_key,
  // mode, format, content_type, scope, payload (opened as `delivery_id`'s).
  Result<Delivery, StoreError> OpenDeliveryRow(SqliteStatement& row,
                                               const std::string& delivery_id) const;

  static Result<std::unique_ptr<SqliteStore>, StoreError> Prepare(
      Result<SqliteDatabase, SqliteError> opened, std::shared_ptr<const crypto::Sealer> sealer);

  // The group step of commits_: one transaction, a savepoint per entry.
  void CommitGroup(std::span<CommitQueue::Entry* const> group);
  Result<Ok, StoreError> CommitLocked(const SealedAcceptance& sealed);
  Result<Ok, StoreError> RecordAttemptLocked(const AttemptOutcome& outcome);
  // Runs apply(0) ... apply(count - 1) in one transaction under the mutex,
  // each in a savepoint of its own: one that fails is undone alone and the
  // others are committed. A failure that ends the transaction (an I/O
  // error) fails them all. A single item takes a plain transaction.
  template <typename Apply>
  std::vector<Result<Ok, StoreError>> EachInSavepoint(std::size_t count, const Apply& apply);
  // Appends `records` to the chain, reading its head once.
  Result<Ok, StoreError> AppendAudit(std::span<const AuditRecord> records, std::int64_t at);
  Result<Ok, StoreError> InsertDelivery(const Delivery& delivery, std::int64_t now);
  Result<Ok, StoreError> InsertSealedDelivery(const Delivery& delivery,
                                              std::string_view sealed_payload, std::int64_t now);
  Result<Ok, StoreError> ApplyTimers(const Acceptance& acceptance, std::int64_t now);
  // Cancels the armed timers of `kinds` about `subject` (a delivery id).
  Result<Ok, StoreError> CancelTimers(const std::string& subject,
                                      std::initializer_list<std::string_view> kinds,
                                      std::int64_t at);
  // Runs `body` with a connection to read the last committed state on: the
  // writer's when it is free (or in memory, where there is only that one),
  // else one of the pool's readers.
  template <typename Body>
  auto Read(Body&& body) -> decltype(body(std::declval<SqliteDatabase&>()));
  // Runs `body` in BEGIN IMMEDIATE ... COMMIT under the mutex.
  template <typename Body>
  auto Transaction(Body&& body) -> decltype(body());

  // The reads of LoadReportRecords, on `db`: one consistent snapshot.
  Result<ReportRecords, StoreError> ReadReportRecords(SqliteDatabase& db, const ReportQuery& query,
                                                      std::vector<std::string>& sealed);

  CommitQueue commits_{kMaxGroup};
  static constexpr std::size_t kMaxGroup = 128;
  std::mutex mutex_;  // one statement stream per connection
  // Before db_, so it outlives the writer whose WAL hook points to it;
  // null in memory (no WAL) or when it could not start (SQLite's own
  // checkpoint on commit then stays).
  std::unique_ptr<WalCheckpointer> checkpointer_;
  SqliteDatabase db_;
  std::shared_ptr<const crypto::Sealer> sealer_;
  // The database file, so that a report reads on a connection of its own
  // (WAL lets it read beside the writer); empty for an in-memory store.
  std::filesystem::path path_;
  std::unique_ptr<SqliteReaderPool> readers_;  // null in memory
};

}  // namespace isagw::store
