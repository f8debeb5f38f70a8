#include "gateway/store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "gateway/audit/audit_chain.h"
#include "gateway/store/sealed_acceptance.h"
#include "gateway/store/sqlite_schema.h"
#include "gateway/store/store_values.h"

namespace isagw::store {
namespace {

StoreError Backend(const SqliteError& e) { return {StoreErrorKind::kBackend, e.message}; }

// Runs a one-column lookup and returns the text of the first row, if any.
Result<std::optional<std::string>, StoreError> FirstText(
    Result<SqliteStatement, SqliteError> query) {
  if (!query.ok()) return Fail(Backend(query.error()));
  auto row = query->Step();
  if (!row.ok()) return Fail(Backend(row.error()));
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->ColumnText(0));
}

// The timer in columns first.. first+9 of the current row: id, kind,
// due_at, spec, source_message_id, state, armed_at, finished_at,
// message_id, note (the order every timer query selects them in).
TimerRecord TimerRecordAt(const SqliteStatement& row, int first, const std::string& subject) {
  TimerRecord r;
  r.timer.id = row.ColumnText(first);
  r.timer.subject = subject;
  r.timer.kind = row.ColumnText(first + 1);
  r.timer.due_at = FromSeconds(row.ColumnInt(first + 2));
  r.timer.spec_json = row.ColumnText(first + 3);
  r.timer.source_message_id = row.ColumnText(first + 4);
  r.state = ParseTimerState(row.ColumnText(first + 5)).value_or(TimerState::kArmed);
  r.armed_at = FromSeconds(row.ColumnInt(first + 6));
  if (!row.ColumnIsNull(first + 7)) r.finished_at = FromSeconds(row.ColumnInt(first + 7));
  r.message_id = row.ColumnOptionalText(first + 8);
  r.note = row.ColumnOptionalText(first + 9);
  return r;
}

}  // namespace

Result<std::unique_ptr<SqliteStore>, StoreError> SqliteStore::Prepare(
    Result<SqliteDatabase, SqliteError> opened, std::shared_ptr<const crypto::Sealer> sealer) {
  if (!opened.ok()) return Fail(Backend(opened.error()));
  if (auto migrated = Migrate(*opened, SqliteMigrations()); !migrated.ok()) {
    return Fail(Backend(migrated.error()));
  }
  return std::make_unique<SqliteStore>(Token{}, std::move(*opened), std::move(sealer));
}

Result<std::unique_ptr<SqliteStore>, StoreError> SqliteStore::Open(
    const std::filesystem::path& path, std::shared_ptr<const crypto::Sealer> sealer) {
  auto store = Prepare(SqliteDatabase::Open(path), std::move(sealer));
  if (store.ok()) {
    (*store)->path_ = path;
    (*store)->readers_ = std::make_unique<SqliteReaderPool>(path);
    if (auto started = WalCheckpointer::Start(path); started.ok()) {
      SqliteStore& opened = **store;
      if (auto served = (*started)->Serve(opened.db_); !served.ok()) {
        return Fail(Backend(served.error()));
      }
      opened.checkpointer_ = std::move(*started);
    }
  }
  return store;
}

Result<std::unique_ptr<SqliteStore>, StoreError> SqliteStore::OpenInMemory(
    std::shared_ptr<const crypto::Sealer> sealer) {
  return Prepare(SqliteDatabase::OpenInMemory(), std::move(sealer));
}

template <typename Body>
auto SqliteStore::Read(Body&& body) -> decltype(body(std::declval<SqliteDatabase&>())) {
  // The writer's connection when it is free: its page cache is current,
  // where a reader's is dropped after every commit by another connection.
  // A reader when the writer is busy (committing a group, syncing).
  std::unique_lock writer(mutex_, std::try_to_lock);
  if (writer.owns_lock() || !readers_) {
    if (!writer.owns_lock()) writer.lock();
    return body(db_);
  }
  auto lease = readers_->Acquire();
  if (!lease.ok()) return Fail(Backend(lease.error()));
  return body(lease->db());
}

Result<std::optional<std::string>, StoreError> SqliteStore::FindAnswerByIdempotencyKey(
    const std::string& sender, const std::string& key) {
  return Read([&](SqliteDatabase& db) -> Result<std::optional<std::string>, StoreError> {
    auto query =
        db.Prepare("SELECT answer FROM messages WHERE sender = ?1 AND idempotency_key = ?2");
    if (query.ok()) query->Bind(1, std::string_view(sender)).Bind(2, std::string_view(key));
    return FirstText(std::move(query));
  });
}

Result<std::optional<std::string>, StoreError> SqliteStore::FindAnswerByPoliceRecord(
    const std::string& police_ref, int record_version) {
  return Read([&](SqliteDatabase& db) -> Result<std::optional<std::string>, StoreError> {
    auto query =
        db.Prepare("SELECT answer FROM messages WHERE police_ref = ?1 AND record_version = ?2");
    if (query.ok()) {
      query->Bind(1, std::string_view(police_ref))
          .Bind(2, static_cast<std::int64_t>(record_version));
    }
    return FirstText(std::move(query));
  });
}

Result<std::optional<EpisodeRecord>, StoreError> SqliteStore::LoadEpisode(
    const std::string& police_ref) {
  return Read([&](SqliteDatabase& db) -> Result<std::optional<EpisodeRecord>, StoreError> {
    auto query = db.Prepare(
        "SELECT state, latest_record_version, child_key, placing_la, host_la, snapshot,"
        " missing_since FROM episodes WHERE police_ref = ?1");
    if (!query.ok()) return Fail(Backend(query.error()));
    query->Bind(1, std::string_view(police_ref));
    auto row = query->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row) return std::optional<EpisodeRecord>();
    EpisodeRecord episode;
    episode.police_ref = police_ref;
    episode.state = query->ColumnText(0);
    episode.latest_record_version = static_cast<int>(query->ColumnInt(1));
    episode.child_key = query->ColumnOptionalText(2);
    episode.placing_la = query->ColumnOptionalText(3);
    episode.host_la = query->ColumnOptionalText(4);
    if (!query->ColumnIsNull(6)) episode.missing_since = FromSeconds(query->ColumnInt(6));
    auto snapshot = sealer_->Open(kInboundScope, query->ColumnBlob(5), EpisodeBinding(police_ref));
    if (!snapshot.ok()) {
      return Fail(SealingError(snapshot.error()));
    }
    episode.snapshot_json = std::move(*snapshot);
    return std::optional<EpisodeRecord>(std::move(episode));
  });
}

Result<std::optional<ChildLink>, StoreError> SqliteStore::FindChildLink(
    const std::string& child_key) {
  return Read([&](SqliteDatabase& db) -> Result<std::optional<ChildLink>, StoreError> {
    auto query =
        db.Prepare("SELECT placing_la, host_la, message_id FROM child_links WHERE child_key = ?1");
    if (!query.ok()) return Fail(Backend(query.error()));
    query->Bind(1, std::string_view(child_key));
    auto row = query->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row) return std::optional<ChildLink>();
    return std::optional<ChildLink>(ChildLink{child_key, query->ColumnText(0),
                                              query->ColumnOptionalText(1), query->ColumnText(2)});
  });
}

template <typename Body>
auto SqliteStore::Transaction(Body&& body) -> decltype(body()) {
  std::lock_guard lock(mutex_);
  if (auto begun = db_.Run("BEGIN IMMEDIATE"); !begun.ok()) return Fail(Backend(begun.error()));
  auto result = body();
  if (!result.ok()) {
    (void)db_.Run("ROLLBACK");
    return result;
  }
  if (auto committed = db_.Run("COMMIT"); !committed.ok()) {
    (void)db_.Run("ROLLBACK");
    return Fail(Backend(committed.error()));
  }
  return result;
}

Result<Ok, StoreError> SqliteStore::Commit(const Acceptance& acceptance) {
  // Sealed here, on the sender's thread: the group step runs under the
  // writer lock, and everyone in the group waits for it.
  auto sealed = SealAcceptance(*sealer_, acceptance);
  if (!sealed.ok()) return Fail(sealed.error());
  return commits_.Commit(
      *sealed, [this](std::span<CommitQueue::Entry* const> group) { CommitGroup(group); });
}

void SqliteStore::CommitGroup(std::span<CommitQueue::Entry* const> group) {
  // In order, so the second message of an episode meets the first as a
  // conflict and runs again, as it would have one transaction later.
  auto outcomes =
      EachInSavepoint(group.size(), [&](std::size_t i) { return CommitLocked(*group[i]->sealed); });
  for (std::size_t i = 0; i < group.size(); ++i) group[i]->outcome = std::move(outcomes[i]);
}

std::vector<Result<Ok, StoreError>> SqliteStore::CommitAll(
    std::span<const Acceptance* const> acceptances) {
  // Sealed before the transaction, as Commit does; one that cannot be
  // sealed fails alone.
  const auto sealed = SealAcceptances(*sealer_, acceptances);
  return EachInSavepoint(acceptances.size(), [&](std::size_t i) -> Result<Ok, StoreError> {
    if (!sealed[i].ok()) return Fail(sealed[i].error());
    return CommitLocked(*sealed[i]);
  });
}

template <typename Apply>
std::vector<Result<Ok, StoreError>> SqliteStore::EachInSavepoint(std::size_t count,
                                                                 const Apply& apply) {
  std::vector<Result<Ok, StoreError>> outcomes;
  outcomes.reserve(count);
  auto fail_all = [&](const SqliteError& error) {
    outcomes.assign(count, Fail(Backend(error)));
    return std::move(outcomes);
  };
  if (count == 0) return outcomes;  // no transaction for nothing
  if (count == 1) {
    // Alone in its transaction: no savepoint needed, a failure rolls back all.
    outcomes.push_back(Transaction([&] { return apply(0); }));
    return outcomes;
  }
  std::lock_guard lock(mutex_);
  if (auto begun = db_.Run("BEGIN IMMEDIATE"); !begun.ok()) return fail_all(begun.error());
  for (std::size_t i = 0; i < count; ++i) {
    if (auto saved = db_.Run("SAVEPOINT item"); !saved.ok()) {
      (void)db_.Run("ROLLBACK");
      return fail_all(saved.error());
    }
    auto applied = apply(i);
    if (!applied.ok() && db_.InAutocommit()) {
      // SQLite rolled the whole transaction back (disk full, I/O error):
      // nothing of the group is stored.
      return fail_all(SqliteError{0, applied.error().detail});
    }
    if (!applied.ok()) (void)db_.Run("ROLLBACK TO item");
    if (auto released = db_.Run("RELEASE item"); !released.ok()) {
      (void)db_.Run("ROLLBACK");
      return fail_all(released.error());
    }
    outcomes.push_back(std::move(applied));
  }
  if (auto committed = db_.Run("COMMIT"); !committed.ok()) {
    (void)db_.Run("ROLLBACK");
    return fail_all(committed.error());
  }
  return outcomes;
}

Result<Ok, StoreError> SqliteStore::CommitLocked(const SealedAcceptance& sealed) {
  const Acceptance& acceptance = *sealed.acceptance;
  const InboundMessage& message = acceptance.message;
  const std::int64_t now = ToSeconds(message.received_at);

  // Optimistic concurrency: the episode must still be as the pipeline read it.
  if (acceptance.episode) {
    auto current = db_.Prepare("SELECT latest_record_version FROM episodes WHERE police_ref = ?1");
    if (!current.ok()) return Fail(Backend(current.error()));
    current->Bind(1, std::string_view(acceptance.episode->police_ref));
    auto row = current->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    const int stored = *row ? static_cast<int>(current->ColumnInt(0)) : 0;
    if (stored != acceptance.episode_version_read) {
      return Fail(StoreError{StoreErrorKind::kConflict, "the episode changed since it was read"});
    }
  }

  auto insert = db_.Prepare(
      "INSERT INTO messages (id, sender, idempotency_key, format, kind, police_ref,"
      " record_version, received_at, payload, payload_key, answer, episode_ref)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  if (!insert.ok()) return Fail(Backend(insert.error()));
  insert->Bind(1, std::string_view(message.id))
      .Bind(2, std::string_view(message.sender))
      .Bind(3, message.idempotency_key)
      .Bind(4, std::string_view(message.format))
      .Bind(5, std::string_view(message.kind))
      .Bind(6, message.police_ref)
      .Bind(8, now)
      .BindBlob(9, sealed.message)
      .Bind(10, std::string_view(*crypto::Sealer::KeyIdOf(sealed.message)))
      .Bind(11, std::string_view(message.answer_json))
      .Bind(12, message.episode_ref);
  if (message.record_version) {
    insert->Bind(7, static_cast<std::int64_t>(*message.record_version));
  } else {
    insert->BindNull(7);
  }
  if (auto ran = insert->Run(); !ran.ok()) {
    if ((ran.error().code & 0xff) == SQLITE_CONSTRAINT) {
      return Fail(StoreError{StoreErrorKind::kDuplicate, "the message is already stored"});
    }
    return Fail(Backend(ran.error()));
  }

  if (acceptance.episode) {
    const EpisodeRecord& episode = *acceptance.episode;
    auto upsert = db_.Prepare(
        "INSERT INTO episodes (police_ref, state, latest_record_version, child_key, placing_la,"
        " host_la, snapshot, updated_at, missing_since)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        " ON CONFLICT (police_ref) DO UPDATE SET state = excluded.state,"
        " latest_record_version = excluded.latest_record_version, child_key = excluded.child_key,"
        " placing_la = excluded.placing_la, host_la = excluded.host_la,"
        " snapshot = excluded.snapshot, updated_at = excluded.updated_at,"
        " missing_since = COALESCE(excluded.missing_since, episodes.missing_since)");
    if (!upsert.ok()) return Fail(Backend(upsert.error()));
    upsert->Bind(1, std::string_view(episode.police_ref))
        .Bind(2, std::string_view(episode.state))
        .Bind(3, static_cast<std::int64_t>(episode.latest_record_version))
        .Bind(4, episode.child_key)
        .Bind(5, episode.placing_la)
        .Bind(6, episode.host_la)
        .BindBlob(7, *sealed.episode)
        .Bind(8, now);
    if (episode.missing_since) {
      upsert->Bind(9, ToSeconds(*episode.missing_since));
    } else {
      upsert->BindNull(9);
    }
    if (auto ran = upsert->Run(); !ran.ok()) return Fail(Backend(ran.error()));
  }

  if (acceptance.child_link) {
    const ChildLink& link = *acceptance.child_link;
    auto upsert = db_.Prepare(
        "INSERT INTO child_links (child_key, placing_la, host_la, message_id, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (child_key) DO UPDATE SET"
        " placing_la = excluded.placing_la, host_la = excluded.host_la,"
        " message_id = excluded.message_id, updated_at = excluded.updated_at");
    if (!upsert.ok()) return Fail(Backend(upsert.error()));
    upsert->Bind(1, std::string_view(link.child_key))
        .Bind(2, std::string_view(link.placing_la))
        .Bind(3, link.host_la)
        .Bind(4, std::string_view(link.message_id))
        .Bind(5, now);
    if (auto ran = upsert->Run(); !ran.ok()) return Fail(Backend(ran.error()));
  }

  for (std::size_t i = 0; i < acceptance.deliveries.size(); ++i) {
    auto inserted = InsertSealedDelivery(acceptance.deliveries[i], sealed.deliveries[i], now);
    if (!inserted.ok()) return inserted;
  }

  if (auto timers = ApplyTimers(acceptance, now); !timers.ok()) return timers;
  return AppendAudit(acceptance.audit, now);
}

Result<Ok, StoreError> SqliteStore::ApplyTimers(const Acceptance& acceptance, std::int64_t now) {
  const std::string& message_id = acceptance.message.id;
  if (acceptance.fires_timer) {
    auto fire = db_.Prepare(
        "UPDATE timers SET state = 'fired', finished_at = ?2, message_id = ?3, lease_until = NULL"
        " WHERE id = ?1 AND state = 'armed'");
    if (!fire.ok()) return Fail(Backend(fire.error()));
    fire->Bind(1, std::string_view(*acceptance.fires_timer))
        .Bind(2, now)
        .Bind(3, std::string_view(message_id));
    if (auto ran = fire->Run(); !ran.ok()) return Fail(Backend(ran.error()));
    if (db_.Changes() != 1) {
      return Fail(StoreError{StoreErrorKind::kDuplicate, "the timer is no longer armed"});
    }
  }
  if (!acceptance.cancel_timers.empty()) {
    auto cancel = db_.Prepare(
        "UPDATE timers SET state = 'cancelled', finished_at = ?3, message_id = ?4,"
        " lease_until = NULL WHERE subject = ?1 AND kind = ?2 AND state = 'armed'");
    if (!cancel.ok()) return Fail(Backend(cancel.error()));
    for (const TimerCancel& c : acceptance.cancel_timers) {
      cancel->Bind(1, std::string_view(c.subject))
          .Bind(2, std::string_view(c.kind))
          .Bind(3, now)
          .Bind(4, std::string_view(message_id));
      if (auto ran = cancel->Run(); !ran.ok()) return Fail(Backend(ran.error()));
    }
  }
  if (!acceptance.arm_timers.empty()) {
    // An armed timer takes the new due time and source; a fired or
    // cancelled one stays as it is.
    auto arm = db_.Prepare(
        "INSERT INTO timers (id, subject, kind, due_at, spec, source_message_id, state, armed_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'armed', ?7)"
        " ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, spec = excluded.spec,"
        " source_message_id = excluded.source_message_id WHERE timers.state = 'armed'");
    if (!arm.ok()) return Fail(Backend(arm.error()));
    for (const Timer& t : acceptance.arm_timers) {
      arm->Bind(1, std::string_view(t.id))
          .Bind(2, std::string_view(t.subject))
          .Bind(3, std::string_view(t.kind))
          .Bind(4, ToSeconds(t.due_at))
          .Bind(5, std::string_view(t.spec_json))
          .Bind(6, std::string_view(t.source_message_id))
          .Bind(7, now);
      if (auto ran = arm->Run(); !ran.ok()) return Fail(Backend(ran.error()));
    }
  }
  return Ok{};
}

Result<std::vector<ClaimedTimer>, StoreError> SqliteStore::ClaimDueTimers(
    model::Timestamp now, model::Timestamp lease_until, int limit) {
  return Transaction([&]() -> Result<std::vector<ClaimedTimer>, StoreError> {
    auto due = db_.Prepare(
        "SELECT id, subject, kind, due_at, spec, source_message_id, attempts FROM timers"
        " WHERE state = 'armed' AND due_at <= ?1 AND (lease_until IS NULL OR lease_until <= ?1)"
        " ORDER BY due_at, id LIMIT ?2");
    if (!due.ok()) return Fail(Backend(due.error()));
    due->Bind(1, ToSeconds(now)).Bind(2, static_cast<std::int64_t>(limit));
    std::vector<ClaimedTimer> claimed;
    while (true) {
      auto row = due->Step();
      if (!row.ok()) return Fail(Backend(row.error()));
      if (!*row) break;
      ClaimedTimer c;
      c.timer.id = due->ColumnText(0);
      c.timer.subject = due->ColumnText(1);
      c.timer.kind = due->ColumnText(2);
      c.timer.due_at = FromSeconds(due->ColumnInt(3));
      c.timer.spec_json = due->ColumnText(4);
      c.timer.source_message_id = due->ColumnText(5);
      c.attempts = static_cast<int>(due->ColumnInt(6));
      claimed.push_back(std::move(c));
    }
    auto lease =
        db_.Prepare("UPDATE timers SET lease_until = ?1, attempts = attempts + 1 WHERE id = ?2");
    if (!lease.ok()) return Fail(Backend(lease.error()));
    for (const ClaimedTimer& c : claimed) {
      lease->Bind(1, ToSeconds(lease_until)).Bind(2, std::string_view(c.timer.id));
      if (auto ran = lease->Run(); !ran.ok()) return Fail(Backend(ran.error()));
    }
    return claimed;
  });
}

Result<Ok, StoreError> SqliteStore::FinishTimer(const std::string& timer_id, TimerState state,
                                                const std::string& note, model::Timestamp at,
                                                std::vector<AuditRecord> audit) {
  return Transaction([&]() -> Result<Ok, StoreError> {
    auto finish = db_.Prepare(
        "UPDATE timers SET state = ?2, finished_at = ?3, note = ?4, lease_until = NULL"
        " WHERE id = ?1 AND state = 'armed'");
    if (!finish.ok()) return Fail(Backend(finish.error()));
    finish->Bind(1, std::string_view(timer_id))
        .Bind(2, TimerStateName(state))
        .Bind(3, ToSeconds(at))
        .Bind(4, std::string_view(note));
    if (auto ran = finish->Run(); !ran.ok()) return Fail(Backend(ran.error()));
    if (db_.Changes() != 1) {
      return Fail(StoreError{StoreErrorKind::kNotFound, "no armed timer with that id"});
    }
    if (auto appended = AppendAudit(audit, ToSeconds(at)); !appended.ok()) return appended;
    return Ok{};
  });
}

Result<Ok, StoreError> SqliteStore::FireTimerWithDeliveries(const std::string& timer_id,
                                                            model::Timestamp at,
                                                            std::vector<Delivery> deliveries,
                                                            std::vector<Timer> arm,
                                                            std::vector<AuditRecord> audit) {
  return Transaction([&]() -> Result<Ok, StoreError> {
    const std::int64_t now = ToSeconds(at);
    auto fire = db_.Prepare(
        "UPDATE timers SET state = 'fired', finished_at = ?2, lease_until = NULL"
        " WHERE id = ?1 AND state = 'armed'");
    if (!fire.ok()) return Fail(Backend(fire.error()));
    fire->Bind(1, std::string_view(timer_id)).Bind(2, now);
    if (auto ran = fire->Run(); !ran.ok()) return Fail(Backend(ran.error()));
    if (db_.Changes() != 1) {
      return Fail(StoreError{StoreErrorKind::kDuplicate, "the timer is no longer armed"});
    }
    for (const Delivery& delivery : deliveries) {
      if (auto inserted = InsertDelivery(delivery, now); !inserted.ok()) return inserted;
    }
    Acceptance arming;
    arming.arm_timers = std::move(arm);
    if (auto armed = ApplyTimers(arming, now); !armed.ok()) return armed;
    if (auto appended = AppendAudit(audit, now); !appended.ok()) return appended;
    return Ok{};
  });
}

Result<std::vector<TimerRecord>, StoreError> SqliteStore::ListTimers(const std::string& subject) {
  std::lock_guard lock(mutex_);
  auto list = db_.Prepare(
      "SELECT id, kind, due_at, spec, source_message_id, state, armed_at, finished_at,"
      " message_id, note FROM timers WHERE subject = ?1 ORDER BY due_at, id");
  if (!list.ok()) return Fail(Backend(list.error()));
  list->Bind(1, std::string_view(subject));
  std::vector<TimerRecord> timers;
  while (true) {
    auto row = list->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row) break;
    timers.push_back(TimerRecordAt(*list, 0, subject));
  }
  return timers;
}

Result<int, StoreError> SqliteStore::CountChildEpisodes(const std::string& child_key,
                                                        model::Timestamp from, model::Timestamp to,
                                                        const std::string& except, int at_most) {
  return Read([&](SqliteDatabase& db) -> Result<int, StoreError> {
    auto count = db.Prepare(
        "SELECT COUNT(*) FROM (SELECT 1 FROM episodes WHERE child_key = ?1"
        " AND missing_since BETWEEN ?2 AND ?3 AND police_ref != ?4 LIMIT ?5)");
    if (!count.ok()) return Fail(Backend(count.error()));
    count->Bind(1, std::string_view(child_key))
        .Bind(2, ToSeconds(from))
        .Bind(3, ToSeconds(to))
        .Bind(4, std::string_view(except))
        .Bind(5, static_cast<std::int64_t>(at_most < 0 ? 0 : at_most));
    auto row = count->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    return static_cast<int>(*row ? count->ColumnInt(0) : 0);
  });
}

Result<std::string, StoreError> SqliteStore::LoadMessageCanonical(const std::string& message_id) {
  std::lock_guard lock(mutex_);
  auto query = db_.Prepare("SELECT payload FROM messages WHERE id = ?1");
  if (!query.ok()) return Fail(Backend(query.error()));
  query->Bind(1, std::string_view(message_id));
  auto row = query->Step();
  if (!row.ok()) return Fail(Backend(row.error()));
  if (!*row) return Fail(StoreError{StoreErrorKind::kNotFound, "no such message"});
  auto opened = sealer_->Open(kInboundScope, query->ColumnBlob(0), MessageBinding(message_id));
  if (!opened.ok()) return Fail(SealingError(opened.error()));
  return std::move(*opened);
}

namespace {

// The episodes a report query chooses, as a CTE the three reads share.
constexpr std::string_view kChosenEpisodes =
    "WITH chosen AS (SELECT police_ref FROM episodes"
    " WHERE COALESCE(missing_since, updated_at) >= ?2 AND COALESCE(missing_since, updated_at) < ?3"
    " AND (host_la = ?1 OR placing_la = ?1 OR police_ref IN"
    " (SELECT episode_ref FROM messages WHERE sender = ?1 AND episode_ref IS NOT NULL))) ";

}  // namespace

Result<Store::ReleasedLeases, StoreError> SqliteStore::ReleaseLeases() {
  return Transaction([&]() -> Result<ReleasedLeases, StoreError> {
    ReleasedLeases released;
    if (auto ran = db_.Run("UPDATE outbox SET lease_until = NULL WHERE state = 'pending' AND "
                           "lease_until IS NOT NULL");
        !ran.ok()) {
      return Fail(Backend(ran.error()));
    }
    released.deliveries = db_.Changes();
    if (auto ran = db_.Run("UPDATE timers SET lease_until = NULL WHERE state = 'armed' AND "
                           "lease_until IS NOT NULL");
        !ran.ok()) {
      return Fail(Backend(ran.error()));
    }
    released.timers = db_.Changes();
    return released;
  });
}

Result<ReportRecords, StoreError> SqliteStore::LoadReportRecords(const ReportQuery& query) {
  // A year's report reads for a second or more: on a connection of its own
  // it never holds up ingest, which keeps writing meanwhile (WAL). The
  // payloads are opened after the reads.
  std::vector<std::string> sealed;
  Result<ReportRecords, StoreError> records = Fail(StoreError{});
  if (!path_.empty()) {
    auto reader = SqliteDatabase::Open(path_);
    if (!reader.ok()) return Fail(Backend(reader.error()));
    records = ReadReportRecords(*reader, query, sealed);
  } else {
    std::lock_guard lock(mutex_);
    records = ReadReportRecords(db_, query, sealed);
  }
  if (!records.ok()) return records;
  for (std::size_t i = 0; i < records->messages.size(); ++i) {
    ReportRecords::Message& m = records->messages[i];
    auto opened = sealer_->Open(kInboundScope, sealed[i], MessageBinding(m.id));
    if (opened.ok()) m.canonical_json = std::move(*opened);
  }
  return records;
}

Result<ReportRecords, StoreError> SqliteStore::ReadReportRecords(SqliteDatabase& db,
                                                                 const ReportQuery& query,
                                                                 std::vector<std::string>& sealed) {
  ReportRecords records;
  // One read transaction: the three reads see the same snapshot.
  if (auto begun = db.Run("BEGIN"); !begun.ok()) return Fail(Backend(begun.error()));
  struct EndRead {
    SqliteDatabase& db;
    ~EndRead() { (void)db.Run("COMMIT"); }
  } end_read{db};
  auto bind = [&](SqliteStatement& statement) {
    statement.Bind(1, std::string_view(query.agency))
        .Bind(2, ToSeconds(query.from))
        .Bind(3, ToSeconds(query.to));
  };
  auto episodes = db.Prepare(std::string(kChosenEpisodes) +
                             "SELECT e.police_ref, e.state, e.child_key, e.placing_la, e.host_la,"
                             " COALESCE(e.missing_since, e.updated_at) AS since FROM episodes e"
                             " JOIN chosen USING (police_ref) ORDER BY since, e.police_ref");
  if (!episodes.ok()) return Fail(Backend(episodes.error()));
  bind(*episodes);
  for (;;) {
    auto row = episodes->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row) break;
    ReportRecords::Episode e;
    e.police_ref = episodes->ColumnText(0);
    e.state = episodes->ColumnText(1);
    if (!episodes->ColumnIsNull(2)) e.child_key = episodes->ColumnText(2);
    if (!episodes->ColumnIsNull(3)) e.placing_la = episodes->ColumnText(3);
    if (!episodes->ColumnIsNull(4)) e.host_la = episodes->ColumnText(4);
    e.missing_since = FromSeconds(episodes->ColumnInt(5));
    records.episodes.push_back(std::move(e));
  }

  auto messages =
      db.Prepare(std::string(kChosenEpisodes) +
                 "SELECT id, sender, kind, episode_ref, received_at, payload FROM messages"
                 " WHERE episode_ref IN (SELECT police_ref FROM chosen)"
                 " UNION ALL SELECT m.id, m.sender, m.kind, m.episode_ref, m.received_at, m.payload"
                 " FROM child_links c JOIN messages m ON m.id = c.message_id"
                 " WHERE c.child_key IN (SELECT child_key FROM episodes"
                 "   WHERE police_ref IN (SELECT police_ref FROM chosen))"
                 " ORDER BY 5, 1");
  if (!messages.ok()) return Fail(Backend(messages.error()));
  bind(*messages);
  for (;;) {
    auto row = messages->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row) break;
    ReportRecords::Message m;
    m.id = messages->ColumnText(0);
    m.sender = messages->ColumnText(1);
    m.kind = messages->ColumnText(2);
    if (!messages->ColumnIsNull(3)) m.episode_ref = messages->ColumnText(3);
    m.received_at = FromSeconds(messages->ColumnInt(4));
    sealed.push_back(messages->ColumnBlob(5));
    records.messages.push_back(std::move(m));
  }

  // Only the police's missing reports: what "police report to council
  // copy available" measures.
  auto copies = db.Prepare(
      std::string(kChosenEpisodes) +
      "SELECT o.message_id, o.recipient,"
      " CASE WHEN o.mode = 'mailbox' THEN o.created_at ELSE o.finished_at END"
      " FROM outbox o JOIN messages m ON m.id = o.message_id"
      " WHERE m.episode_ref IN (SELECT police_ref FROM chosen) AND m.kind = 'missing_reported'"
      " AND ((o.mode = 'mailbox' AND o.state IN ('available', 'acked'))"
      "   OR (o.mode = 'push' AND o.state = 'delivered'))"
      " ORDER BY o.seq");
  if (!copies.ok()) return Fail(Backend(copies.error()));
  bind(*copies);
  for (;;) {
    auto row = copies->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row) break;
    if (copies->ColumnIsNull(2)) continue;
    records.copies.push_back(
        {copies->ColumnText(0), copies->ColumnText(1), FromSeconds(copies->ColumnInt(2))});
  }
  return records;
}

Result<Ok, StoreError> SqliteStore::CancelTimers(const std::string& subject,
                                                 std::initializer_list<std::string_view> kinds,
                                                 std::int64_t at) {
  auto cancel = db_.Prepare(
      "UPDATE timers SET state = 'cancelled', finished_at = ?3, lease_until = NULL"
      " WHERE subject = ?1 AND kind = ?2 AND state = 'armed'");
  if (!cancel.ok()) return Fail(Backend(cancel.error()));
  for (std::string_view kind : kinds) {
    cancel->Bind(1, std::string_view(subject)).Bind(2, kind).Bind(3, at);
    if (auto ran = cancel->Run(); !ran.ok()) return Fail(Backend(ran.error()));
  }
  return Ok{};
}

Result<Ok, StoreError> SqliteStore::RecordAction(const std::string& recipient,
                                                 const std::string& delivery_id,
                                                 const BusinessAction& action,
                                                 std::vector<AuditRecord> audit) {
  return Transaction([&]() -> Result<Ok, StoreError> {
    auto state =
        db_.Prepare("SELECT state, actioned_at FROM outbox WHERE id = ?1 AND recipient = ?2");
    if (!state.ok()) return Fail(Backend(state.error()));
    state->Bind(1, std::string_view(delivery_id)).Bind(2, std::string_view(recipient));
    auto row = state->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row) return Fail(StoreError{StoreErrorKind::kNotFound, "no such delivery"});
    const std::string current = state->ColumnText(0);
    const bool already = !state->ColumnIsNull(1);
    state->Reset();
    if (current != "delivered" && current != "available" && current != "acked") {
      return Fail(StoreError{StoreErrorKind::kNotFound, "the copy has not been delivered"});
    }
    if (already) return Ok{};  // the first action stands
    nlohmann::json body = {{"team", action.team}};
    if (action.reference) body["reference"] = *action.reference;
    auto update = db_.Prepare("UPDATE outbox SET actioned_at = ?2, action = ?3 WHERE id = ?1");
    if (!update.ok()) return Fail(Backend(update.error()));
    update->Bind(1, std::string_view(delivery_id))
        .Bind(2, ToSeconds(action.at))
        .Bind(3, std::string_view(body.dump()));
    if (auto ran = update->Run(); !ran.ok()) return Fail(Backend(ran.error()));
    if (auto cancelled = CancelTimers(delivery_id, {"urgent_ack_transport", "urgent_ack_business"},
                                      ToSeconds(action.at));
        !cancelled.ok()) {
      return cancelled;
    }
    if (auto appended = AppendAudit(audit, ToSeconds(action.at)); !appended.ok()) return appended;
    return Ok{};
  });
}

Result<Delivery, StoreError> SqliteStore::OpenDeliveryRow(SqliteStatement& row,
                                                          const std::string& delivery_id) const {
  Delivery d;
  d.id = delivery_id;
  d.message_id = row.ColumnText(0);
  d.recipient = row.ColumnText(1);
  d.ordering_key = row.ColumnText(2);
  d.mode = row.ColumnText(3) == "push" ? DeliveryMode::kPush : DeliveryMode::kMailbox;
  d.format = row.ColumnText(4);
  d.content_type = row.ColumnText(5);
  d.scope = row.ColumnText(6);
  if (row.ColumnIsNull(7)) {
    return Fail(StoreError{StoreErrorKind::kSealing, "the copy's payload was shredded"});
  }
  auto payload = sealer_->Open(d.scope, row.ColumnBlob(7), DeliveryBinding(d.id));
  if (!payload.ok()) return Fail(SealingError(payload.error()));
  d.payload = std::move(*payload);
  return d;
}

Result<std::optional<Delivery>, StoreError> SqliteStore::LoadDelivery(
    const std::string& delivery_id) {
  std::lock_guard lock(mutex_);
  auto query = db_.Prepare(
      "SELECT message_id, recipient, ordering_key, mode, format, content_type, scope, payload"
      " FROM outbox WHERE id = ?1");
  if (!query.ok()) return Fail(Backend(query.error()));
  query->Bind(1, std::string_view(delivery_id));
  auto row = query->Step();
  if (!row.ok()) return Fail(Backend(row.error()));
  if (!*row) return std::optional<Delivery>();
  auto d = OpenDeliveryRow(*query, delivery_id);
  if (!d.ok()) return Fail(d.error());
  return std::optional<Delivery>(std::move(*d));
}

Result<std::vector<RecipientQueue>, StoreError> SqliteStore::ListRecipientQueues() {
  return Read([&](SqliteDatabase& db) -> Result<std::vector<RecipientQueue>, StoreError> {
    // One pass over the outbox: the console asks now and then, and a
    // separate query per count would see different moments.
    auto list = db.Prepare(
        "SELECT recipient,"
        " count(*) FILTER (WHERE state = 'pending'),"
        " min(created_at) FILTER (WHERE state = 'pending'),"
        " count(*) FILTER (WHERE state = 'available'),"
        " count(*) FILTER (WHERE state = 'dead' AND replayed_as IS NULL),"
        " max(finished_at) FILTER (WHERE state IN ('delivered', 'acked'))"
        " FROM outbox GROUP BY recipient ORDER BY recipient");
    if (!list.ok()) return Fail(Backend(list.error()));
    std::vector<RecipientQueue> queues;
    while (true) {
      auto row = list->Step();
      if (!row.ok()) return Fail(Backend(row.error()));
      if (!*row) break;
      RecipientQueue q;
      q.recipient = list->ColumnText(0);
      q.pending = static_cast<int>(list->ColumnInt(1));
      if (!list->ColumnIsNull(2)) q.oldest_pending = FromSeconds(list->ColumnInt(2));
      q.available = static_cast<int>(list->ColumnInt(3));
      q.dead = static_cast<int>(list->ColumnInt(4));
      if (!list->ColumnIsNull(5)) q.last_delivered = FromSeconds(list->ColumnInt(5));
      queues.push_back(std::move(q));
    }
    return queues;
  });
}

Result<std::vector<DeadLetter>, StoreError> SqliteStore::ListDeadLetters(std::size_t limit) {
  return Read([&](SqliteDatabase& db) -> Result<std::vector<DeadLetter>, StoreError> {
    auto list = db.Prepare(
        "SELECT id, message_id, recipient, format, attempts, last_error, created_at,"
        " finished_at, replayed_as FROM outbox WHERE state = 'dead'"
        " ORDER BY finished_at DESC, seq DESC LIMIT ?1");
    if (!list.ok()) return Fail(Backend(list.error()));
    // SQLite reads a negative LIMIT as none: keep a huge one positive.
    list->Bind(1, static_cast<std::int64_t>(
                      std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
    std::vector<DeadLetter> letters;
    while (true) {
      auto row = list->Step();
      if (!row.ok()) return Fail(Backend(row.error()));
      if (!*row) break;
      DeadLetter d;
      d.delivery_id = list->ColumnText(0);
      d.message_id = list->ColumnText(1);
      d.recipient = list->ColumnText(2);
      d.format = list->ColumnText(3);
      d.attempts = static_cast<int>(list->ColumnInt(4));
      d.last_error = list->ColumnOptionalText(5).value_or("");
      d.created_at = FromSeconds(list->ColumnInt(6));
      d.finished_at = FromSeconds(list->ColumnInt(7));
      d.replayed_as = list->ColumnOptionalText(8);
      letters.push_back(std::move(d));
    }
    return letters;
  });
}

Result<std::vector<UrgentCopy>, StoreError> SqliteStore::ListUrgentCopies(
    const std::string& recipient, model::Timestamp fired_since, std::size_t limit) {
  return Read([&](SqliteDatabase& db) -> Result<std::vector<UrgentCopy>, StoreError> {
    // From the recipient's copies (outbox_mailbox) to their deadlines
    // (timers_by_subject): a recipient has few urgent copies among many.
    auto list = db.Prepare(
        "SELECT o.id, o.message_id, o.state, o.created_at, m.kind, m.episode_ref,"
        " t.id, t.kind, t.due_at, t.spec, t.source_message_id, t.state, t.armed_at,"
        " t.finished_at, t.message_id, t.note"
        " FROM outbox o JOIN timers t ON t.subject = o.id"
        " JOIN messages m ON m.id = o.message_id"
        " WHERE o.recipient = ?1 AND o.actioned_at IS NULL"
        " AND t.kind IN ('urgent_ack_business', 'urgent_ack_transport')"
        " AND (t.state = 'armed' OR (t.state = 'fired' AND t.finished_at >= ?2))"
        " ORDER BY t.due_at, o.id LIMIT ?3");
    if (!list.ok()) return Fail(Backend(list.error()));
    list->Bind(1, std::string_view(recipient))
        .Bind(2, ToSeconds(fired_since))
        .Bind(3, static_cast<std::int64_t>(
                     std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
    std::vector<UrgentCopy> copies;
    while (true) {
      auto row = list->Step();
      if (!row.ok()) return Fail(Backend(row.error()));
      if (!*row) break;
      UrgentCopy c;
      c.delivery_id = list->ColumnText(0);
      c.message_id = list->ColumnText(1);
      c.recipient = recipient;
      c.state = ParseDeliveryState(list->ColumnText(2)).value_or(DeliveryState::kPending);
      c.created_at = FromSeconds(list->ColumnInt(3));
      c.message_kind = list->ColumnText(4);
      c.episode_ref = list->ColumnOptionalText(5);
      c.deadline = TimerRecordAt(*list, 6, c.delivery_id);
      copies.push_back(std::move(c));
    }
    return copies;
  });
}

Result<std::vector<CopyRecord>, StoreError> SqliteStore::ListCopiesOfFormat(
    const std::string& format, std::size_t limit) {
  return Read([&](SqliteDatabase& db) -> Result<std::vector<CopyRecord>, StoreError> {
    // No index on format: the newest rows are read first and the scan stops
    // at the limit, so it costs little while such copies are recent.
    auto list = db.Prepare(
        "SELECT message_id, recipient, ordering_key, mode, format, content_type, scope, payload,"
        " id, state, attempts, created_at, finished_at FROM outbox WHERE format = ?1"
        " ORDER BY seq DESC LIMIT ?2");
    if (!list.ok()) return Fail(Backend(list.error()));
    list->Bind(1, std::string_view(format))
        .Bind(2, static_cast<std::int64_t>(
                     std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
    std::vector<CopyRecord> copies;
    while (true) {
      auto row = list->Step();
      if (!row.ok()) return Fail(Backend(row.error()));
      if (!*row) break;
      CopyRecord c;
      const std::string id = list->ColumnText(8);
      auto opened = OpenDeliveryRow(*list, id);
      if (opened.ok()) {
        c.delivery = std::move(*opened);
        c.opened = true;
      } else if (opened.error().kind == StoreErrorKind::kSealing) {
        // Shredded or its key gone: listed, without its contents.
        c.delivery.id = id;
        c.delivery.message_id = list->ColumnText(0);
        c.delivery.recipient = list->ColumnText(1);
        c.delivery.format = format;
      } else {
        return Fail(opened.error());
      }
      c.state = ParseDeliveryState(list->ColumnText(9)).value_or(DeliveryState::kPending);
      c.attempts = static_cast<int>(list->ColumnInt(10));
      c.created_at = FromSeconds(list->ColumnInt(11));
      if (!list->ColumnIsNull(12)) c.finished_at = FromSeconds(list->ColumnInt(12));
      copies.push_back(std::move(c));
    }
    return copies;
  });
}

Result<std::string, StoreError> SqliteStore::ReplayDeadLetter(const std::string& delivery_id,
                                                              const std::string& new_id,
                                                              model::Timestamp now,
                                                              std::vector<AuditRecord> audit) {
  return Transaction([&]() -> Result<std::string, StoreError> {
    auto dead = db_.Prepare(
        "SELECT message_id, recipient, ordering_key, mode, format, content_type, scope, payload,"
        " state, replayed_as FROM outbox WHERE id = ?1");
    if (!dead.ok()) return Fail(Backend(dead.error()));
    dead->Bind(1, std::string_view(delivery_id));
    auto row = dead->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row || dead->ColumnText(8) != "dead") {
      return Fail(StoreError{StoreErrorKind::kNotFound, "no dead copy with that id"});
    }
    // Replayed before: the operator asked twice (or two asked at once);
    // the first replay stands and nothing changes.
    if (auto replayed = dead->ColumnOptionalText(9)) return std::move(*replayed);
    // Opened under the dead copy's id, sealed again under the new one.
    auto copy = OpenDeliveryRow(*dead, delivery_id);
    if (!copy.ok()) return Fail(copy.error());
    copy->id = new_id;
    dead->Reset();
    const std::int64_t at = ToSeconds(now);
    if (auto inserted = InsertDelivery(*copy, at); !inserted.ok()) return Fail(inserted.error());
    auto mark = db_.Prepare("UPDATE outbox SET replayed_as = ?2 WHERE id = ?1");
    if (!mark.ok()) return Fail(Backend(mark.error()));
    mark->Bind(1, std::string_view(delivery_id)).Bind(2, std::string_view(new_id));
    if (auto ran = mark->Run(); !ran.ok()) return Fail(Backend(ran.error()));
    if (auto appended = AppendAudit(audit, at); !appended.ok()) return Fail(appended.error());
    return new_id;
  });
}

Result<Ok, StoreError> SqliteStore::InsertDelivery(const Delivery& delivery, std::int64_t now) {
  auto payload = SealDelivery(*sealer_, delivery);
  if (!payload.ok()) return Fail(payload.error());
  return InsertSealedDelivery(delivery, *payload, now);
}

Result<Ok, StoreError> SqliteStore::InsertSealedDelivery(const Delivery& delivery,
                                                         std::string_view sealed_payload,
                                                         std::int64_t now) {
  auto outbox = db_.Prepare(
      "INSERT INTO outbox (id, message_id, recipient, ordering_key, mode, format, content_type,"
      " scope, payload, payload_key, state, next_attempt_at, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)");
  if (!outbox.ok()) return Fail(Backend(outbox.error()));
  outbox->Bind(1, std::string_view(delivery.id))
      .Bind(2, std::string_view(delivery.message_id))
      .Bind(3, std::string_view(delivery.recipient))
      .Bind(4, std::string_view(delivery.ordering_key))
      .Bind(5, DeliveryModeName(delivery.mode))
      .Bind(6, std::string_view(delivery.format))
      .Bind(7, std::string_view(delivery.content_type))
      .Bind(8, std::string_view(delivery.scope))
      .BindBlob(9, sealed_payload)
      .Bind(10, std::string_view(*crypto::Sealer::KeyIdOf(sealed_payload)))
      .Bind(11, std::string_view(delivery.mode == DeliveryMode::kPush ? "pending" : "available"))
      .Bind(12, now);
  if (auto ran = outbox->Run(); !ran.ok()) return Fail(Backend(ran.error()));
  return Ok{};
}

Result<Ok, StoreError> SqliteStore::AppendAudit(std::span<const AuditRecord> records,
                                                std::int64_t at) {
  if (records.empty()) return Ok{};
  // The head is read once: nothing else writes on this connection while
  // the caller holds the writer lock, and a failed append fails the whole
  // item, whose savepoint takes back what went before it.
  auto last = db_.Prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  if (!last.ok()) return Fail(Backend(last.error()));
  auto row = last->Step();
  if (!row.ok()) return Fail(Backend(row.error()));
  std::int64_t seq = 0;
  audit::ChainHash previous = audit::kGenesisHash;
  if (*row) {
    seq = last->ColumnInt(0);
    const std::string bytes = last->ColumnBlob(1);
    if (bytes.size() != previous.size()) {
      return Fail(StoreError{StoreErrorKind::kBackend, "the audit chain head is malformed"});
    }
    std::copy(bytes.begin(), bytes.end(), previous.begin());
  }
  auto insert = db_.Prepare(
      "INSERT INTO audit (seq, at, kind, body, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert.ok()) return Fail(Backend(insert.error()));
  const auto as_view = [](const audit::ChainHash& h) {
    return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
  };
  for (const AuditRecord& record : records) {
    ++seq;
    const audit::ChainHash hash = audit::NextHash(previous, seq, at, record.kind, record.body_json);
    insert->Bind(1, seq)
        .Bind(2, at)
        .Bind(3, std::string_view(record.kind))
        .Bind(4, std::string_view(record.body_json))
        .BindBlob(5, as_view(previous))
        .BindBlob(6, as_view(hash));
    if (auto ran = insert->Run(); !ran.ok()) return Fail(Backend(ran.error()));
    previous = hash;
  }
  return Ok{};
}

Result<std::vector<ClaimedDelivery>, StoreError> SqliteStore::ClaimDueDeliveries(
    model::Timestamp now, model::Timestamp lease_until, int limit) {
  return Transaction([&]() -> Result<std::vector<ClaimedDelivery>, StoreError> {
    // First in line: no earlier delivery with the same ordering key is
    // still pending (a dead one no longer holds the line).
    auto due = db_.Prepare(
        "SELECT o.id, o.message_id, o.recipient, o.ordering_key, o.format, o.content_type,"
        " o.scope, o.payload, o.attempts, o.created_at FROM outbox o"
        " WHERE o.state = 'pending' AND o.mode = 'push' AND o.next_attempt_at <= ?1"
        " AND (o.lease_until IS NULL OR o.lease_until <= ?1)"
        " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.ordering_key = o.ordering_key"
        "                 AND p.seq < o.seq AND p.state = 'pending')"
        " ORDER BY o.seq LIMIT ?2");
    if (!due.ok()) return Fail(Backend(due.error()));
    due->Bind(1, ToSeconds(now)).Bind(2, static_cast<std::int64_t>(limit));
    std::vector<ClaimedDelivery> claimed;
    while (true) {
      auto row = due->Step();
      if (!row.ok()) return Fail(Backend(row.error()));
      if (!*row) break;
      ClaimedDelivery c;
      c.delivery.id = due->ColumnText(0);
      c.delivery.message_id = due->ColumnText(1);
      c.delivery.recipient = due->ColumnText(2);
      c.delivery.ordering_key = due->ColumnText(3);
      c.delivery.mode = DeliveryMode::kPush;
      c.delivery.format = due->ColumnText(4);
      c.delivery.content_type = due->ColumnText(5);
      c.delivery.scope = due->ColumnText(6);
      auto payload =
          sealer_->Open(c.delivery.scope, due->ColumnBlob(7), DeliveryBinding(c.delivery.id));
      if (!payload.ok()) return Fail(SealingError(payload.error()));
      c.delivery.payload = std::move(*payload);
      c.attempts = static_cast<int>(due->ColumnInt(8));
      c.created_at = FromSeconds(due->ColumnInt(9));
      claimed.push_back(std::move(c));
    }
    auto lease = db_.Prepare("UPDATE outbox SET lease_until = ?1 WHERE id = ?2");
    if (!lease.ok()) return Fail(Backend(lease.error()));
    for (const ClaimedDelivery& c : claimed) {
      lease->Bind(1, ToSeconds(lease_until)).Bind(2, std::string_view(c.delivery.id));
      if (auto ran = lease->Run(); !ran.ok()) return Fail(Backend(ran.error()));
    }
    return claimed;
  });
}

Result<Ok, StoreError> SqliteStore::RecordAttempt(const AttemptOutcome& outcome) {
  return Transaction([&] { return RecordAttemptLocked(outcome); });
}

std::vector<Result<Ok, StoreError>> SqliteStore::RecordAttempts(
    std::span<const AttemptOutcome> outcomes) {
  return EachInSavepoint(outcomes.size(),
                         [&](std::size_t i) { return RecordAttemptLocked(outcomes[i]); });
}

Result<Ok, StoreError> SqliteStore::RecordAttemptLocked(const AttemptOutcome& outcome) {
  const std::int64_t at = ToSeconds(outcome.at);
  const std::string_view id = outcome.delivery_id;
  Result<SqliteStatement, SqliteError> update = Fail(SqliteError{});
  switch (outcome.kind) {
    case AttemptOutcome::Kind::kDelivered:
      update = db_.Prepare(
          "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, finished_at = ?2,"
          " lease_until = NULL, last_error = NULL WHERE id = ?1 AND state = 'pending'");
      if (update.ok()) update->Bind(1, id).Bind(2, at);
      break;
    case AttemptOutcome::Kind::kRetry:
      update = db_.Prepare(
          "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3,"
          " lease_until = NULL WHERE id = ?1 AND state = 'pending'");
      if (update.ok()) {
        update->Bind(1, id)
            .Bind(2, ToSeconds(outcome.next_attempt_at))
            .Bind(3, std::string_view(outcome.error));
      }
      break;
    case AttemptOutcome::Kind::kDeferred:
      update = db_.Prepare(
          "UPDATE outbox SET next_attempt_at = ?2, last_error = ?3,"
          " lease_until = NULL WHERE id = ?1 AND state = 'pending'");
      if (update.ok()) {
        update->Bind(1, id)
            .Bind(2, ToSeconds(outcome.next_attempt_at))
            .Bind(3, std::string_view(outcome.error));
      }
      break;
    case AttemptOutcome::Kind::kDead:
      update = db_.Prepare(
          "UPDATE outbox SET state = 'dead', attempts = attempts + 1, finished_at = ?2,"
          " last_error = ?3, lease_until = NULL WHERE id = ?1 AND state = 'pending'");
      if (update.ok()) update->Bind(1, id).Bind(2, at).Bind(3, std::string_view(outcome.error));
      break;
    case AttemptOutcome::Kind::kExpired:
      update = db_.Prepare(
          "UPDATE outbox SET state = 'dead', finished_at = ?2, last_error = ?3"
          " WHERE id = ?1 AND state = 'available'");
      if (update.ok()) update->Bind(1, id).Bind(2, at).Bind(3, std::string_view(outcome.error));
      break;
  }
  if (!update.ok()) return Fail(Backend(update.error()));
  if (auto ran = update->Run(); !ran.ok()) return Fail(Backend(ran.error()));
  if (db_.Changes() != 1) {
    return Fail(
        StoreError{StoreErrorKind::kNotFound, outcome.kind == AttemptOutcome::Kind::kExpired
                                                  ? "no unacknowledged mailbox item with that id"
                                                  : "no pending delivery with that id"});
  }
  if (outcome.kind == AttemptOutcome::Kind::kDelivered) {
    if (auto cancelled = CancelTimers(outcome.delivery_id, {"urgent_ack_transport"}, at);
        !cancelled.ok()) {
      return cancelled;
    }
  }
  for (const Delivery& notice : outcome.notices) {
    if (auto inserted = InsertDelivery(notice, at); !inserted.ok()) return inserted;
  }
  if (auto appended = AppendAudit(outcome.audit, at); !appended.ok()) return appended;
  return Ok{};
}

Result<std::vector<ClaimedDelivery>, StoreError> SqliteStore::ListExpiredMailboxItems(
    model::Timestamp created_before, int limit) {
  std::lock_guard lock(mutex_);
  auto list = db_.Prepare(
      "SELECT id, message_id, recipient, ordering_key, format, content_type, scope, attempts,"
      " created_at FROM outbox WHERE state = 'available' AND created_at < ?1"
      " ORDER BY seq LIMIT ?2");
  if (!list.ok()) return Fail(Backend(list.error()));
  list->Bind(1, ToSeconds(created_before)).Bind(2, static_cast<std::int64_t>(limit));
  std::vector<ClaimedDelivery> items;
  while (true) {
    auto row = list->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row) break;
    ClaimedDelivery c;
    c.delivery.id = list->ColumnText(0);
    c.delivery.message_id = list->ColumnText(1);
    c.delivery.recipient = list->ColumnText(2);
    c.delivery.ordering_key = list->ColumnText(3);
    c.delivery.mode = DeliveryMode::kMailbox;
    c.delivery.format = list->ColumnText(4);
    c.delivery.content_type = list->ColumnText(5);
    c.delivery.scope = list->ColumnText(6);
    c.attempts = static_cast<int>(list->ColumnInt(7));
    c.created_at = FromSeconds(list->ColumnInt(8));
    items.push_back(std::move(c));
  }
  return items;
}

Result<Ok, StoreError> SqliteStore::RecordAudit(const std::vector<AuditRecord>& records,
                                                model::Timestamp at) {
  return Transaction([&]() -> Result<Ok, StoreError> {
    if (auto appended = AppendAudit(records, ToSeconds(at)); !appended.ok()) return appended;
    return Ok{};
  });
}

Result<std::optional<std::string>, StoreError> SqliteStore::FindMessageSender(
    const std::string& message_id) {
  std::lock_guard lock(mutex_);
  auto find = db_.Prepare("SELECT sender FROM messages WHERE id = ?1");
  if (!find.ok()) return Fail(Backend(find.error()));
  find->Bind(1, std::string_view(message_id));
  auto row = find->Step();
  if (!row.ok()) return Fail(Backend(row.error()));
  if (!*row) return std::optional<std::string>{};
  return std::optional<std::string>{find->ColumnText(0)};
}

Result<std::vector<MailboxItem>, StoreError> SqliteStore::ListMailbox(const std::string& recipient,
                                                                      const MailboxQuery& query) {
  std::lock_guard lock(mutex_);
  std::int64_t after_seq = 0;
  if (query.after) {
    auto cursor =
        db_.Prepare("SELECT seq FROM outbox WHERE id = ?1 AND recipient = ?2 AND mode = 'mailbox'");
    if (!cursor.ok()) return Fail(Backend(cursor.error()));
    cursor->Bind(1, std::string_view(*query.after)).Bind(2, std::string_view(recipient));
    auto row = cursor->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    // Another agency's item is indistinguishable from no item.
    if (!*row)
      return Fail(StoreError{StoreErrorKind::kNotFound, "no such mailbox item to continue after"});
    after_seq = cursor->ColumnInt(0);
  }
  auto list = db_.Prepare(
      "SELECT id, message_id, content_type, created_at FROM outbox"
      " WHERE recipient = ?1 AND mode = 'mailbox' AND state = 'available' AND seq > ?3"
      " ORDER BY seq LIMIT ?2");
  if (!list.ok()) return Fail(Backend(list.error()));
  list->Bind(1, std::string_view(recipient))
      .Bind(2, static_cast<std::int64_t>(query.limit))
      .Bind(3, after_seq);
  std::vector<MailboxItem> items;
  while (true) {
    auto row = list->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row) break;
    items.push_back(MailboxItem{list->ColumnText(0), list->ColumnText(1), list->ColumnText(2),
                                FromSeconds(list->ColumnInt(3)), ""});
  }
  return items;
}

Result<MailboxItem, StoreError> SqliteStore::FetchMailboxItem(const std::string& recipient,
                                                              const std::string& delivery_id,
                                                              std::vector<AuditRecord> audit) {
  return Transaction([&]() -> Result<MailboxItem, StoreError> {
    auto fetch = db_.Prepare(
        "SELECT message_id, content_type, created_at, scope, payload FROM outbox"
        " WHERE id = ?1 AND recipient = ?2 AND mode = 'mailbox' AND state = 'available'");
    if (!fetch.ok()) return Fail(Backend(fetch.error()));
    fetch->Bind(1, std::string_view(delivery_id)).Bind(2, std::string_view(recipient));
    auto row = fetch->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row) return Fail(StoreError{StoreErrorKind::kNotFound, "no such mailbox item"});
    auto payload =
        sealer_->Open(fetch->ColumnText(3), fetch->ColumnBlob(4), DeliveryBinding(delivery_id));
    if (!payload.ok()) return Fail(SealingError(payload.error()));
    MailboxItem item{delivery_id, fetch->ColumnText(0), fetch->ColumnText(1),
                     FromSeconds(fetch->ColumnInt(2)), std::move(*payload)};
    fetch->Reset();
    if (auto appended = AppendAudit(audit, ToSeconds(item.created_at)); !appended.ok()) {
      return Fail(appended.error());
    }
    return item;
  });
}

Result<Ok, StoreError> SqliteStore::AcknowledgeMailboxItem(const std::string& recipient,
                                                           const std::string& delivery_id,
                                                           model::Timestamp at,
                                                           std::vector<AuditRecord> audit) {
  return Transaction([&]() -> Result<Ok, StoreError> {
    auto state = db_.Prepare(
        "SELECT state FROM outbox WHERE id = ?1 AND recipient = ?2 AND mode = 'mailbox'");
    if (!state.ok()) return Fail(Backend(state.error()));
    state->Bind(1, std::string_view(delivery_id)).Bind(2, std::string_view(recipient));
    auto row = state->Step();
    if (!row.ok()) return Fail(Backend(row.error()));
    if (!*row) return Fail(StoreError{StoreErrorKind::kNotFound, "no such mailbox item"});
    const std::string current = state->ColumnText(0);
    state->Reset();
    if (current == "acked") return Ok{};  // acknowledging twice is harmless
    if (current != "available") {
      return Fail(StoreError{StoreErrorKind::kNotFound, "the item is no longer in the mailbox"});
    }
    auto ack = db_.Prepare("UPDATE outbox SET state = 'acked', finished_at = ?2 WHERE id = ?1");
    if (!ack.ok()) return Fail(Backend(ack.error()));
    ack->Bind(1, std::string_view(delivery_id)).Bind(2, ToSeconds(at));
    if (auto ran = ack->Run(); !ran.ok()) return Fail(Backend(ran.error()));
    if (auto cancelled = CancelTimers(delivery_id, {"urgent_ack_transport"}, ToSeconds(at));
        !cancelled.ok()) {
      return cancelled;
    }
    if (auto appended = AppendAudit(audit, ToSeconds(at)); !appended.ok()) return appended;
    return Ok{};
  });
}

Result<MessageStatus, StoreError> SqliteStore::GetMessageStatus(const std::string& sender,
                                                                const std::string& message_id) {
  std::lock_guard lock(mutex_);
  auto message =
      db_.Prepare("SELECT kind, received_at, answer FROM messages WHERE id = ?1 AND sender = ?2");
  if (!message.ok()) return Fail(Backend(message.error()));
  message->Bind(1, std::string_view(message_id)).Bind(2, std::string_view(sender));
  auto row = message->Step();
  if (!row.ok()) return Fail(Backend(row.error()));
  // Another agency's message is indistinguishable from no message.
  if (!*row) return Fail(StoreError{StoreErrorKind::kNotFound, "no such message"});
  MessageStatus status;
  status.message_id = message_id;
  status.kind = message->ColumnText(0);
  status.received_at = FromSeconds(message->ColumnInt(1));
  status.answer_json = message->ColumnText(2);
  auto deliveries = db_.Prepare(
      "SELECT recipient, id, state, attempts, last_error, actioned_at, action FROM outbox"
      " WHERE message_id = ?1 ORDER BY seq");
  if (!deliveries.ok()) return Fail(Backend(deliveries.error()));
  deliveries->Bind(1, std::string_view(message_id));
  while (true) {
    auto next = deliveries->Step();
    if (!next.ok()) return Fail(Backend(next.error()));
    if (!*next) break;
    MessageStatus::Recipient r;
    r.recipient = deliveries->ColumnText(0);
    r.delivery_id = deliveries->ColumnText(1);
    r.state = ParseDeliveryState(deliveries->ColumnText(2)).value_or(DeliveryState::kPending);
    r.attempts = static_cast<int>(deliveries->ColumnInt(3));
    r.last_error = deliveries->ColumnOptionalText(4);
    if (!deliveries->ColumnIsNull(5)) {
      const auto action = nlohmann::json::parse(deliveries->ColumnText(6), nullptr, false);
      if (action.is_object()) {
        BusinessAction a;
        a.at = FromSeconds(deliveries->ColumnInt(5));
        a.team = action.value("team", "");
        if (action.contains("reference")) a.reference = action.value("reference", "");
        r.action = std::move(a);
      }
    }
    status.recipients.push_back(std::move(r));
  }
  return status;
}

Result<Ok, StoreError> SqliteStore::Ping() {
  return Read([](SqliteDatabase& db) -> Result<Ok, StoreError> {
    auto query = db.Prepare("SELECT 1");
    if (!query.ok()) return Fail(Backend(query.error()));
    if (auto row = query->Step(); !row.ok()) return Fail(Backend(row.error()));
    return Ok{};
  });
}

}  // namespace isagw::store
