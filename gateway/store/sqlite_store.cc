#include "gateway/store/sqlite_store.h"

#include <sqlite3.h>

#include "gateway/audit/audit_chain.h"
#include "gateway/store/sqlite_schema.h"

namespace isagw::store {
namespace {

constexpr const char* kInboundScope = "inbound";

StoreError Backend(const SqliteError& e) { return {StoreErrorKind::kBackend, e.message}; }

std::int64_t Seconds(model::Timestamp t) { return t.time_since_epoch().count(); }

std::string_view ModeName(DeliveryMode mode) {
  return mode == DeliveryMode::kPush ? "push" : "mailbox";
}

// Runs a one-column lookup and returns the text of the first row, if any.
Result<std::optional<std::string>, StoreError> FirstText(Result<SqliteStatement, SqliteError> query) {
  if (!query.ok()) return Fail(Backend(query.error()));
  auto row = query->Step();
  if (!row.ok()) return Fail(Backend(row.error()));
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->ColumnText(0));
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
  return Prepare(SqliteDatabase::Open(path), std::move(sealer));
}

Result<std::unique_ptr<SqliteStore>, StoreError> SqliteStore::OpenInMemory(
    std::shared_ptr<const crypto::Sealer> sealer) {
  return Prepare(SqliteDatabase::OpenInMemory(), std::move(sealer));
}

Result<std::optional<std::string>, StoreError> SqliteStore::FindAnswerByIdempotencyKey(
    const std::string& sender, const std::string& key) {
  std::lock_guard lock(mutex_);
  auto query = db_.Prepare("SELECT answer FROM messages WHERE sender = ?1 AND idempotency_key = ?2");
  if (query.ok()) query->Bind(1, std::string_view(sender)).Bind(2, std::string_view(key));
  return FirstText(std::move(query));
}

Result<std::optional<std::string>, StoreError> SqliteStore::FindAnswerByPoliceRecord(
    const std::string& police_ref, int record_version) {
  std::lock_guard lock(mutex_);
  auto query =
      db_.Prepare("SELECT answer FROM messages WHERE police_ref = ?1 AND record_version = ?2");
  if (query.ok()) {
    query->Bind(1, std::string_view(police_ref)).Bind(2, static_cast<std::int64_t>(record_version));
  }
  return FirstText(std::move(query));
}

Result<std::optional<EpisodeRecord>, StoreError> SqliteStore::LoadEpisode(
    const std::string& police_ref) {
  std::lock_guard lock(mutex_);
  auto query = db_.Prepare(
      "SELECT state, latest_record_version, child_key, placing_la, host_la, snapshot"
      " FROM episodes WHERE police_ref = ?1");
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
  auto snapshot = sealer_->Open(kInboundScope, query->ColumnBlob(5), "episode:" + police_ref);
  if (!snapshot.ok()) {
    return Fail(StoreError{StoreErrorKind::kSealing, std::string(crypto::Describe(snapshot.error()))});
  }
  episode.snapshot_json = std::move(*snapshot);
  return std::optional<EpisodeRecord>(std::move(episode));
}

Result<std::optional<ChildLink>, StoreError> SqliteStore::FindChildLink(
    const std::string& child_key) {
  std::lock_guard lock(mutex_);
  auto query = db_.Prepare(
      "SELECT placing_la, host_la, message_id FROM child_links WHERE child_key = ?1");
  if (!query.ok()) return Fail(Backend(query.error()));
  query->Bind(1, std::string_view(child_key));
  auto row = query->Step();
  if (!row.ok()) return Fail(Backend(row.error()));
  if (!*row) return std::optional<ChildLink>();
  return std::optional<ChildLink>(
      ChildLink{child_key, query->ColumnText(0), query->ColumnOptionalText(1), query->ColumnText(2)});
}

Result<Ok, StoreError> SqliteStore::Commit(const Acceptance& acceptance) {
  std::lock_guard lock(mutex_);
  if (auto begun = db_.Execute("BEGIN IMMEDIATE"); !begun.ok()) return Fail(Backend(begun.error()));
  auto result = CommitLocked(acceptance);
  if (!result.ok()) {
    (void)db_.Execute("ROLLBACK");
    return result;
  }
  if (auto committed = db_.Execute("COMMIT"); !committed.ok()) {
    (void)db_.Execute("ROLLBACK");
    return Fail(Backend(committed.error()));
  }
  return Ok{};
}

Result<Ok, StoreError> SqliteStore::CommitLocked(const Acceptance& acceptance) {
  const InboundMessage& message = acceptance.message;
  const std::int64_t now = Seconds(message.received_at);

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

  auto sealed = sealer_->Seal(kInboundScope, message.canonical_json, "message:" + message.id);
  if (!sealed.ok()) {
    return Fail(StoreError{StoreErrorKind::kSealing, std::string(crypto::Describe(sealed.error()))});
  }
  auto insert = db_.Prepare(
      "INSERT INTO messages (id, sender, idempotency_key, format, kind, police_ref,"
      " record_version, received_at, payload, payload_key, answer)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!insert.ok()) return Fail(Backend(insert.error()));
  insert->Bind(1, std::string_view(message.id))
      .Bind(2, std::string_view(message.sender))
      .Bind(3, message.idempotency_key)
      .Bind(4, std::string_view(message.format))
      .Bind(5, std::string_view(message.kind))
      .Bind(6, message.police_ref)
      .Bind(8, now)
      .BindBlob(9, *sealed)
      .Bind(10, std::string_view(*crypto::Sealer::KeyIdOf(*sealed)))
      .Bind(11, std::string_view(message.answer_json));
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
    auto snapshot =
        sealer_->Seal(kInboundScope, episode.snapshot_json, "episode:" + episode.police_ref);
    if (!snapshot.ok()) {
      return Fail(StoreError{StoreErrorKind::kSealing, std::string(crypto::Describe(snapshot.error()))});
    }
    auto upsert = db_.Prepare(
        "INSERT INTO episodes (police_ref, state, latest_record_version, child_key, placing_la,"
        " host_la, snapshot, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        " ON CONFLICT (police_ref) DO UPDATE SET state = excluded.state,"
        " latest_record_version = excluded.latest_record_version, child_key = excluded.child_key,"
        " placing_la = excluded.placing_la, host_la = excluded.host_la,"
        " snapshot = excluded.snapshot, updated_at = excluded.updated_at");
    if (!upsert.ok()) return Fail(Backend(upsert.error()));
    upsert->Bind(1, std::string_view(episode.police_ref))
        .Bind(2, std::string_view(episode.state))
        .Bind(3, static_cast<std::int64_t>(episode.latest_record_version))
        .Bind(4, episode.child_key)
        .Bind(5, episode.placing_la)
        .Bind(6, episode.host_la)
        .BindBlob(7, *snapshot)
        .Bind(8, now);
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

  auto outbox = db_.Prepare(
      "INSERT INTO outbox (id, message_id, recipient, ordering_key, mode, format, content_type,"
      " scope, payload, payload_key, state, next_attempt_at, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)");
  if (!outbox.ok()) return Fail(Backend(outbox.error()));
  for (const Delivery& delivery : acceptance.deliveries) {
    auto payload = sealer_->Seal(delivery.scope, delivery.payload, "delivery:" + delivery.id);
    if (!payload.ok()) {
      return Fail(StoreError{StoreErrorKind::kSealing, std::string(crypto::Describe(payload.error()))});
    }
    outbox->Bind(1, std::string_view(delivery.id))
        .Bind(2, std::string_view(delivery.message_id))
        .Bind(3, std::string_view(delivery.recipient))
        .Bind(4, std::string_view(delivery.ordering_key))
        .Bind(5, ModeName(delivery.mode))
        .Bind(6, std::string_view(delivery.format))
        .Bind(7, std::string_view(delivery.content_type))
        .Bind(8, std::string_view(delivery.scope))
        .BindBlob(9, *payload)
        .Bind(10, std::string_view(*crypto::Sealer::KeyIdOf(*payload)))
        .Bind(11, std::string_view(delivery.mode == DeliveryMode::kPush ? "pending" : "available"))
        .Bind(12, now);
    if (auto ran = outbox->Run(); !ran.ok()) return Fail(Backend(ran.error()));
  }

  for (const AuditRecord& record : acceptance.audit) {
    if (auto appended = AppendAudit(record, now); !appended.ok()) return appended;
  }
  return Ok{};
}

Result<Ok, StoreError> SqliteStore::AppendAudit(const AuditRecord& record, std::int64_t at) {
  auto last = db_.Prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  if (!last.ok()) return Fail(Backend(last.error()));
  auto row = last->Step();
  if (!row.ok()) return Fail(Backend(row.error()));
  std::int64_t seq = 1;
  audit::ChainHash previous = audit::kGenesisHash;
  if (*row) {
    seq = last->ColumnInt(0) + 1;
    const std::string bytes = last->ColumnBlob(1);
    if (bytes.size() != previous.size()) {
      return Fail(StoreError{StoreErrorKind::kBackend, "the audit chain head is malformed"});
    }
    std::copy(bytes.begin(), bytes.end(), previous.begin());
  }
  const audit::ChainHash hash = audit::NextHash(previous, seq, at, record.kind, record.body_json);
  auto insert = db_.Prepare(
      "INSERT INTO audit (seq, at, kind, body, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert.ok()) return Fail(Backend(insert.error()));
  const auto as_view = [](const audit::ChainHash& h) {
    return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
  };
  insert->Bind(1, seq)
      .Bind(2, at)
      .Bind(3, std::string_view(record.kind))
      .Bind(4, std::string_view(record.body_json))
      .BindBlob(5, as_view(previous))
      .BindBlob(6, as_view(hash));
  if (auto ran = insert->Run(); !ran.ok()) return Fail(Backend(ran.error()));
  return Ok{};
}

}  // namespace isagw::store
