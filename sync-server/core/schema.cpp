#include "sync-server/core/schema.hpp"

#include <string>

#include "ws/audit_chain.hpp"

namespace ws::server {
namespace {

// Each entry moves the schema from version i to i+1. Never edit a shipped entry; append.
constexpr const char* kMigrations[] = {
    // 0 -> 1
    R"sql(
CREATE TABLE records (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  centre TEXT NOT NULL,
  version TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  schema_version INTEGER NOT NULL,
  payload TEXT NOT NULL,
  field_versions TEXT NOT NULL,
  seq INTEGER NOT NULL UNIQUE,
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX records_centre_seq ON records(centre, seq);
CREATE INDEX records_kind_seq ON records(kind, seq);

CREATE TABLE conflicts (
  id INTEGER PRIMARY KEY,
  record_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  centre TEXT NOT NULL,
  field TEXT NOT NULL,
  lost_value TEXT NOT NULL,
  lost_version TEXT NOT NULL,
  won_value TEXT NOT NULL,
  won_version TEXT NOT NULL,
  batch_id TEXT,
  logged_at_ms INTEGER NOT NULL
);
CREATE INDEX conflicts_record ON conflicts(record_id);

CREATE TABLE batches (
  batch_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  reply TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL
);

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  centre TEXT NOT NULL,
  token_digest TEXT NOT NULL UNIQUE,
  enrolled_at_ms INTEGER NOT NULL,
  last_seen_at_ms INTEGER,
  revoked_at_ms INTEGER
);

CREATE TABLE enroll_codes (
  code_digest TEXT PRIMARY KEY,
  centre TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  used_at_ms INTEGER,
  device_id TEXT
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'manager', 'admin')),
  password_hash TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  disabled_at_ms INTEGER
);
)sql",
    // 1 -> 2: refused records, for HQ (`sync-server refused`): one row per refusal, resolved once the
    // record is accepted.
    R"sql(
CREATE TABLE refused (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  centre TEXT NOT NULL,
  device_id TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  refused_at_ms INTEGER NOT NULL,
  payload TEXT NOT NULL,
  resolved_at_ms INTEGER
);
CREATE INDEX refused_open ON refused (centre, record_id) WHERE resolved_at_ms IS NULL;
)sql",
    // 2 -> 3: the epoch, a random id that changes whenever the data may have gone back in time
    // (a new database, a restore); kiosks that see it change offer back what the server lacks.
    R"sql(
CREATE TABLE server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO server_meta (key, value) VALUES ('epoch', lower(hex(randomblob(16))));
)sql",
    // 3 -> 4: erasures HQ made (`sync-server erase`): who, when, why and which records; never a
    // personal value.
    R"sql(
CREATE TABLE erasures (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  centre TEXT NOT NULL,
  reason TEXT NOT NULL,
  erased_by TEXT NOT NULL,
  erased_at_ms INTEGER NOT NULL,
  record_ids TEXT NOT NULL
);
CREATE INDEX erasures_case ON erasures(case_id);
)sql",
    // 4 -> 5: server authority. Every version a record had before it was replaced, and how far
    // each device has pulled (the server, not the client's base_version, decides what a writer
    // had seen), and the one counsellor
    // account a device may make per centre (its first setup); older devices' accounts count.
    R"sql(
CREATE TABLE record_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_id TEXT NOT NULL,
  version TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  schema_version INTEGER NOT NULL,
  payload TEXT NOT NULL,
  field_versions TEXT NOT NULL,
  seq INTEGER NOT NULL,
  replaced_at_ms INTEGER NOT NULL
);
CREATE INDEX record_history_record ON record_history (record_id, id);
CREATE TABLE centre_setup (
  centre TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  record_id TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
-- How far each device's pulls have delivered its feed (the highest cursor answered).
ALTER TABLE devices ADD COLUMN pulled_seq INTEGER NOT NULL DEFAULT 0;
INSERT OR IGNORE INTO centre_setup (centre, device_id, record_id, created_at_ms)
  SELECT centre, substr(version, instr(version, '@') + 1), id, updated_at_ms FROM records
  WHERE kind = 'counsellor' AND version NOT LIKE '%@server' ORDER BY seq;
)sql",
    // 5 -> 6: the audit log (ws/audit_chain.hpp), append-only and hash-chained.
    ws::audit::kSchemaSql,
    // 6 -> 7: the server's X25519 key pair for sealed pushes (seal_key.hpp). Kept in the
    // database (0600), so it survives restarts, backups and restores with the data it protects.
    R"sql(
CREATE TABLE seal_key (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  public_key BLOB NOT NULL,
  secret_key BLOB NOT NULL,
  created_at_ms INTEGER NOT NULL
);
)sql",
};

}  // namespace

Status migrate(sql::Connection& db) {
  auto tx = sql::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  auto st = db.prepare("PRAGMA user_version");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  const int current = *row ? static_cast<int>(st->column_int(0)) : 0;
  st->reset();
  if (current > kSchemaVersion) {
    return fail("schema_too_new", "the database was written by a newer sync-server (schema " +
                                      std::to_string(current) + ")");
  }
  for (int v = current; v < kSchemaVersion; ++v) {
    if (auto s = db.exec(kMigrations[v]); !s) return s;
  }
  if (current != kSchemaVersion) {
    // PRAGMA takes no bound parameters; the value is our own constant.
    const std::string pragma = "PRAGMA user_version = " + std::to_string(kSchemaVersion);
    if (auto s = db.exec(pragma.c_str()); !s) return s;
  }
  return tx->commit();
}

}  // namespace ws::server
