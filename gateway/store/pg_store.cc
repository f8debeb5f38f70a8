#include "gateway/store/pg_store.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "gateway/audit/audit_chain.h"
#include "gateway/audit/chain_follower.h"
#include "gateway/store/pg_audit_log.h"
#include "gateway/store/pg_schema.h"
#include "gateway/store/pg_transaction.h"
#include "gateway/store/sealed_acceptance.h"
#include "gateway/store/store_values.h"

namespace isagw::store {
namespace {

StoreError StoreBackendError(const PgError& e) { return {StoreErrorKind::kBackend, e.message}; }

// Runs a one-column lookup and returns the text of the first row, if any.
Result<std::optional<std::string>, StoreError> FirstText(Result<PgResult, PgError> query) {
  if (!query.ok()) return Fail(StoreBackendError(query.error()));
  if (query->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(query->Text(0, 0));
}

// Row r's timer in columns first.. first+9: id, kind, due_at, spec,
// source_message_id, state, armed_at, finished_at, message_id, note (the
// order every timer query selects them in).
TimerRecord TimerRecordAt(const PgResult& rows, int r, int first, const std::string& subject) {
  TimerRecord t;
  t.timer.id = rows.Text(r, first);
  t.timer.subject = subject;
  t.timer.kind = rows.Text(r, first + 1);
  t.timer.due_at = FromSeconds(rows.Int(r, first + 2));
  t.timer.spec_json = rows.Text(r, first + 3);
  t.timer.source_message_id = rows.Text(r, first + 4);
  t.state = ParseTimerState(rows.Text(r, first + 5)).value_or(TimerState::kArmed);
  t.armed_at = FromSeconds(rows.Int(r, first + 6));
  if (!rows.IsNull(r, first + 7)) t.finished_at = FromSeconds(rows.Int(r, first + 7));
  t.message_id = rows.OptionalText(r, first + 8);
  t.note = rows.OptionalText(r, first + 9);
  return t;
}

}  // namespace

// One write transaction and the audit chain's head it holds locked.
class PostgresStore::Writer {
 public:
  explicit Writer(PgConnection& conn) : conn_(conn) {}

  PgConnection& conn() { return conn_; }

  // Locks the head row: every other appender waits here until this
  // transaction ends.
  Result<Ok, StoreError> LockHead() {
    auto head = conn_.Query("SELECT seq, hash FROM audit_head FOR UPDATE");
    if (!head.ok()) return Fail(StoreBackendError(head.error()));
    if (head->rows() != 1) {
      return Fail(StoreError{StoreErrorKind::kBackend, "the audit chain head row is missing"});
    }
    head_.seq = head->Int(0, 0);
    const std::string bytes = head->Bytes(0, 1);
    if (head_.seq == 0) {
      head_.hash = audit::kGenesisHash;
    } else if (bytes.size() == head_.hash.size()) {
      std::copy(bytes.begin(), bytes.end(), head_.hash.begin());
    } else {
      return Fail(StoreError{StoreErrorKind::kBackend, "the audit chain head is malformed"});
    }
    locked_ = head_;
    return Ok{};
  }

  Result<Ok, StoreError> Append(const AuditRecord& record, std::int64_t at) {
    const std::int64_t seq = head_.seq + 1;
    const audit::ChainHash hash =
        audit::NextHash(head_.hash, seq, at, record.kind, record.body_json);
    auto insert = conn_.Query(
        "INSERT INTO audit (seq, at, kind, body, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6)",
        PgParams()
            .Add(seq)
            .Add(at)
            .Add(record.kind)
            .Add(record.body_json)
            .AddBytes(audit::BytesOf(head_.hash))
            .AddBytes(audit::BytesOf(hash)));
    if (!insert.ok()) return Fail(StoreBackendError(insert.error()));
    head_ = {seq, hash};
    return Ok{};
  }
  template <typename Records>
  Result<Ok, StoreError> AppendAll(const Records& records, std::int64_t at) {
    for (const AuditRecord& record : records) {
      if (auto appended = Append(record, at); !appended.ok()) return appended;
    }
    return Ok{};
  }

  // The head as it stands, to put back when a savepoint is undone.
  struct Head {
    std::int64_t seq = 0;
    audit::ChainHash hash{};
  };
  Head head() const { return head_; }
  void Restore(const Head& head) { head_ = head; }

  // Writes the head back if anything was appended; before COMMIT.
  Result<Ok, StoreError> SaveHead() {
    if (head_.seq == locked_.seq) return Ok{};
    auto saved = conn_.Query("UPDATE audit_head SET seq = $1, hash = $2",
                             PgParams().Add(head_.seq).AddBytes(audit::BytesOf(head_.hash)));
    if (!saved.ok()) return Fail(StoreBackendError(saved.error()));
    return Ok{};
  }

 private:
  PgConnection& conn_;
  Head head_;
  Head locked_;  // as read when locked
};

namespace {

// A session lock on the replica's name, held by `conn` until it closes:
// two live replicas of one name would release each other's leases. Scoped
// to the database and schema: one server may hold several deployments (or
// test runs), each with its own replicas.
Result<Ok, StoreError> TakeName(PgConnection& conn, const std::string& replica) {
  auto named = conn.Query(
      "SELECT pg_try_advisory_lock(7315402, hashtext(current_database() || '/' ||"
      " current_schema() || '/' || $1))",
      PgParams().Add(replica));
  if (!named.ok()) return Fail(StoreBackendError(named.error()));
  if (!named->Bool(0, 0)) {
    return Fail(StoreError{StoreErrorKind::kBackend,
                           "another live gateway uses the replica name '" + replica +
                               "' on this database: give each replica its own"});
  }
  return Ok{};
}

}  // namespace

Result<std::unique_ptr<PostgresStore>, StoreError> PostgresStore::Open(
    PostgresStoreOptions options, std::shared_ptr<const crypto::Sealer> sealer) {
  options.dsn = WithConnectTimeout(options.dsn);
  auto conn = PgConnection::Open(options.dsn);
  if (!conn.ok()) return Fail(StoreBackendError(conn.error()));
  if (auto migrated = MigratePostgres(*conn, PostgresMigrations()); !migrated.ok()) {
    return Fail(StoreBackendError(migrated.error()));
  }
  auto named = TakeName(*conn, options.replica);
  if (!named.ok()) return Fail(named.error());
  return std::make_unique<PostgresStore>(Token{}, options, std::move(sealer), std::move(*conn));
}

template <typename Body>
auto PostgresStore::Read(Body&& body) -> decltype(body(std::declval<PgConnection&>())) {
  // A read found its connection lost (the server restarted since it was
  // last used) is run once more on a new one: reading twice changes
  // nothing. Writes are not retried here; their callers decide.
  for (int attempt = 0;; ++attempt) {
    auto lease = pool_.Acquire();
    if (!lease.ok()) return Fail(StoreBackendError(lease.error()));
    auto result = body(lease->conn());
    if (result.ok() || lease->conn().healthy() || attempt == 1) return result;
  }
}

template <typename Body>
auto PostgresStore::Claim(Body&& body) -> decltype(body(std::declval<PgConnection&>())) {
  auto lease = pool_.Acquire();
  if (!lease.ok()) return Fail(StoreBackendError(lease.error()));
  PgConnection& conn = lease->conn();
  return InPgTransaction(
      conn, "BEGIN", [&] { return body(conn); }, StoreBackendError);
}

template <typename Body>
auto PostgresStore::Write(Body&& body) -> decltype(body(std::declval<Writer&>())) {
  auto lease = pool_.Acquire();
  if (!lease.ok()) return Fail(StoreBackendError(lease.error()));
  Writer writer(lease->conn());
  return InPgTransaction(
      lease->conn(), "BEGIN",
      [&]() -> decltype(body(writer)) {
        if (auto locked = writer.LockHead(); !locked.ok()) return Fail(locked.error());
        auto done = body(writer);
        if (!done.ok()) return done;
        if (auto saved = writer.SaveHead(); !saved.ok()) return Fail(saved.error());
        return done;
      },
      StoreBackendError);
}

template <typename Apply>
std::vector<Result<Ok, StoreError>> PostgresStore::EachInSavepoint(std::size_t count,
                                                                   const Apply& apply) {
  std::vector<Result<Ok, StoreError>> outcomes;
  if (count == 0) return outcomes;  // no transaction for nothing
  outcomes.reserve(count);
  if (count == 1) {
    outcomes.push_back(Write([&](Writer& w) { return apply(w, 0); }));
    return outcomes;
  }
  auto fail_all = [&](const StoreError& error) {
    outcomes.assign(count, Fail(error));
    return std::move(outcomes);
  };
  auto lease = pool_.Acquire();
  if (!lease.ok()) return fail_all(StoreBackendError(lease.error()));
  PgConnection& conn = lease->conn();
  auto abandon = [&](const StoreError& error) {
    (void)conn.Execute("ROLLBACK");
    return fail_all(error);
  };
  if (auto begun = conn.Execute("BEGIN"); !begun.ok())
    return fail_all(StoreBackendError(begun.error()));
  Writer writer(conn);
  if (auto locked = writer.LockHead(); !locked.ok()) return abandon(locked.error());
  for (std::size_t i = 0; i < count; ++i) {
    if (auto saved = conn.Execute("SAVEPOINT item"); !saved.ok()) {
      return abandon(StoreBackendError(saved.error()));
    }
    const Writer::Head before = writer.head();
    auto applied = apply(writer, i);
    if (!applied.ok()) {
      // A lost connection took the whole transaction with it.
      if (!conn.healthy()) return abandon(applied.error());
      if (auto undone = conn.Execute("ROLLBACK TO SAVEPOINT item"); !undone.ok()) {
        return abandon(StoreBackendError(undone.error()));
      }
      writer.Restore(before);
    }
    if (auto released = conn.Execute("RELEASE SAVEPOINT item"); !released.ok()) {
      return abandon(StoreBackendError(released.error()));
    }
    outcomes.push_back(std::move(applied));
  }
  if (auto saved = writer.SaveHead(); !saved.ok()) return abandon(saved.error());
  if (auto committed = conn.Execute("COMMIT"); !committed.ok()) {
    return abandon(StoreBackendError(committed.error()));
  }
  return outcomes;
}

Result<std::optional<std::string>, StoreError> PostgresStore::FindAnswerByIdempotencyKey(
    const std::string& sender, const std::string& key) {
  return Read([&](PgConnection& conn) {
    return FirstText(
        conn.Query("SELECT answer FROM messages WHERE sender = $1 AND idempotency_key = $2",
                   PgParams().Add(sender).Add(key)));
  });
}

Result<std::optional<std::string>, StoreError> PostgresStore::FindAnswerByPoliceRecord(
    const std::string& police_ref, int record_version) {
  return Read([&](PgConnection& conn) {
    return FirstText(
        conn.Query("SELECT answer FROM messages WHERE police_ref = $1 AND record_version = $2",
                   PgParams().Add(police_ref).Add(record_version)));
  });
}

Result<std::optional<EpisodeRecord>, StoreError> PostgresStore::LoadEpisode(
    const std::string& police_ref) {
  return Read([&](PgConnection& conn) -> Result<std::optional<EpisodeRecord>, StoreError> {
    auto row = conn.Query(
        "SELECT state, latest_record_version, child_key, placing_la, host_la, snapshot,"
        " missing_since FROM episodes WHERE police_ref = $1",
        PgParams().Add(police_ref));
    if (!row.ok()) return Fail(StoreBackendError(row.error()));
    if (row->rows() == 0) return std::optional<EpisodeRecord>();
    EpisodeRecord episode;
    episode.police_ref = police_ref;
    episode.state = row->Text(0, 0);
    episode.latest_record_version = static_cast<int>(row->Int(0, 1));
    episode.child_key = row->OptionalText(0, 2);
    episode.placing_la = row->OptionalText(0, 3);
    episode.host_la = row->OptionalText(0, 4);
    if (!row->IsNull(0, 6)) episode.missing_since = FromSeconds(row->Int(0, 6));
    auto snapshot = sealer_->Open(kInboundScope, row->Bytes(0, 5), EpisodeBinding(police_ref));
    if (!snapshot.ok()) return Fail(SealingError(snapshot.error()));
    episode.snapshot_json = std::move(*snapshot);
    return std::optional<EpisodeRecord>(std::move(episode));
  });
}

Result<std::optional<ChildLink>, StoreError> PostgresStore::FindChildLink(
    const std::string& child_key) {
  return Read([&](PgConnection& conn) -> Result<std::optional<ChildLink>, StoreError> {
    auto row =
        conn.Query("SELECT placing_la, host_la, message_id FROM child_links WHERE child_key = $1",
                   PgParams().Add(child_key));
    if (!row.ok()) return Fail(StoreBackendError(row.error()));
    if (row->rows() == 0) return std::optional<ChildLink>();
    return std::optional<ChildLink>(
        ChildLink{child_key, row->Text(0, 0), row->OptionalText(0, 1), row->Text(0, 2)});
  });
}

Result<Ok, StoreError> PostgresStore::Commit(const Acceptance& acceptance) {
  // Sealed on the sender's thread, before the queue: the group step holds
  // the audit head lock, and everyone in the group waits for it.
  auto sealed = SealAcceptance(*sealer_, acceptance);
  if (!sealed.ok()) return Fail(sealed.error());
  return commits_.Commit(*sealed, [this](std::span<CommitQueue::Entry* const> group) {
    auto outcomes = EachInSavepoint(
        group.size(), [&](Writer& w, std::size_t i) { return CommitOne(w, *group[i]->sealed); });
    for (std::size_t i = 0; i < group.size(); ++i) group[i]->outcome = std::move(outcomes[i]);
  });
}

std::vector<Result<Ok, StoreError>> PostgresStore::CommitAll(
    std::span<const Acceptance* const> acceptances) {
  const auto sealed = SealAcceptances(*sealer_, acceptances);
  return EachInSavepoint(acceptances.size(),
                         [&](Writer& w, std::size_t i) -> Result<Ok, StoreError> {
                           if (!sealed[i].ok()) return Fail(sealed[i].error());
                           return CommitOne(w, *sealed[i]);
                         });
}

Result<Ok, StoreError> PostgresStore::CommitOne(Writer& w, const SealedAcceptance& sealed) {
  const Acceptance& acceptance = *sealed.acceptance;
  PgConnection& conn = w.conn();
  const InboundMessage& message = acceptance.message;
  const std::int64_t now = ToSeconds(message.received_at);

  // Optimistic concurrency: the episode must still be as the pipeline read
  // it. The head lock already serialises writers; FOR UPDATE says what
  // this transaction relies on without depending on that.
  if (acceptance.episode) {
    auto current =
        conn.Query("SELECT latest_record_version FROM episodes WHERE police_ref = $1 FOR UPDATE",
                   PgParams().Add(acceptance.episode->police_ref));
    if (!current.ok()) return Fail(StoreBackendError(current.error()));
    const int stored = current->rows() ? static_cast<int>(current->Int(0, 0)) : 0;
    if (stored != acceptance.episode_version_read) {
      return Fail(StoreError{StoreErrorKind::kConflict, "the episode changed since it was read"});
    }
  }

  std::optional<std::int64_t> record_version;
  if (message.record_version) record_version = *message.record_version;
  auto inserted = conn.Query(
      "INSERT INTO messages (id, sender, idempotency_key, format, kind, police_ref,"
      " record_version, received_at, payload, payload_key, answer, episode_ref)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      PgParams()
          .Add(message.id)
          .Add(message.sender)
          .Add(message.idempotency_key)
          .Add(message.format)
          .Add(message.kind)
          .Add(message.police_ref)
          .Add(record_version)
          .Add(now)
          .AddBytes(sealed.message)
          .Add(*crypto::Sealer::KeyIdOf(sealed.message))
          .Add(message.answer_json)
          .Add(message.episode_ref));
  if (!inserted.ok()) {
    if (inserted.error().unique_violation()) {
      return Fail(StoreError{StoreErrorKind::kDuplicate, "the message is already stored"});
    }
    return Fail(StoreBackendError(inserted.error()));
  }

  if (acceptance.episode) {
    const EpisodeRecord& episode = *acceptance.episode;
    std::optional<std::int64_t> since;
    if (episode.missing_since) since = ToSeconds(*episode.missing_since);
    auto upserted = conn.Query(
        "INSERT INTO episodes (police_ref, state, latest_record_version, child_key, placing_la,"
        " host_la, snapshot, updated_at, missing_since)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (police_ref) DO UPDATE SET state = excluded.state,"
        " latest_record_version = excluded.latest_record_version, child_key = excluded.child_key,"
        " placing_la = excluded.placing_la, host_la = excluded.host_la,"
        " snapshot = excluded.snapshot, updated_at = excluded.updated_at,"
        " missing_since = COALESCE(excluded.missing_since, episodes.missing_since)",
        PgParams()
            .Add(episode.police_ref)
            .Add(episode.state)
            .Add(episode.latest_record_version)
            .Add(episode.child_key)
            .Add(episode.placing_la)
            .Add(episode.host_la)
            .AddBytes(*sealed.episode)
            .Add(now)
            .Add(since));
    if (!upserted.ok()) return Fail(StoreBackendError(upserted.error()));
  }

  if (acceptance.child_link) {
    const ChildLink& link = *acceptance.child_link;
    auto upserted = conn.Query(
        "INSERT INTO child_links (child_key, placing_la, host_la, message_id, updated_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (child_key) DO UPDATE SET"
        " placing_la = excluded.placing_la, host_la = excluded.host_la,"
        " message_id = excluded.message_id, updated_at = excluded.updated_at",
        PgParams()
            .Add(link.child_key)
            .Add(link.placing_la)
            .Add(link.host_la)
            .Add(link.message_id)
            .Add(now));
    if (!upserted.ok()) return Fail(StoreBackendError(upserted.error()));
  }

  for (std::size_t i = 0; i < acceptance.deliveries.size(); ++i) {
    auto added = InsertSealedDelivery(w, acceptance.deliveries[i], sealed.deliveries[i], now);
    if (!added.ok()) return added;
  }

  if (auto timers = ApplyTimers(w, acceptance, now); !timers.ok()) return timers;
  return w.AppendAll(acceptance.audit, now);
}

Result<Ok, StoreError> PostgresStore::InsertDelivery(Writer& w, const Delivery& delivery,
                                                     std::int64_t now) {
  auto payload = SealDelivery(*sealer_, delivery);
  if (!payload.ok()) return Fail(payload.error());
  return InsertSealedDelivery(w, delivery, *payload, now);
}

Result<Ok, StoreError> PostgresStore::InsertSealedDelivery(Writer& w, const Delivery& delivery,
                                                           std::string_view sealed_payload,
                                                           std::int64_t now) {
  auto inserted = w.conn().Query(
      "INSERT INTO outbox (id, message_id, recipient, ordering_key, mode, format, content_type,"
      " scope, payload, payload_key, state, next_attempt_at, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
      PgParams()
          .Add(delivery.id)
          .Add(delivery.message_id)
          .Add(delivery.recipient)
          .Add(delivery.ordering_key)
          .Add(DeliveryModeName(delivery.mode))
          .Add(delivery.format)
          .Add(delivery.content_type)
          .Add(delivery.scope)
          .AddBytes(sealed_payload)
          .Add(*crypto::Sealer::KeyIdOf(sealed_payload))
          .Add(delivery.mode == DeliveryMode::kPush ? "pending" : "available")
          .Add(now));
  if (!inserted.ok()) return Fail(StoreBackendError(inserted.error()));
  return Ok{};
}

Result<Ok, StoreError> PostgresStore::ApplyTimers(Writer& w, const Acceptance& acceptance,
                                                  std::int64_t now) {
  PgConnection& conn = w.conn();
  const std::string& message_id = acceptance.message.id;
  if (acceptance.fires_timer) {
    auto fired = conn.Query(
        "UPDATE timers SET state = 'fired', finished_at = $2, message_id = $3,"
        " lease_until = NULL, lease_holder = NULL WHERE id = $1 AND state = 'armed'",
        PgParams().Add(*acceptance.fires_timer).Add(now).Add(message_id));
    if (!fired.ok()) return Fail(StoreBackendError(fired.error()));
    if (fired->affected() != 1) {
      return Fail(StoreError{StoreErrorKind::kDuplicate, "the timer is no longer armed"});
    }
  }
  for (const TimerCancel& c : acceptance.cancel_timers) {
    auto cancelled = conn.Query(
        "UPDATE timers SET state = 'cancelled', finished_at = $3, message_id = $4,"
        " lease_until = NULL, lease_holder = NULL"
        " WHERE subject = $1 AND kind = $2 AND state = 'armed'",
        PgParams().Add(c.subject).Add(c.kind).Add(now).Add(message_id));
    if (!cancelled.ok()) return Fail(StoreBackendError(cancelled.error()));
  }
  // An armed timer takes the new due time and source; a fired or
  // cancelled one stays as it is.
  for (const Timer& t : acceptance.arm_timers) {
    auto armed = conn.Query(
        "INSERT INTO timers (id, subject, kind, due_at, spec, source_message_id, state, armed_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, 'armed', $7)"
        " ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, spec = excluded.spec,"
        " source_message_id = excluded.source_message_id WHERE timers.state = 'armed'",
        PgParams()
            .Add(t.id)
            .Add(t.subject)
            .Add(t.kind)
            .Add(ToSeconds(t.due_at))
            .Add(t.spec_json)
            .Add(t.source_message_id)
            .Add(now));
    if (!armed.ok()) return Fail(StoreBackendError(armed.error()));
  }
  return Ok{};
}

Result<Ok, StoreError> PostgresStore::CancelTimers(Writer& w, const std::string& subject,
                                                   std::initializer_list<std::string_view> kinds,
                                                   std::int64_t at) {
  for (std::string_view kind : kinds) {
    auto cancelled = w.conn().Query(
        "UPDATE timers SET state = 'cancelled', finished_at = $3, lease_until = NULL,"
        " lease_holder = NULL WHERE subject = $1 AND kind = $2 AND state = 'armed'",
        PgParams().Add(subject).Add(kind).Add(at));
    if (!cancelled.ok()) return Fail(StoreBackendError(cancelled.error()));
  }
  return Ok{};
}

Result<std::vector<ClaimedDelivery>, StoreError> PostgresStore::ClaimDueDeliveries(
    model::Timestamp now, model::Timestamp lease_until, int limit) {
  return Claim([&](PgConnection& conn) -> Result<std::vector<ClaimedDelivery>, StoreError> {
    // First in line: no earlier delivery with the same ordering key is
    // still pending. SKIP LOCKED passes over rows another replica is
    // claiming this instant; its lease then keeps them.
    auto rows = conn.Query(
        "WITH due AS (SELECT o.seq FROM outbox o"
        " WHERE o.state = 'pending' AND o.mode = 'push' AND o.next_attempt_at <= $1"
        " AND (o.lease_until IS NULL OR o.lease_until <= $1)"
        " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.ordering_key = o.ordering_key"
        "                 AND p.seq < o.seq AND p.state = 'pending')"
        " ORDER BY o.seq LIMIT $2 FOR UPDATE OF o SKIP LOCKED)"
        " UPDATE outbox t SET lease_until = $3, lease_holder = $4 FROM due WHERE t.seq = due.seq"
        " RETURNING t.seq, t.id, t.message_id, t.recipient, t.ordering_key, t.format,"
        " t.content_type, t.scope, t.payload, t.attempts, t.created_at",
        PgParams()
            .Add(ToSeconds(now))
            .Add(limit)
            .Add(ToSeconds(lease_until))
            .Add(options_.replica));
    if (!rows.ok()) return Fail(StoreBackendError(rows.error()));
    std::vector<std::pair<std::int64_t, ClaimedDelivery>> claimed;
    claimed.reserve(static_cast<std::size_t>(rows->rows()));
    for (int r = 0; r < rows->rows(); ++r) {
      ClaimedDelivery c;
      c.delivery.id = rows->Text(r, 1);
      c.delivery.message_id = rows->Text(r, 2);
      c.delivery.recipient = rows->Text(r, 3);
      c.delivery.ordering_key = rows->Text(r, 4);
      c.delivery.mode = DeliveryMode::kPush;
      c.delivery.format = rows->Text(r, 5);
      c.delivery.content_type = rows->Text(r, 6);
      c.delivery.scope = rows->Text(r, 7);
      auto payload =
          sealer_->Open(c.delivery.scope, rows->Bytes(r, 8), DeliveryBinding(c.delivery.id));
      if (!payload.ok()) return Fail(SealingError(payload.error()));
      c.delivery.payload = std::move(*payload);
      c.attempts = static_cast<int>(rows->Int(r, 9));
      c.created_at = FromSeconds(rows->Int(r, 10));
      claimed.emplace_back(rows->Int(r, 0), std::move(c));
    }
    // RETURNING keeps no order: put them back in line.
    std::sort(claimed.begin(), claimed.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<ClaimedDelivery> ordered;
    ordered.reserve(claimed.size());
    for (auto& [seq, c] : claimed) ordered.push_back(std::move(c));
    return ordered;
  });
}

Result<Ok, StoreError> PostgresStore::RecordAttempt(const AttemptOutcome& outcome) {
  return Write([&](Writer& w) { return RecordAttemptOne(w, outcome); });
}

std::vector<Result<Ok, StoreError>> PostgresStore::RecordAttempts(
    std::span<const AttemptOutcome> outcomes) {
  return EachInSavepoint(
      outcomes.size(), [&](Writer& w, std::size_t i) { return RecordAttemptOne(w, outcomes[i]); });
}

Result<Ok, StoreError> PostgresStore::RecordAttemptOne(Writer& w, const AttemptOutcome& outcome) {
  const std::int64_t at = ToSeconds(outcome.at);
  const std::string& id = outcome.delivery_id;
  Result<PgResult, PgError> updated = Fail(PgError{});
  PgConnection& conn = w.conn();
  switch (outcome.kind) {
    case AttemptOutcome::Kind::kDelivered:
      updated = conn.Query(
          "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, finished_at = $2,"
          " lease_until = NULL, lease_holder = NULL, last_error = NULL"
          " WHERE id = $1 AND state = 'pending'",
          PgParams().Add(id).Add(at));
      break;
    case AttemptOutcome::Kind::kRetry:
      updated = conn.Query(
          "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3,"
          " lease_until = NULL, lease_holder = NULL WHERE id = $1 AND state = 'pending'",
          PgParams().Add(id).Add(ToSeconds(outcome.next_attempt_at)).Add(outcome.error));
      break;
    case AttemptOutcome::Kind::kDeferred:
      updated = conn.Query(
          "UPDATE outbox SET next_attempt_at = $2, last_error = $3,"
          " lease_until = NULL, lease_holder = NULL WHERE id = $1 AND state = 'pending'",
          PgParams().Add(id).Add(ToSeconds(outcome.next_attempt_at)).Add(outcome.error));
      break;
    case AttemptOutcome::Kind::kDead:
      updated = conn.Query(
          "UPDATE outbox SET state = 'dead', attempts = attempts + 1, finished_at = $2,"
          " last_error = $3, lease_until = NULL, lease_holder = NULL"
          " WHERE id = $1 AND state = 'pending'",
          PgParams().Add(id).Add(at).Add(outcome.error));
      break;
    case AttemptOutcome::Kind::kExpired:
      updated = conn.Query(
          "UPDATE outbox SET state = 'dead', finished_at = $2, last_error = $3"
          " WHERE id = $1 AND state = 'available'",
          PgParams().Add(id).Add(at).Add(outcome.error));
      break;
  }
  if (!updated.ok()) return Fail(StoreBackendError(updated.error()));
  if (updated->affected() != 1) {
    return Fail(
        StoreError{StoreErrorKind::kNotFound, outcome.kind == AttemptOutcome::Kind::kExpired
                                                  ? "no unacknowledged mailbox item with that id"
                                                  : "no pending delivery with that id"});
  }
  if (outcome.kind == AttemptOutcome::Kind::kDelivered) {
    if (auto cancelled = CancelTimers(w, id, {"urgent_ack_transport"}, at); !cancelled.ok()) {
      return cancelled;
    }
  }
  for (const Delivery& notice : outcome.notices) {
    if (auto added = InsertDelivery(w, notice, at); !added.ok()) return added;
  }
  return w.AppendAll(outcome.audit, at);
}

Result<std::vector<ClaimedDelivery>, StoreError> PostgresStore::ListExpiredMailboxItems(
    model::Timestamp created_before, int limit) {
  return Read([&](PgConnection& conn) -> Result<std::vector<ClaimedDelivery>, StoreError> {
    auto rows = conn.Query(
        "SELECT id, message_id, recipient, ordering_key, format, content_type, scope, attempts,"
        " created_at FROM outbox WHERE state = 'available' AND created_at < $1"
        " ORDER BY seq LIMIT $2",
        PgParams().Add(ToSeconds(created_before)).Add(limit));
    if (!rows.ok()) return Fail(StoreBackendError(rows.error()));
    std::vector<ClaimedDelivery> items;
    for (int r = 0; r < rows->rows(); ++r) {
      ClaimedDelivery c;
      c.delivery.id = rows->Text(r, 0);
      c.delivery.message_id = rows->Text(r, 1);
      c.delivery.recipient = rows->Text(r, 2);
      c.delivery.ordering_key = rows->Text(r, 3);
      c.delivery.mode = DeliveryMode::kMailbox;
      c.delivery.format = rows->Text(r, 4);
      c.delivery.content_type = rows->Text(r, 5);
      c.delivery.scope = rows->Text(r, 6);
      c.attempts = static_cast<int>(rows->Int(r, 7));
      c.created_at = FromSeconds(rows->Int(r, 8));
      items.push_back(std::move(c));
    }
    return items;
  });
}

Result<Ok, StoreError> PostgresStore::RecordAudit(const std::vector<AuditRecord>& records,
                                                  model::Timestamp at) {
  return Write([&](Writer& w) { return w.AppendAll(records, ToSeconds(at)); });
}

Result<std::optional<std::string>, StoreError> PostgresStore::FindMessageSender(
    const std::string& message_id) {
  return Read([&](PgConnection& conn) {
    return FirstText(
        conn.Query("SELECT sender FROM messages WHERE id = $1", PgParams().Add(message_id)));
  });
}

Result<std::vector<MailboxItem>, StoreError> PostgresStore::ListMailbox(
    const std::string& recipient, const MailboxQuery& query) {
  return Read([&](PgConnection& conn) -> Result<std::vector<MailboxItem>, StoreError> {
    std::int64_t after_seq = 0;
    if (query.after) {
      auto cursor =
          conn.Query("SELECT seq FROM outbox WHERE id = $1 AND recipient = $2 AND mode = 'mailbox'",
                     PgParams().Add(*query.after).Add(recipient));
      if (!cursor.ok()) return Fail(StoreBackendError(cursor.error()));
      // Another agency's item is indistinguishable from no item.
      if (cursor->rows() == 0) {
        return Fail(
            StoreError{StoreErrorKind::kNotFound, "no such mailbox item to continue after"});
      }
      after_seq = cursor->Int(0, 0);
    }
    auto rows = conn.Query(
        "SELECT id, message_id, content_type, created_at FROM outbox"
        " WHERE recipient = $1 AND mode = 'mailbox' AND state = 'available' AND seq > $3"
        " ORDER BY seq LIMIT $2",
        PgParams().Add(recipient).Add(query.limit).Add(after_seq));
    if (!rows.ok()) return Fail(StoreBackendError(rows.error()));
    std::vector<MailboxItem> items;
    for (int r = 0; r < rows->rows(); ++r) {
      items.push_back(MailboxItem{rows->Text(r, 0), rows->Text(r, 1), rows->Text(r, 2),
                                  FromSeconds(rows->Int(r, 3)), ""});
    }
    return items;
  });
}

Result<MailboxItem, StoreError> PostgresStore::FetchMailboxItem(const std::string& recipient,
                                                                const std::string& delivery_id,
                                                                std::vector<AuditRecord> audit) {
  return Write([&](Writer& w) -> Result<MailboxItem, StoreError> {
    auto row = w.conn().Query(
        "SELECT message_id, content_type, created_at, scope, payload FROM outbox"
        " WHERE id = $1 AND recipient = $2 AND mode = 'mailbox' AND state = 'available'",
        PgParams().Add(delivery_id).Add(recipient));
    if (!row.ok()) return Fail(StoreBackendError(row.error()));
    if (row->rows() == 0)
      return Fail(StoreError{StoreErrorKind::kNotFound, "no such mailbox item"});
    auto payload = sealer_->Open(row->Text(0, 3), row->Bytes(0, 4), DeliveryBinding(delivery_id));
    if (!payload.ok()) return Fail(SealingError(payload.error()));
    MailboxItem item{delivery_id, row->Text(0, 0), row->Text(0, 1), FromSeconds(row->Int(0, 2)),
                     std::move(*payload)};
    if (auto appended = w.AppendAll(audit, ToSeconds(item.created_at)); !appended.ok()) {
      return Fail(appended.error());
    }
    return item;
  });
}

Result<Ok, StoreError> PostgresStore::AcknowledgeMailboxItem(const std::string& recipient,
                                                             const std::string& delivery_id,
                                                             model::Timestamp at,
                                                             std::vector<AuditRecord> audit) {
  return Write([&](Writer& w) -> Result<Ok, StoreError> {
    auto state = w.conn().Query(
        "SELECT state FROM outbox WHERE id = $1 AND recipient = $2 AND mode = 'mailbox'"
        " FOR UPDATE",
        PgParams().Add(delivery_id).Add(recipient));
    if (!state.ok()) return Fail(StoreBackendError(state.error()));
    if (state->rows() == 0)
      return Fail(StoreError{StoreErrorKind::kNotFound, "no such mailbox item"});
    const std::string current = state->Text(0, 0);
    if (current == "acked") return Ok{};  // acknowledging twice is harmless
    if (current != "available") {
      return Fail(StoreError{StoreErrorKind::kNotFound, "the item is no longer in the mailbox"});
    }
    auto acked = w.conn().Query("UPDATE outbox SET state = 'acked', finished_at = $2 WHERE id = $1",
                                PgParams().Add(delivery_id).Add(ToSeconds(at)));
    if (!acked.ok()) return Fail(StoreBackendError(acked.error()));
    if (auto cancelled = CancelTimers(w, delivery_id, {"urgent_ack_transport"}, ToSeconds(at));
        !cancelled.ok()) {
      return cancelled;
    }
    return w.AppendAll(audit, ToSeconds(at));
  });
}

Result<std::vector<ClaimedTimer>, StoreError> PostgresStore::ClaimDueTimers(
    model::Timestamp now, model::Timestamp lease_until, int limit) {
  return Claim([&](PgConnection& conn) -> Result<std::vector<ClaimedTimer>, StoreError> {
    auto rows = conn.Query(
        "WITH due AS (SELECT id FROM timers WHERE state = 'armed' AND due_at <= $1"
        " AND (lease_until IS NULL OR lease_until <= $1)"
        " ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)"
        " UPDATE timers t SET lease_until = $3, lease_holder = $4, attempts = t.attempts + 1"
        " FROM due WHERE t.id = due.id"
        " RETURNING t.id, t.subject, t.kind, t.due_at, t.spec, t.source_message_id, t.attempts",
        PgParams()
            .Add(ToSeconds(now))
            .Add(limit)
            .Add(ToSeconds(lease_until))
            .Add(options_.replica));
    if (!rows.ok()) return Fail(StoreBackendError(rows.error()));
    std::vector<ClaimedTimer> claimed;
    for (int r = 0; r < rows->rows(); ++r) {
      ClaimedTimer c;
      c.timer.id = rows->Text(r, 0);
      c.timer.subject = rows->Text(r, 1);
      c.timer.kind = rows->Text(r, 2);
      c.timer.due_at = FromSeconds(rows->Int(r, 3));
      c.timer.spec_json = rows->Text(r, 4);
      c.timer.source_message_id = rows->Text(r, 5);
      c.attempts = static_cast<int>(rows->Int(r, 6)) - 1;  // RETURNING shows the new count
      claimed.push_back(std::move(c));
    }
    // In due order, as they were chosen (RETURNING keeps no order).
    std::sort(claimed.begin(), claimed.end(), [](const ClaimedTimer& a, const ClaimedTimer& b) {
      return std::tie(a.timer.due_at, a.timer.id) < std::tie(b.timer.due_at, b.timer.id);
    });
    return claimed;
  });
}

Result<Ok, StoreError> PostgresStore::FinishTimer(const std::string& timer_id, TimerState state,
                                                  const std::string& note, model::Timestamp at,
                                                  std::vector<AuditRecord> audit) {
  return Write([&](Writer& w) -> Result<Ok, StoreError> {
    auto finished = w.conn().Query(
        "UPDATE timers SET state = $2, finished_at = $3, note = $4, lease_until = NULL,"
        " lease_holder = NULL WHERE id = $1 AND state = 'armed'",
        PgParams().Add(timer_id).Add(TimerStateName(state)).Add(ToSeconds(at)).Add(note));
    if (!finished.ok()) return Fail(StoreBackendError(finished.error()));
    if (finished->affected() != 1) {
      return Fail(StoreError{StoreErrorKind::kNotFound, "no armed timer with that id"});
    }
    return w.AppendAll(audit, ToSeconds(at));
  });
}

Result<Ok, StoreError> PostgresStore::FireTimerWithDeliveries(const std::string& timer_id,
                                                              model::Timestamp at,
                                                              std::vector<Delivery> deliveries,
                                                              std::vector<Timer> arm,
                                                              std::vector<AuditRecord> audit) {
  return Write([&](Writer& w) -> Result<Ok, StoreError> {
    const std::int64_t now = ToSeconds(at);
    auto fired = w.conn().Query(
        "UPDATE timers SET state = 'fired', finished_at = $2, lease_until = NULL,"
        " lease_holder = NULL WHERE id = $1 AND state = 'armed'",
        PgParams().Add(timer_id).Add(now));
    if (!fired.ok()) return Fail(StoreBackendError(fired.error()));
    if (fired->affected() != 1) {
      return Fail(StoreError{StoreErrorKind::kDuplicate, "the timer is no longer armed"});
    }
    for (const Delivery& delivery : deliveries) {
      if (auto added = InsertDelivery(w, delivery, now); !added.ok()) return added;
    }
    Acceptance arming;
    arming.arm_timers = std::move(arm);
    if (auto armed = ApplyTimers(w, arming, now); !armed.ok()) return armed;
    return w.AppendAll(audit, now);
  });
}

Result<std::vector<TimerRecord>, StoreError> PostgresStore::ListTimers(const std::string& subject) {
  return Read([&](PgConnection& conn) -> Result<std::vector<TimerRecord>, StoreError> {
    auto rows = conn.Query(
        "SELECT id, kind, due_at, spec, source_message_id, state, armed_at, finished_at,"
        " message_id, note FROM timers WHERE subject = $1 ORDER BY due_at, id",
        PgParams().Add(subject));
    if (!rows.ok()) return Fail(StoreBackendError(rows.error()));
    std::vector<TimerRecord> timers;
    for (int r = 0; r < rows->rows(); ++r) {
      timers.push_back(TimerRecordAt(*rows, r, 0, subject));
    }
    return timers;
  });
}

Result<int, StoreError> PostgresStore::CountChildEpisodes(const std::string& child_key,
                                                          model::Timestamp from,
                                                          model::Timestamp to,
                                                          const std::string& except, int at_most) {
  return Read([&](PgConnection& conn) -> Result<int, StoreError> {
    auto count = conn.Query(
        "SELECT COUNT(*) FROM (SELECT 1 FROM episodes WHERE child_key = $1"
        " AND missing_since BETWEEN $2 AND $3 AND police_ref <> $4 LIMIT $5) AS counted",
        PgParams()
            .Add(child_key)
            .Add(ToSeconds(from))
            .Add(ToSeconds(to))
            .Add(except)
            .Add(at_most < 0 ? 0 : at_most));
    if (!count.ok()) return Fail(StoreBackendError(count.error()));
    return static_cast<int>(count->Int(0, 0));
  });
}

Result<std::string, StoreError> PostgresStore::LoadMessageCanonical(const std::string& message_id) {
  return Read([&](PgConnection& conn) -> Result<std::string, StoreError> {
    auto row = conn.Query("SELECT payload FROM messages WHERE id = $1", PgParams().Add(message_id));
    if (!row.ok()) return Fail(StoreBackendError(row.error()));
    if (row->rows() == 0) return Fail(StoreError{StoreErrorKind::kNotFound, "no such message"});
    auto opened = sealer_->Open(kInboundScope, row->Bytes(0, 0), MessageBinding(message_id));
    if (!opened.ok()) return Fail(SealingError(opened.error()));
    return std::move(*opened);
  });
}

Result<Ok, StoreError> PostgresStore::RecordAction(const std::string& recipient,
                                                   const std::string& delivery_id,
                                                   const BusinessAction& action,
                                                   std::vector<AuditRecord> audit) {
  return Write([&](Writer& w) -> Result<Ok, StoreError> {
    auto state = w.conn().Query(
        "SELECT state, actioned_at IS NOT NULL FROM outbox WHERE id = $1 AND recipient = $2"
        " FOR UPDATE",
        PgParams().Add(delivery_id).Add(recipient));
    if (!state.ok()) return Fail(StoreBackendError(state.error()));
    if (state->rows() == 0) return Fail(StoreError{StoreErrorKind::kNotFound, "no such delivery"});
    const std::string current = state->Text(0, 0);
    if (current != "delivered" && current != "available" && current != "acked") {
      return Fail(StoreError{StoreErrorKind::kNotFound, "the copy has not been delivered"});
    }
    if (state->Bool(0, 1)) return Ok{};  // the first action stands
    nlohmann::json body = {{"team", action.team}};
    if (action.reference) body["reference"] = *action.reference;
    auto updated =
        w.conn().Query("UPDATE outbox SET actioned_at = $2, action = $3 WHERE id = $1",
                       PgParams().Add(delivery_id).Add(ToSeconds(action.at)).Add(body.dump()));
    if (!updated.ok()) return Fail(StoreBackendError(updated.error()));
    if (auto cancelled = CancelTimers(
            w, delivery_id, {"urgent_ack_transport", "urgent_ack_business"}, ToSeconds(action.at));
        !cancelled.ok()) {
      return cancelled;
    }
    return w.AppendAll(audit, ToSeconds(action.at));
  });
}

Result<Delivery, StoreError> PostgresStore::OpenDeliveryRow(const PgResult& rows, int r,
                                                            const std::string& delivery_id) const {
  Delivery d;
  d.id = delivery_id;
  d.message_id = rows.Text(r, 0);
  d.recipient = rows.Text(r, 1);
  d.ordering_key = rows.Text(r, 2);
  d.mode = rows.Text(r, 3) == "push" ? DeliveryMode::kPush : DeliveryMode::kMailbox;
  d.format = rows.Text(r, 4);
  d.content_type = rows.Text(r, 5);
  d.scope = rows.Text(r, 6);
  if (rows.IsNull(r, 7)) {
    return Fail(StoreError{StoreErrorKind::kSealing, "the copy's payload was shredded"});
  }
  auto payload = sealer_->Open(d.scope, rows.Bytes(r, 7), DeliveryBinding(d.id));
  if (!payload.ok()) return Fail(SealingError(payload.error()));
  d.payload = std::move(*payload);
  return d;
}

Result<std::optional<Delivery>, StoreError> PostgresStore::LoadDelivery(
    const std::string& delivery_id) {
  return Read([&](PgConnection& conn) -> Result<std::optional<Delivery>, StoreError> {
    auto row = conn.Query(
        "SELECT message_id, recipient, ordering_key, mode, format, content_type, scope, payload"
        " FROM outbox WHERE id = $1",
        PgParams().Add(delivery_id));
    if (!row.ok()) return Fail(StoreBackendError(row.error()));
    if (row->rows() == 0) return std::optional<Delivery>();
    auto d = OpenDeliveryRow(*row, 0, delivery_id);
    if (!d.ok()) return Fail(d.error());
    return std::optional<Delivery>(std::move(*d));
  });
}

Result<std::vector<RecipientQueue>, StoreError> PostgresStore::ListRecipientQueues() {
  return Read([&](PgConnection& conn) -> Result<std::vector<RecipientQueue>, StoreError> {
    // One pass over the outbox, one snapshot for every count. Ordered by
    // code point (COLLATE "C"), as SQLite orders, whatever the database's
    // locale.
    auto rows = conn.Query(
        "SELECT recipient,"
        " count(*) FILTER (WHERE state = 'pending'),"
        " min(created_at) FILTER (WHERE state = 'pending'),"
        " count(*) FILTER (WHERE state = 'available'),"
        " count(*) FILTER (WHERE state = 'dead' AND replayed_as IS NULL),"
        " max(finished_at) FILTER (WHERE state IN ('delivered', 'acked'))"
        " FROM outbox GROUP BY recipient ORDER BY recipient COLLATE \"C\"");
    if (!rows.ok()) return Fail(StoreBackendError(rows.error()));
    std::vector<RecipientQueue> queues;
    queues.reserve(static_cast<std::size_t>(rows->rows()));
    for (int r = 0; r < rows->rows(); ++r) {
      RecipientQueue q;
      q.recipient = rows->Text(r, 0);
      q.pending = static_cast<int>(rows->Int(r, 1));
      if (!rows->IsNull(r, 2)) q.oldest_pending = FromSeconds(rows->Int(r, 2));
      q.available = static_cast<int>(rows->Int(r, 3));
      q.dead = static_cast<int>(rows->Int(r, 4));
      if (!rows->IsNull(r, 5)) q.last_delivered = FromSeconds(rows->Int(r, 5));
      queues.push_back(std::move(q));
    }
    return queues;
  });
}

Result<std::vector<DeadLetter>, StoreError> PostgresStore::ListDeadLetters(std::size_t limit) {
  return Read([&](PgConnection& conn) -> Result<std::vector<DeadLetter>, StoreError> {
    auto rows = conn.Query(
        "SELECT id, message_id, recipient, format, attempts, last_error, created_at,"
        " finished_at, replayed_as FROM outbox WHERE state = 'dead'"
        " ORDER BY finished_at DESC, seq DESC LIMIT $1",
        PgParams().Add(static_cast<std::int64_t>(
            std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()))));
    if (!rows.ok()) return Fail(StoreBackendError(rows.error()));
    std::vector<DeadLetter> letters;
    letters.reserve(static_cast<std::size_t>(rows->rows()));
    for (int r = 0; r < rows->rows(); ++r) {
      DeadLetter d;
      d.delivery_id = rows->Text(r, 0);
      d.message_id = rows->Text(r, 1);
      d.recipient = rows->Text(r, 2);
      d.format = rows->Text(r, 3);
      d.attempts = static_cast<int>(rows->Int(r, 4));
      d.last_error = rows->OptionalText(r, 5).value_or("");
      d.created_at = FromSeconds(rows->Int(r, 6));
      d.finished_at = FromSeconds(rows->OptionalInt(r, 7).value_or(0));
      d.replayed_as = rows->OptionalText(r, 8);
      letters.push_back(std::move(d));
    }
    return letters;
  });
}

Result<std::vector<UrgentCopy>, StoreError> PostgresStore::ListUrgentCopies(
    const std::string& recipient, model::Timestamp fired_since, std::size_t limit) {
  return Read([&](PgConnection& conn) -> Result<std::vector<UrgentCopy>, StoreError> {
    auto rows = conn.Query(
        "SELECT o.id, o.message_id, o.state, o.created_at, m.kind, m.episode_ref,"
        " t.id, t.kind, t.due_at, t.spec, t.source_message_id, t.state, t.armed_at,"
        " t.finished_at, t.message_id, t.note"
        " FROM outbox o JOIN timers t ON t.subject = o.id"
        " JOIN messages m ON m.id = o.message_id"
        " WHERE o.recipient = $1 AND o.actioned_at IS NULL"
        " AND t.kind IN ('urgent_ack_business', 'urgent_ack_transport')"
        " AND (t.state = 'armed' OR (t.state = 'fired' AND t.finished_at >= $2))"
        " ORDER BY t.due_at, o.id COLLATE \"C\" LIMIT $3",
        PgParams()
            .Add(recipient)
            .Add(ToSeconds(fired_since))
            .Add(static_cast<std::int64_t>(
                std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()))));
    if (!rows.ok()) return Fail(StoreBackendError(rows.error()));
    std::vector<UrgentCopy> copies;
    copies.reserve(static_cast<std::size_t>(rows->rows()));
    for (int r = 0; r < rows->rows(); ++r) {
      UrgentCopy c;
      c.delivery_id = rows->Text(r, 0);
      c.message_id = rows->Text(r, 1);
      c.recipient = recipient;
      c.state = ParseDeliveryState(rows->Text(r, 2)).value_or(DeliveryState::kPending);
      c.created_at = FromSeconds(rows->Int(r, 3));
      c.message_kind = rows->Text(r, 4);
      c.episode_ref = rows->OptionalText(r, 5);
      c.deadline = TimerRecordAt(*rows, r, 6, c.delivery_id);
      copies.push_back(std::move(c));
    }
    return copies;
  });
}

Result<std::vector<CopyRecord>, StoreError> PostgresStore::ListCopiesOfFormat(
    const std::string& format, std::size_t limit) {
  return Read([&](PgConnection& conn) -> Result<std::vector<CopyRecord>, StoreError> {
    auto rows = conn.Query(
        "SELECT message_id, recipient, ordering_key, mode, format, content_type, scope, payload,"
        " id, state, attempts, created_at, finished_at FROM outbox WHERE format = $1"
        " ORDER BY seq DESC LIMIT $2",
        PgParams().Add(format).Add(static_cast<std::int64_t>(
            std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()))));
    if (!rows.ok()) return Fail(StoreBackendError(rows.error()));
    std::vector<CopyRecord> copies;
    copies.reserve(static_cast<std::size_t>(rows->rows()));
    for (int r = 0; r < rows->rows(); ++r) {
      CopyRecord c;
      const std::string id = rows->Text(r, 8);
      auto opened = OpenDeliveryRow(*rows, r, id);
      if (opened.ok()) {
        c.delivery = std::move(*opened);
        c.opened = true;
      } else if (opened.error().kind == StoreErrorKind::kSealing) {
        // Shredded or its key gone: listed, without its contents.
        c.delivery.id = id;
        c.delivery.message_id = rows->Text(r, 0);
        c.delivery.recipient = rows->Text(r, 1);
        c.delivery.format = format;
      } else {
        return Fail(opened.error());
      }
      c.state = ParseDeliveryState(rows->Text(r, 9)).value_or(DeliveryState::kPending);
      c.attempts = static_cast<int>(rows->Int(r, 10));
      c.created_at = FromSeconds(rows->Int(r, 11));
      if (!rows->IsNull(r, 12)) c.finished_at = FromSeconds(rows->Int(r, 12));
      copies.push_back(std::move(c));
    }
    return copies;
  });
}

Result<std::string, StoreError> PostgresStore::ReplayDeadLetter(const std::string& delivery_id,
                                                                const std::string& new_id,
                                                                model::Timestamp now,
                                                                std::vector<AuditRecord> audit) {
  return Write([&](Writer& w) -> Result<std::string, StoreError> {
    // FOR UPDATE: says what this relies on (the row stays dead and
    // unreplayed until it commits) beyond the head lock every writer takes.
    auto row = w.conn().Query(
        "SELECT message_id, recipient, ordering_key, mode, format, content_type, scope, payload,"
        " state, replayed_as FROM outbox WHERE id = $1 FOR UPDATE",
        PgParams().Add(delivery_id));
    if (!row.ok()) return Fail(StoreBackendError(row.error()));
    if (row->rows() == 0 || row->Text(0, 8) != "dead") {
      return Fail(StoreError{StoreErrorKind::kNotFound, "no dead copy with that id"});
    }
    // Replayed before: the operator asked twice (or two asked at once);
    // the first replay stands and nothing changes.
    if (auto replayed = row->OptionalText(0, 9)) return std::move(*replayed);
    // Opened under the dead copy's id, sealed again under the new one.
    auto copy = OpenDeliveryRow(*row, 0, delivery_id);
    if (!copy.ok()) return Fail(copy.error());
    copy->id = new_id;
    const std::int64_t at = ToSeconds(now);
    if (auto added = InsertDelivery(w, *copy, at); !added.ok()) return Fail(added.error());
    auto marked = w.conn().Query("UPDATE outbox SET replayed_as = $2 WHERE id = $1",
                                 PgParams().Add(delivery_id).Add(new_id));
    if (!marked.ok()) return Fail(StoreBackendError(marked.error()));
    if (auto appended = w.AppendAll(audit, at); !appended.ok()) return Fail(appended.error());
    return new_id;
  });
}

Result<Store::ReleasedLeases, StoreError> PostgresStore::ReleaseLeases() {
  return Claim([&](PgConnection& conn) -> Result<ReleasedLeases, StoreError> {
    ReleasedLeases released;
    auto deliveries = conn.Query(
        "UPDATE outbox SET lease_until = NULL, lease_holder = NULL"
        " WHERE state = 'pending' AND lease_holder = $1",
        PgParams().Add(options_.replica));
    if (!deliveries.ok()) return Fail(StoreBackendError(deliveries.error()));
    released.deliveries = deliveries->affected();
    auto timers = conn.Query(
        "UPDATE timers SET lease_until = NULL, lease_holder = NULL"
        " WHERE state = 'armed' AND lease_holder = $1",
        PgParams().Add(options_.replica));
    if (!timers.ok()) return Fail(StoreBackendError(timers.error()));
    released.timers = timers->affected();
    return released;
  });
}

namespace {

// The episodes a report query chooses, as a CTE the three reads share.
constexpr std::string_view kChosenEpisodes =
    "WITH chosen AS (SELECT police_ref FROM episodes"
    " WHERE COALESCE(missing_since, updated_at) >= $2 AND COALESCE(missing_since, updated_at) < $3"
    " AND (host_la = $1 OR placing_la = $1 OR police_ref IN"
    " (SELECT episode_ref FROM messages WHERE sender = $1 AND episode_ref IS NOT NULL))) ";

}  // namespace

Result<ReportRecords, StoreError> PostgresStore::LoadReportRecords(const ReportQuery& query) {
  std::vector<std::string> sealed;
  auto records = Read([&](PgConnection& conn) -> Result<ReportRecords, StoreError> {
    // One snapshot for the three reads, taken beside the writers.
    if (auto begun = conn.Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun.ok()) {
      return Fail(StoreBackendError(begun.error()));
    }
    struct EndRead {
      PgConnection& conn;
      ~EndRead() { (void)conn.Execute("COMMIT"); }
    } end_read{conn};
    const auto params = [&] {
      return PgParams().Add(query.agency).Add(ToSeconds(query.from)).Add(ToSeconds(query.to));
    };
    ReportRecords out;
    auto episodes = conn.Query(std::string(kChosenEpisodes) +
                                   "SELECT e.police_ref, e.state, e.child_key, e.placing_la,"
                                   " e.host_la, COALESCE(e.missing_since, e.updated_at) AS since"
                                   " FROM episodes e JOIN chosen USING (police_ref)"
                                   " ORDER BY since, e.police_ref",
                               params());
    if (!episodes.ok()) return Fail(StoreBackendError(episodes.error()));
    for (int r = 0; r < episodes->rows(); ++r) {
      ReportRecords::Episode e;
      e.police_ref = episodes->Text(r, 0);
      e.state = episodes->Text(r, 1);
      e.child_key = episodes->OptionalText(r, 2);
      e.placing_la = episodes->OptionalText(r, 3);
      e.host_la = episodes->OptionalText(r, 4);
      e.missing_since = FromSeconds(episodes->Int(r, 5));
      out.episodes.push_back(std::move(e));
    }
    auto messages = conn.Query(
        std::string(kChosenEpisodes) +
            "SELECT id, sender, kind, episode_ref, received_at, payload FROM messages"
            " WHERE episode_ref IN (SELECT police_ref FROM chosen)"
            " UNION ALL SELECT m.id, m.sender, m.kind, m.episode_ref, m.received_at, m.payload"
            " FROM child_links c JOIN messages m ON m.id = c.message_id"
            " WHERE c.child_key IN (SELECT child_key FROM episodes"
            "   WHERE police_ref IN (SELECT police_ref FROM chosen))"
            " ORDER BY 5, 1",
        params());
    if (!messages.ok()) return Fail(StoreBackendError(messages.error()));
    for (int r = 0; r < messages->rows(); ++r) {
      ReportRecords::Message m;
      m.id = messages->Text(r, 0);
      m.sender = messages->Text(r, 1);
      m.kind = messages->Text(r, 2);
      m.episode_ref = messages->OptionalText(r, 3);
      m.received_at = FromSeconds(messages->Int(r, 4));
      sealed.push_back(messages->Bytes(r, 5));
      out.messages.push_back(std::move(m));
    }
    // Only the police's missing reports: what "police report to council
    // copy available" measures.
    auto copies =
        conn.Query(std::string(kChosenEpisodes) +
                       "SELECT o.message_id, o.recipient,"
                       " CASE WHEN o.mode = 'mailbox' THEN o.created_at ELSE o.finished_at END"
                       " FROM outbox o JOIN messages m ON m.id = o.message_id"
                       " WHERE m.episode_ref IN (SELECT police_ref FROM chosen)"
                       " AND m.kind = 'missing_reported'"
                       " AND ((o.mode = 'mailbox' AND o.state IN ('available', 'acked'))"
                       "   OR (o.mode = 'push' AND o.state = 'delivered'))"
                       " ORDER BY o.seq",
                   params());
    if (!copies.ok()) return Fail(StoreBackendError(copies.error()));
    for (int r = 0; r < copies->rows(); ++r) {
      if (copies->IsNull(r, 2)) continue;
      out.copies.push_back(
          {copies->Text(r, 0), copies->Text(r, 1), FromSeconds(copies->Int(r, 2))});
    }
    return out;
  });
  if (!records.ok()) return records;
  for (std::size_t i = 0; i < records->messages.size(); ++i) {
    ReportRecords::Message& m = records->messages[i];
    auto opened = sealer_->Open(kInboundScope, sealed[i], MessageBinding(m.id));
    if (opened.ok()) m.canonical_json = std::move(*opened);
  }
  return records;
}

Result<MessageStatus, StoreError> PostgresStore::GetMessageStatus(const std::string& sender,
                                                                  const std::string& message_id) {
  return Read([&](PgConnection& conn) -> Result<MessageStatus, StoreError> {
    auto message =
        conn.Query("SELECT kind, received_at, answer FROM messages WHERE id = $1 AND sender = $2",
                   PgParams().Add(message_id).Add(sender));
    if (!message.ok()) return Fail(StoreBackendError(message.error()));
    // Another agency's message is indistinguishable from no message.
    if (message->rows() == 0) return Fail(StoreError{StoreErrorKind::kNotFound, "no such message"});
    MessageStatus status;
    status.message_id = message_id;
    status.kind = message->Text(0, 0);
    status.received_at = FromSeconds(message->Int(0, 1));
    status.answer_json = message->Text(0, 2);
    auto rows = conn.Query(
        "SELECT recipient, id, state, attempts, last_error, actioned_at, action FROM outbox"
        " WHERE message_id = $1 ORDER BY seq",
        PgParams().Add(message_id));
    if (!rows.ok()) return Fail(StoreBackendError(rows.error()));
    for (int r = 0; r < rows->rows(); ++r) {
      MessageStatus::Recipient recipient;
      recipient.recipient = rows->Text(r, 0);
      recipient.delivery_id = rows->Text(r, 1);
      recipient.state = ParseDeliveryState(rows->Text(r, 2)).value_or(DeliveryState::kPending);
      recipient.attempts = static_cast<int>(rows->Int(r, 3));
      recipient.last_error = rows->OptionalText(r, 4);
      if (!rows->IsNull(r, 5)) {
        const auto action = nlohmann::json::parse(rows->Text(r, 6), nullptr, false);
        if (action.is_object()) {
          BusinessAction a;
          a.at = FromSeconds(rows->Int(r, 5));
          a.team = action.value("team", "");
          if (action.contains("reference")) a.reference = action.value("reference", "");
          recipient.action = std::move(a);
        }
      }
      status.recipients.push_back(std::move(recipient));
    }
    return status;
  });
}

Result<audit::Checkpoint, StoreError> PostgresStore::AppendCheckpoint(
    const audit::CheckpointSigner& signer, model::Timestamp now) {
  return Write([&](Writer& w) -> Result<audit::Checkpoint, StoreError> {
    auto checkpoint = AppendCheckpointHoldingHead(w.conn(), w.head().seq, signer, now);
    if (!checkpoint.ok())
      return Fail(StoreError{StoreErrorKind::kBackend, checkpoint.error().detail});
    return *checkpoint;
  });
}

Result<Ok, StoreError> PostgresStore::HoldName() {
  std::lock_guard lock(name_mutex_);
  auto held = name_lock_.Query("SELECT 1");
  if (held.ok()) return Ok{};
  if (!held.error().connection_lost()) return Fail(StoreBackendError(held.error()));
  // The server restarted (or dropped the session): the lock went with the
  // session, so it is taken again on a new one, unless another process of
  // the same name took it meanwhile.
  if (auto reset = name_lock_.Reset(); !reset.ok()) return Fail(StoreBackendError(reset.error()));
  return TakeName(name_lock_, options_.replica);
}

Result<Ok, StoreError> PostgresStore::Ping() {
  if (auto held = HoldName(); !held.ok()) return held;
  return Read([](PgConnection& conn) -> Result<Ok, StoreError> {
    if (auto answered = conn.Query("SELECT 1"); !answered.ok()) {
      return Fail(StoreBackendError(answered.error()));
    }
    return Ok{};
  });
}

}  // namespace isagw::store
