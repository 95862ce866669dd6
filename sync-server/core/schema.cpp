#include "sync-server/core/schema.hpp"

#include <iterator>
#include <string>

#include "ws/audit_chain.hpp"

namespace ws::server {
namespace {

// The HQ console's case index: one row per live case, kept by triggers on `records` so every
// writer (ingest, publish, erasure) maintains it in its own transaction. Names are folded by
// ws_fold (ws/name_fold.hpp, registered on every connection by Database) before FTS5 sees them.
#define WS_CASE_INDEX_ROW                                                                           \
  "DELETE FROM case_index_fts WHERE rowid = coalesce((SELECT rowid FROM case_index WHERE case_id = NEW.id), -1);" \
  "DELETE FROM case_index WHERE case_id = NEW.id AND NEW.deleted <> 0;"                             \
  "INSERT INTO case_index (case_id, centre, case_number, name, name_native, status, counsellor,"    \
  "  nationality, opened, updated_at_ms)"                                                           \
  " SELECT NEW.id, NEW.centre, coalesce(json_extract(NEW.payload, '$.case_number'), ''),"          \
  "  coalesce(json_extract(NEW.payload, '$.name_latin'), ''),"                                     \
  "  coalesce(json_extract(NEW.payload, '$.name_native'), ''),"                                    \
  "  coalesce(json_extract(NEW.payload, '$.status'), ''),"                                         \
  "  coalesce(json_extract(NEW.payload, '$.counsellor'), ''),"                                     \
  "  '',"                                                                                          \
  "  coalesce(json_extract(NEW.payload, '$.date_opened'), date(NEW.updated_at_ms / 1000, 'unixepoch')),"\
  "  NEW.updated_at_ms WHERE NEW.deleted = 0"                                                       \
  " ON CONFLICT (case_id) DO UPDATE SET centre = excluded.centre, case_number = excluded.case_number," \
  "  name = excluded.name, name_native = excluded.name_native, status = excluded.status,"          \
  "  counsellor = excluded.counsellor, updated_at_ms = max(case_index.updated_at_ms, excluded.updated_at_ms)," \
  "  opened = coalesce(json_extract(NEW.payload, '$.date_opened'), case_index.opened);"            \
  "INSERT INTO case_index_fts (rowid, text) SELECT rowid, ws_fold(name || ' ' || name_native || ' ' || case_number)" \
  " FROM case_index WHERE case_id = NEW.id;"

// The nationality comes from the case's intake (the link trigger below), not from a lookup
// here: inside a trigger SQLite did not use records_case_link for it and scanned the records
// for every case (25x slower ingest at 6,000 records). An intake stored before its case gives
// the case its nationality at the intake's next write.
// A record linked to a case moves the case's `updated_at`; an intake gives it its nationality.
#define WS_CASE_INDEX_LINK                                                                          \
  "UPDATE case_index SET updated_at_ms = max(updated_at_ms, NEW.updated_at_ms),"                    \
  "  nationality = CASE WHEN NEW.kind = 'intake' AND NEW.deleted = 0"                               \
  "    AND json_extract(NEW.payload, '$.nationality') IS NOT NULL"                                  \
  "    THEN json_extract(NEW.payload, '$.nationality') ELSE nationality END"                        \
  " WHERE case_id = json_extract(NEW.payload, '$._case_id');"

// Records received per centre, kind and day (UTC), for the overview's charts: `created` counts
// first arrivals, `received` every stored version. Since schema 14 only the update trigger uses
// it: new rows are counted by their writer (record_counts.hpp).
#define WS_RECORD_COUNT(created)                                                                    \
  "INSERT INTO record_counts (centre, kind, day, created, received)"                               \
  " VALUES (NEW.centre, NEW.kind, NEW.updated_at_ms / 86400000, " created ", 1)"                    \
  " ON CONFLICT (centre, kind, day) DO UPDATE SET created = created + excluded.created,"            \
  "  received = received + 1;"

// Since schema 12 the triggers read the case columns records.cpp fills from the payload at every
// write (case_columns.hpp) instead of json_extract on NEW.payload: SQLite parsed the ~1 KB
// payload up to eight times per insert. Same rules as the two above otherwise.
#define WS_CASE_INDEX_ROW_FROM_COLUMNS                                                              \
  "DELETE FROM case_index_fts WHERE rowid = coalesce((SELECT rowid FROM case_index WHERE case_id = NEW.id), -1);" \
  "DELETE FROM case_index WHERE case_id = NEW.id AND NEW.deleted <> 0;"                             \
  "INSERT INTO case_index (case_id, centre, case_number, name, name_native, status, counsellor,"    \
  "  nationality, opened, updated_at_ms)"                                                           \
  " SELECT NEW.id, NEW.centre, coalesce(NEW.case_number, ''), coalesce(NEW.case_name, ''),"        \
  "  coalesce(NEW.case_name_native, ''), coalesce(NEW.case_status, ''),"                           \
  "  coalesce(NEW.case_counsellor, ''), '',"                                                       \
  "  coalesce(NEW.case_opened, date(NEW.updated_at_ms / 1000, 'unixepoch')),"                       \
  "  NEW.updated_at_ms WHERE NEW.deleted = 0"                                                       \
  " ON CONFLICT (case_id) DO UPDATE SET centre = excluded.centre, case_number = excluded.case_number," \
  "  name = excluded.name, name_native = excluded.name_native, status = excluded.status,"          \
  "  counsellor = excluded.counsellor, updated_at_ms = max(case_index.updated_at_ms, excluded.updated_at_ms)," \
  "  opened = coalesce(NEW.case_opened, case_index.opened);"                                        \
  "INSERT INTO case_index_fts (rowid, text) SELECT rowid, ws_fold(name || ' ' || name_native || ' ' || case_number)" \
  " FROM case_index WHERE case_id = NEW.id;"

#define WS_CASE_INDEX_LINK_FROM_COLUMNS                                                             \
  "UPDATE case_index SET updated_at_ms = max(updated_at_ms, NEW.updated_at_ms),"                    \
  "  nationality = CASE WHEN NEW.kind = 'intake' AND NEW.deleted = 0 AND NEW.case_nationality IS NOT NULL" \
  "    THEN NEW.case_nationality ELSE nationality END"                                              \
  " WHERE case_id = NEW.case_id;"

// Every column of `records` since schema 13, in the table's order.
#define WS_RECORD_COLUMNS                                                                           \
  "id, kind, centre, version, deleted, schema_version, payload, field_versions, seq, updated_at_ms," \
  " case_id, case_number, case_name, case_name_native, case_status, case_counsellor, case_opened,"  \
  " case_nationality"

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
    // 6 -> 7: the HQ console. Each user's centre scope (a JSON array of centre ids; [] = every
    // centre) and server-side sessions: only a BLAKE2b digest of the cookie's id is stored.
    R"sql(
ALTER TABLE users ADD COLUMN centres TEXT NOT NULL DEFAULT '[]';
CREATE TABLE hq_sessions (
  id_digest TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  last_used_at_ms INTEGER NOT NULL
);
CREATE INDEX hq_sessions_user ON hq_sessions(user_id);
)sql",
    // 7 -> 8: the HQ console's read side: the case index and its FTS5 name search, daily record
    // counts, the records linked to each case, each kiosk's last sync report, pushes per device.
    "CREATE TABLE case_index ("
    "  case_id TEXT PRIMARY KEY, centre TEXT NOT NULL, case_number TEXT NOT NULL COLLATE NOCASE,"
    "  name TEXT NOT NULL COLLATE NOCASE,"
    "  name_native TEXT NOT NULL, status TEXT NOT NULL, counsellor TEXT NOT NULL,"
    "  nationality TEXT NOT NULL, opened TEXT NOT NULL, updated_at_ms INTEGER NOT NULL);"
    "CREATE INDEX case_index_centre ON case_index (centre, updated_at_ms);"
    "CREATE INDEX case_index_status ON case_index (centre, status);"
    "CREATE INDEX case_index_updated ON case_index (updated_at_ms);"
    "CREATE INDEX case_index_number ON case_index (case_number);"
    "CREATE INDEX case_index_name ON case_index (name);"
    "CREATE INDEX case_index_counsellor ON case_index (counsellor, centre);"
    "CREATE INDEX case_index_nationality ON case_index (nationality, centre);"
    "CREATE INDEX case_index_opened ON case_index (opened);"
    "CREATE VIRTUAL TABLE case_index_fts USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');"
    "CREATE INDEX records_case_link ON records (json_extract(payload, '$._case_id'))"
    " WHERE json_extract(payload, '$._case_id') IS NOT NULL;"
    "CREATE TABLE record_counts (centre TEXT NOT NULL, kind TEXT NOT NULL, day INTEGER NOT NULL,"
    "  created INTEGER NOT NULL, received INTEGER NOT NULL, PRIMARY KEY (centre, kind, day)) WITHOUT ROWID;"
    "INSERT INTO record_counts (centre, kind, day, created, received)"
    " SELECT centre, kind, updated_at_ms / 86400000, count(*), count(*) FROM records GROUP BY 1, 2, 3;"
    "CREATE TRIGGER case_index_insert AFTER INSERT ON records WHEN NEW.kind = 'case' BEGIN " WS_CASE_INDEX_ROW " END;"
    "CREATE TRIGGER case_index_update AFTER UPDATE ON records WHEN NEW.kind = 'case' BEGIN " WS_CASE_INDEX_ROW " END;"
    "CREATE TRIGGER case_index_link_insert AFTER INSERT ON records WHEN NEW.kind <> 'case' BEGIN " WS_CASE_INDEX_LINK " END;"
    "CREATE TRIGGER case_index_link_update AFTER UPDATE ON records WHEN NEW.kind <> 'case' BEGIN " WS_CASE_INDEX_LINK " END;"
    // Existing databases: the index is rebuilt from the stored cases (the trigger's row, once).
    "UPDATE records SET kind = kind WHERE kind = 'case' AND deleted = 0;"
    "UPDATE case_index SET nationality = coalesce((SELECT json_extract(r.payload, '$.nationality') FROM records r"
    "  WHERE json_extract(r.payload, '$._case_id') = case_index.case_id || '' AND r.kind = 'intake'"
    "  AND r.deleted = 0 ORDER BY r.seq DESC LIMIT 1), '');"
    "CREATE TRIGGER record_counts_insert AFTER INSERT ON records BEGIN " WS_RECORD_COUNT("1") " END;"
    "CREATE TRIGGER record_counts_update AFTER UPDATE ON records BEGIN " WS_RECORD_COUNT("0") " END;"
    "ALTER TABLE devices ADD COLUMN report_outbox INTEGER;"
    "ALTER TABLE devices ADD COLUMN report_quarantined INTEGER;"
    "ALTER TABLE devices ADD COLUMN report_app TEXT;"
    "ALTER TABLE devices ADD COLUMN report_audit_seq INTEGER;"
    "ALTER TABLE devices ADD COLUMN report_audit_hash TEXT;"
    "ALTER TABLE devices ADD COLUMN reported_at_ms INTEGER;"
    "CREATE INDEX batches_device ON batches (device_id, received_at_ms);",
    // 8 -> 9: the server's X25519 key pair for sealed pushes (seal_key.hpp). Kept in the
    // database (0600), so it survives restarts, backups and restores with the data it protects.
    R"sql(
CREATE TABLE seal_key (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  public_key BLOB NOT NULL,
  secret_key BLOB NOT NULL,
  created_at_ms INTEGER NOT NULL
);
)sql",
    // 9 -> 10: the name fold (ws/name_fold.hpp) now also makes Persian and Arabic-Indic digits
    // ASCII and ae a heh, as the kiosk's search always did; the index keeps folded text, so it
    // is folded again.
    "DELETE FROM case_index_fts;"
    "INSERT INTO case_index_fts (rowid, text)"
    " SELECT rowid, ws_fold(name || ' ' || name_native || ' ' || case_number) FROM case_index;",
    // 10 -> 11: each kiosk's vault secret in escrow, sealed to the server's key (vault_escrow.hpp),
    // granted to a counsellor of its centre who has no copy on that kiosk; one row per device.
    R"sql(
CREATE TABLE IF NOT EXISTS vault_escrow (
  device_id TEXT PRIMARY KEY,
  public_key BLOB NOT NULL,
  sealed_secret BLOB NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
)sql",
    // 11 -> 12: field versions kept in compact form (stored_versions.hpp): an entry that equals
    // the record's version goes (row paths stay). Texts with an escape keep the full form, which
    // reads the same, rather than trusting json_each with escaped labels. The UPDATE fires the
    // HQ triggers on records; what they would count or move again is put back as it was.
    R"sql(
CREATE TEMP TABLE keep_record_counts AS SELECT * FROM record_counts;
CREATE TEMP TABLE keep_case_index AS SELECT case_id, nationality, updated_at_ms FROM case_index;
UPDATE records SET field_versions = (SELECT json_group_object(j.key, j.value) FROM json_each(records.field_versions) j
  WHERE j.value <> records.version OR instr(j.key, '/') > 0)
  WHERE field_versions <> '{}' AND instr(field_versions, '\') = 0;
UPDATE record_history SET field_versions = (SELECT json_group_object(j.key, j.value)
  FROM json_each(record_history.field_versions) j WHERE j.value <> record_history.version OR instr(j.key, '/') > 0)
  WHERE field_versions <> '{}' AND instr(field_versions, '\') = 0;
DELETE FROM record_counts;
INSERT INTO record_counts SELECT * FROM keep_record_counts;
UPDATE case_index SET nationality = k.nationality, updated_at_ms = k.updated_at_ms
  FROM keep_case_index k WHERE k.case_id = case_index.case_id;
DROP TABLE keep_record_counts;
DROP TABLE keep_case_index;
)sql",
    // 12 -> 13: the case index without JSON in SQL. Records get the case columns (records.cpp
    // fills them at every write, case_columns.hpp), existing rows are filled from their payloads
    // once, and the link index and the triggers are made again on the columns. The triggers are
    // dropped while the rows are filled, so filling counts no new version in record_counts.
    "DROP TRIGGER case_index_insert; DROP TRIGGER case_index_update;"
    "DROP TRIGGER case_index_link_insert; DROP TRIGGER case_index_link_update;"
    "DROP TRIGGER record_counts_update;"
    "DROP INDEX records_case_link;"
    "ALTER TABLE records ADD COLUMN case_id TEXT;"
    "ALTER TABLE records ADD COLUMN case_number TEXT;"
    "ALTER TABLE records ADD COLUMN case_name TEXT;"
    "ALTER TABLE records ADD COLUMN case_name_native TEXT;"
    "ALTER TABLE records ADD COLUMN case_status TEXT;"
    "ALTER TABLE records ADD COLUMN case_counsellor TEXT;"
    "ALTER TABLE records ADD COLUMN case_opened TEXT;"
    "ALTER TABLE records ADD COLUMN case_nationality TEXT;"
    "UPDATE records SET case_id = json_extract(payload, '$._case_id'),"
    "  case_number = CASE WHEN kind = 'case' THEN json_extract(payload, '$.case_number') END,"
    "  case_name = CASE WHEN kind = 'case' THEN json_extract(payload, '$.name_latin') END,"
    "  case_name_native = CASE WHEN kind = 'case' THEN json_extract(payload, '$.name_native') END,"
    "  case_status = CASE WHEN kind = 'case' THEN json_extract(payload, '$.status') END,"
    "  case_counsellor = CASE WHEN kind = 'case' THEN json_extract(payload, '$.counsellor') END,"
    "  case_opened = CASE WHEN kind = 'case' THEN json_extract(payload, '$.date_opened') END,"
    "  case_nationality = CASE WHEN kind = 'intake' THEN json_extract(payload, '$.nationality') END"
    " WHERE kind IN ('case', 'intake') OR instr(payload, '\"_case_id\"') > 0;"
    "CREATE INDEX records_case_link ON records (case_id) WHERE case_id IS NOT NULL;"
    "CREATE TRIGGER case_index_insert AFTER INSERT ON records WHEN NEW.kind = 'case'"
    " BEGIN " WS_CASE_INDEX_ROW_FROM_COLUMNS " END;"
    "CREATE TRIGGER case_index_update AFTER UPDATE ON records WHEN NEW.kind = 'case'"
    " BEGIN " WS_CASE_INDEX_ROW_FROM_COLUMNS " END;"
    // Most records name no case (a kiosk's first interviews, counsellor accounts): no trigger.
    "CREATE TRIGGER case_index_link_insert AFTER INSERT ON records WHEN NEW.kind <> 'case' AND NEW.case_id IS NOT NULL"
    " BEGIN " WS_CASE_INDEX_LINK_FROM_COLUMNS " END;"
    "CREATE TRIGGER case_index_link_update AFTER UPDATE ON records WHEN NEW.kind <> 'case' AND NEW.case_id IS NOT NULL"
    " BEGIN " WS_CASE_INDEX_LINK_FROM_COLUMNS " END;"
    "CREATE TRIGGER record_counts_update AFTER UPDATE ON records BEGIN " WS_RECORD_COUNT("0") " END;",
    // 13 -> 14: new rows are counted by the writer that inserts them, one upsert per centre,
    // kind and day of a write (record_counts.hpp), not by a trigger's upsert per row. Every
    // insert into `records` goes through RecordWriter; replacing a version still fires the
    // update trigger.
    "DROP TRIGGER record_counts_insert;",
    // 14 -> 15: the case index is kept by the writer after each row it stores
    // (case_index_rows.hpp), not by triggers: an INSERT trigger on `records` made SQLite copy
    // every multi-row INSERT's rows into a temporary table first, for every record. Nothing in
    // the index changes; replacing a version still fires the count's update trigger.
    "DROP TRIGGER case_index_insert; DROP TRIGGER case_index_update;"
    "DROP TRIGGER case_index_link_insert; DROP TRIGGER case_index_link_update;",
    // 15 -> 16: `records` rebuilt for its one writer, each index a B-tree insert per record it
    // covers (docs/performance.md, "Session 17"). `seq` is the rowid (rows are appended in
    // sequence order, no `seq` index), and the (centre) and (kind) indexes' entries end in it, so
    // they serve (centre, seq) and (kind, seq). The kind index stays whole: HQ's export reads
    // each case-file kind by it (a partial index of the rarely written kinds made every export
    // scan the table once per kind). The rows are copied in sequence order first and the
    // indexes built after, by sorting.
    "CREATE TABLE records_by_seq ("
    "  id TEXT, kind TEXT NOT NULL, centre TEXT NOT NULL, version TEXT NOT NULL,"
    "  deleted INTEGER NOT NULL DEFAULT 0, schema_version INTEGER NOT NULL, payload TEXT NOT NULL,"
    "  field_versions TEXT NOT NULL, seq INTEGER PRIMARY KEY, updated_at_ms INTEGER NOT NULL,"
    "  case_id TEXT, case_number TEXT, case_name TEXT, case_name_native TEXT, case_status TEXT,"
    "  case_counsellor TEXT, case_opened TEXT, case_nationality TEXT);"
    "INSERT INTO records_by_seq (" WS_RECORD_COLUMNS ") SELECT " WS_RECORD_COLUMNS " FROM records ORDER BY seq;"
    "DROP TABLE records;"
    "ALTER TABLE records_by_seq RENAME TO records;"
    "CREATE UNIQUE INDEX records_id ON records (id);"
    "CREATE INDEX records_centre ON records (centre);"
    "CREATE INDEX records_kind ON records (kind);"
    "CREATE INDEX records_case_link ON records (case_id) WHERE case_id IS NOT NULL;"
    "CREATE TRIGGER record_counts_update AFTER UPDATE ON records BEGIN " WS_RECORD_COUNT("0") " END;",
};

}  // namespace

Status migrate(sql::Connection& db) { return migrate_to(db, kSchemaVersion); }

Status migrate_to(sql::Connection& db, int version) {
  static_assert(std::size(kMigrations) == kSchemaVersion, "one migration per schema version");
  if (version < 0 || version > kSchemaVersion) return fail("internal", "no such schema version");
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
  for (int v = current; v < version; ++v) {
    if (auto s = db.exec(kMigrations[v]); !s) return s;
  }
  if (current < version) {
    // PRAGMA takes no bound parameters; the value is our own constant.
    const std::string pragma = "PRAGMA user_version = " + std::to_string(version);
    if (auto s = db.exec(pragma.c_str()); !s) return s;
  }
  return tx->commit();
}

}  // namespace ws::server
