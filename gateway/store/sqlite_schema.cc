#include "gateway/store/sqlite_schema.h"

namespace isagw::store {

// Released migrations are never edited: add a new one.
const std::vector<Migration>& SqliteMigrations() {
  static const std::vector<Migration> migrations = {
      {1, "messages, episodes, child links, outbox, audit", R"sql(
CREATE TABLE messages (
  id              TEXT PRIMARY KEY,
  sender          TEXT NOT NULL,
  idempotency_key TEXT,
  format          TEXT NOT NULL,
  kind            TEXT NOT NULL,
  police_ref      TEXT,
  record_version  INTEGER,
  received_at     INTEGER NOT NULL,           -- seconds since the epoch, UTC
  payload         BLOB NOT NULL,              -- sealed canonical JSON, scope "inbound"
  payload_key     TEXT NOT NULL,              -- key id, for rotation
  answer          TEXT NOT NULL               -- the 202 body, no personal data
) STRICT;
CREATE UNIQUE INDEX messages_by_idempotency_key
  ON messages (sender, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX messages_by_police_record
  ON messages (police_ref, record_version) WHERE record_version IS NOT NULL;

CREATE TABLE episodes (
  police_ref      TEXT PRIMARY KEY,
  state           TEXT NOT NULL,
  latest_record_version INTEGER NOT NULL,
  child_key       TEXT,
  placing_la      TEXT,
  host_la         TEXT,
  snapshot        BLOB NOT NULL,              -- sealed, scope "inbound"
  updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX episodes_by_child ON episodes (child_key);

CREATE TABLE child_links (
  child_key       TEXT PRIMARY KEY,
  placing_la      TEXT NOT NULL,
  host_la         TEXT,
  message_id      TEXT NOT NULL REFERENCES messages (id),
  updated_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- global order of creation
  id              TEXT NOT NULL UNIQUE,               -- delivery id, stable
  message_id      TEXT NOT NULL REFERENCES messages (id),
  recipient       TEXT NOT NULL,
  ordering_key    TEXT NOT NULL,
  mode            TEXT NOT NULL CHECK (mode IN ('push', 'mailbox')),
  format          TEXT NOT NULL,
  content_type    TEXT NOT NULL,
  scope           TEXT NOT NULL,
  payload         BLOB,                               -- sealed; NULL once shredded
  payload_key     TEXT,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'available', 'acked', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until     INTEGER,                            -- a worker holds it until then
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  finished_at     INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_ordering_key ON outbox (ordering_key, seq);
CREATE INDEX outbox_by_message ON outbox (message_id);
CREATE INDEX outbox_mailbox ON outbox (recipient, state, seq);

CREATE TABLE audit (
  seq             INTEGER PRIMARY KEY,        -- 1, 2, 3... no gaps
  at              INTEGER NOT NULL,
  kind            TEXT NOT NULL,
  body            TEXT NOT NULL,              -- JSON, no personal data
  prev_hash       BLOB NOT NULL,
  hash            BLOB NOT NULL
) STRICT;
)sql"},
      {2, "signed audit checkpoints", R"sql(
-- Ed25519-signed checkpoints of the audit chain (gateway/audit/checkpoint.h).
-- Each covers the audit entry `seq` and chains to the checkpoint before it.
CREATE TABLE audit_checkpoints (
  id              INTEGER PRIMARY KEY,        -- 1, 2, 3... no gaps
  seq             INTEGER NOT NULL,           -- the audit entry it signs (the head then)
  head_hash       BLOB NOT NULL,              -- that entry's hash
  at              INTEGER NOT NULL,           -- seconds since the epoch, UTC
  prev_hash       BLOB NOT NULL,              -- hash of the previous checkpoint
  public_key      BLOB NOT NULL,              -- the Ed25519 key that signed
  signature       BLOB NOT NULL
) STRICT;
)sql"},
      {3, "safeguarding timers; when each episode began", R"sql(
-- What repeat thresholds count (seconds since the epoch, UTC); NULL for
-- episodes stored before version 3.
ALTER TABLE episodes ADD COLUMN missing_since INTEGER;
CREATE INDEX episodes_by_child_and_start ON episodes (child_key, missing_since);

-- Safeguarding timers (gateway/safeguarding/timer_plan.h): armed and
-- cancelled with the message that causes or satisfies them; fired once,
-- in the transaction that stores the escalation they raise.
CREATE TABLE timers (
  id              TEXT PRIMARY KEY,
  subject         TEXT NOT NULL,              -- police_ref, or delivery id
  kind            TEXT NOT NULL,
  due_at          INTEGER NOT NULL,
  spec            TEXT NOT NULL,              -- JSON, no personal data
  source_message_id TEXT NOT NULL REFERENCES messages (id),
  state           TEXT NOT NULL CHECK (state IN ('armed', 'fired', 'cancelled', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  lease_until     INTEGER,
  armed_at        INTEGER NOT NULL,
  finished_at     INTEGER,
  message_id      TEXT,                       -- the escalation it raised, or what cancelled it
  note            TEXT                        -- why it failed; no personal data
) STRICT;
CREATE INDEX timers_due ON timers (state, due_at);
CREATE INDEX timers_by_subject ON timers (subject, kind);
)sql"},
      {4, "business acknowledgements", R"sql(
-- A recipient's "actioned" for its copy (POST /v1/inbox/{id}/action):
-- when, and who as a team or role and an optional reference (JSON, no
-- personal data).
ALTER TABLE outbox ADD COLUMN actioned_at INTEGER;
ALTER TABLE outbox ADD COLUMN action TEXT;
)sql"},
      {5, "the episode each message is about, for reports", R"sql(
-- The police_ref of the episode a message is about (an RHI's first
-- episode): reports read an episode's messages by it. Police records
-- stored before version 5 get theirs here; older RHIs (sealed) cannot.
ALTER TABLE messages ADD COLUMN episode_ref TEXT;
UPDATE messages SET episode_ref = police_ref WHERE police_ref IS NOT NULL;
CREATE INDEX messages_by_episode ON messages (episode_ref);
CREATE INDEX messages_by_sender_episode ON messages (sender, episode_ref);
CREATE INDEX episodes_by_host ON episodes (host_la, missing_since);
CREATE INDEX episodes_by_placing ON episodes (placing_la, missing_since);
)sql"},
      {6, "dead letters replayed from the console", R"sql(
-- An operator's replay of a dead copy (Store::ReplayDeadLetter) makes a new
-- copy with a new id; the dead row keeps the id of that copy, so a replay
-- happens once however often it is asked for, and the dead copy no longer
-- counts as waiting for an operator. NULL until replayed.
ALTER TABLE outbox ADD COLUMN replayed_as TEXT;
)sql"},
      {7, "one index fewer on every new episode", R"sql(
-- episodes_by_child_and_start (version 3) answers every lookup by child:
-- a search on child_key alone uses its first column. The narrower index
-- only cost every new episode a page write at a random place.
DROP INDEX episodes_by_child;
)sql"},
  };
  return migrations;
}

}  // namespace isagw::store
