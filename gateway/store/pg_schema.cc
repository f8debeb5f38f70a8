#include "gateway/store/pg_schema.h"

#include <string>

#include "gateway/store/pg_transaction.h"

namespace isagw::store {

// Released migrations are never edited: add a new one. Version 1 is the
// SQLite schema as of its version 5, in one step (there were no PostgreSQL
// stores before it). Times are seconds since the epoch, UTC, as in SQLite,
// so the two stores' rows compare and export alike.
const std::vector<Migration>& PostgresMigrations() {
  static const std::vector<Migration> migrations = {
      {1, "messages, episodes, child links, outbox, audit, checkpoints, timers", R"sql(
CREATE TABLE messages (
  id              TEXT PRIMARY KEY,
  sender          TEXT NOT NULL,
  idempotency_key TEXT,
  format          TEXT NOT NULL,
  kind            TEXT NOT NULL,
  police_ref      TEXT,
  record_version  BIGINT,
  received_at     BIGINT NOT NULL,
  payload         BYTEA NOT NULL,             -- sealed canonical JSON, scope "inbound"
  payload_key     TEXT NOT NULL,
  answer          TEXT NOT NULL,              -- the 202 body, no personal data
  episode_ref     TEXT
);
CREATE UNIQUE INDEX messages_by_idempotency_key
  ON messages (sender, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX messages_by_police_record
  ON messages (police_ref, record_version) WHERE record_version IS NOT NULL;
CREATE INDEX messages_by_episode ON messages (episode_ref);
CREATE INDEX messages_by_sender_episode ON messages (sender, episode_ref);

CREATE TABLE episodes (
  police_ref      TEXT PRIMARY KEY,
  state           TEXT NOT NULL,
  latest_record_version BIGINT NOT NULL,
  child_key       TEXT,
  placing_la      TEXT,
  host_la         TEXT,
  snapshot        BYTEA NOT NULL,             -- sealed, scope "inbound"
  updated_at      BIGINT NOT NULL,
  missing_since   BIGINT
);
CREATE INDEX episodes_by_child_and_start ON episodes (child_key, missing_since);
CREATE INDEX episodes_by_host ON episodes (host_la, missing_since);
CREATE INDEX episodes_by_placing ON episodes (placing_la, missing_since);

CREATE TABLE child_links (
  child_key       TEXT PRIMARY KEY,
  placing_la      TEXT NOT NULL,
  host_la         TEXT,
  message_id      TEXT NOT NULL REFERENCES messages (id),
  updated_at      BIGINT NOT NULL
);

-- seq orders deliveries of an ordering key and pages mailboxes. It is
-- drawn while the transaction holds the audit head (below), so seq order
-- is commit order even with several replicas writing: a mailbox cursor
-- never skips a row committed late with a smaller seq.
CREATE TABLE outbox (
  seq             BIGSERIAL PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  message_id      TEXT NOT NULL REFERENCES messages (id),
  recipient       TEXT NOT NULL,
  ordering_key    TEXT NOT NULL,
  mode            TEXT NOT NULL CHECK (mode IN ('push', 'mailbox')),
  format          TEXT NOT NULL,
  content_type    TEXT NOT NULL,
  scope           TEXT NOT NULL,
  payload         BYTEA,                      -- sealed; NULL once shredded
  payload_key     TEXT,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'available', 'acked', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until     BIGINT,
  lease_holder    TEXT,                       -- the replica that claimed it
  last_error      TEXT,
  created_at      BIGINT NOT NULL,
  finished_at     BIGINT,
  actioned_at     BIGINT,
  action          TEXT                        -- JSON, no personal data
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_ordering_key ON outbox (ordering_key, seq);
CREATE INDEX outbox_by_message ON outbox (message_id);
CREATE INDEX outbox_mailbox ON outbox (recipient, state, seq);

CREATE TABLE audit (
  seq             BIGINT PRIMARY KEY,         -- 1, 2, 3... no gaps
  at              BIGINT NOT NULL,
  kind            TEXT NOT NULL,
  body            TEXT NOT NULL,              -- JSON, no personal data
  prev_hash       BYTEA NOT NULL,
  hash            BYTEA NOT NULL
);

-- The chain's head: one row, locked (SELECT ... FOR UPDATE) by every
-- transaction that appends, so replicas append one after another and the
-- chain never forks. seq 0 and an empty hash stand for "no entry yet".
CREATE TABLE audit_head (
  one             BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
  seq             BIGINT NOT NULL,
  hash            BYTEA NOT NULL
);
INSERT INTO audit_head (seq, hash) VALUES (0, ''::bytea);

CREATE TABLE audit_checkpoints (
  id              BIGINT PRIMARY KEY,
  seq             BIGINT NOT NULL,
  head_hash       BYTEA NOT NULL,
  at              BIGINT NOT NULL,
  prev_hash       BYTEA NOT NULL,
  public_key      BYTEA NOT NULL,
  signature       BYTEA NOT NULL
);

CREATE TABLE timers (
  id              TEXT PRIMARY KEY,
  subject         TEXT NOT NULL,
  kind            TEXT NOT NULL,
  due_at          BIGINT NOT NULL,
  spec            TEXT NOT NULL,              -- JSON, no personal data
  source_message_id TEXT NOT NULL REFERENCES messages (id),
  state           TEXT NOT NULL CHECK (state IN ('armed', 'fired', 'cancelled', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  lease_until     BIGINT,
  lease_holder    TEXT,
  armed_at        BIGINT NOT NULL,
  finished_at     BIGINT,
  message_id      TEXT,
  note            TEXT
);
CREATE INDEX timers_due ON timers (state, due_at);
CREATE INDEX timers_by_subject ON timers (subject, kind);
)sql"},
      {2, "dead letters replayed from the console", R"sql(
-- SQLite's version 6: the id of the copy an operator's replay of a dead
-- copy made (Store::ReplayDeadLetter); NULL until replayed.
ALTER TABLE outbox ADD COLUMN replayed_as TEXT;
)sql"},
  };
  return migrations;
}

namespace {

// Any fixed number: every replica of every version takes the same lock.
constexpr std::string_view kMigrationLock = "SELECT pg_advisory_xact_lock(7315402201)";

}  // namespace

Result<int, PgError> MigratePostgres(PgConnection& conn, const std::vector<Migration>& migrations) {
  int current = 0;
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  // Version by version, each under the lock: a replica that waited finds
  // the version applied and skips it.
  for (const Migration& migration : migrations) {
    bool too_new = false;
    auto step = InPgTransaction(
        conn, "BEGIN",
        [&]() -> Result<Ok, PgError> {
          if (auto locked = conn.Execute(kMigrationLock); !locked.ok()) return locked;
          if (auto made = conn.Execute("CREATE TABLE IF NOT EXISTS schema_version ("
                                       " version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
                                       " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
              !made.ok()) {
            return made;
          }
          auto read = conn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_version");
          if (!read.ok()) return Fail(read.error());
          current = static_cast<int>(read->Int(0, 0));
          if (current > newest) {
            too_new = true;
            return Ok{};
          }
          if (migration.version <= current) return Ok{};
          if (auto ran = conn.Execute(migration.sql); !ran.ok()) return ran;
          auto record =
              conn.Query("INSERT INTO schema_version (version, description) VALUES ($1, $2)",
                         PgParams().Add(migration.version).Add(migration.description));
          if (!record.ok()) return Fail(record.error());
          current = migration.version;
          return Ok{};
        },
        [](const PgError& e) { return e; });
    if (!step.ok()) return Fail(step.error());
    if (too_new) {
      return Fail(PgError{"", "the database schema is version " + std::to_string(current) +
                                  ", newer than this gateway knows (" + std::to_string(newest) +
                                  ")"});
    }
  }
  return current;
}

}  // namespace isagw::store
