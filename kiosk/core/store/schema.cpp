#include "kiosk/core/store/schema.hpp"

#include <functional>
#include <string>

#include "kiosk/core/store/payload_codec.hpp"
#include "kiosk/core/store/search_text.hpp"
#include "ws/audit_chain.hpp"

namespace ws::kiosk::schema {
namespace {

Status v1(sql::Connection& db) {
  return db.exec(R"sql(
    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE records(
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      centre TEXT NOT NULL,
      case_id TEXT,
      version TEXT NOT NULL,
      deleted INTEGER NOT NULL DEFAULT 0,
      schema_version INTEGER NOT NULL,
      payload_codec INTEGER NOT NULL,
      payload BLOB NOT NULL,
      field_versions TEXT NOT NULL,
      base_version TEXT,
      updated_ms INTEGER NOT NULL,
      sync_state INTEGER NOT NULL,
      sync_error TEXT NOT NULL DEFAULT '');
    CREATE INDEX records_by_kind ON records(kind, deleted, id);
    CREATE INDEX records_by_case ON records(case_id, id) WHERE case_id IS NOT NULL;
    CREATE INDEX records_by_state ON records(sync_state, id) WHERE sync_state <> 0;
    CREATE TABLE outbox(
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      record_id TEXT NOT NULL REFERENCES records(id),
      batch_id TEXT,
      sent_version TEXT,
      enqueued_ms INTEGER NOT NULL);
    CREATE UNIQUE INDEX outbox_one_unbatched ON outbox(record_id) WHERE batch_id IS NULL;
    CREATE INDEX outbox_by_batch ON outbox(batch_id, record_id) WHERE batch_id IS NOT NULL;
    CREATE TABLE outbox_batches(
      batch_id TEXT PRIMARY KEY,
      body BLOB NOT NULL,
      record_count INTEGER NOT NULL,
      created_ms INTEGER NOT NULL);
  )sql");
}

Status v2(sql::Connection& db) {
  return db.exec(R"sql(
    CREATE TABLE drafts(
      counsellor TEXT NOT NULL,
      key TEXT NOT NULL,
      value_codec INTEGER NOT NULL,
      value BLOB NOT NULL,
      updated_ms INTEGER NOT NULL,
      PRIMARY KEY(counsellor, key)) WITHOUT ROWID;
  )sql");
}

Status v3(sql::Connection& db) {
  if (auto s = db.exec("ALTER TABLE records ADD COLUMN search_text TEXT NOT NULL DEFAULT ''"); !s) return s;
  auto select = db.prepare("SELECT id, payload_codec, payload FROM records");
  if (!select) return fail(select.error());
  auto update = db.prepare("UPDATE records SET search_text = ?2 WHERE id = ?1");
  if (!update) return fail(update.error());
  for (;;) {
    auto row = select->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto payload = codec::decode(static_cast<int>(select->column_int(1)), select->column_blob(2));
    if (!payload) continue;  // unreadable rows keep an empty search text rather than block the upgrade
    update->reset();
    if (auto s = update->bind(1, select->column_text(0)).bind(2, search_text_of(*payload)).run(); !s) return s;
  }
  return ok();
}

// Acknowledging a batch asks "has this record another outbox row?" per record; without a
// plain index on record_id that is a scan of the whole outbox per record (quadratic).
Status v4(sql::Connection& db) { return db.exec("CREATE INDEX outbox_by_record ON outbox(record_id)"); }

// Wrong-PIN counts and lockouts, so that restarting the kiosk does not lift a lockout.
// Local bookkeeping like drafts: not a record, never synced.
Status v5(sql::Connection& db) {
  return db.exec(R"sql(
    CREATE TABLE login_guard(
      counsellor TEXT PRIMARY KEY,
      failures INTEGER NOT NULL,
      locked_until_ms INTEGER NOT NULL,
      updated_ms INTEGER NOT NULL) WITHOUT ROWID;
  )sql");
}

// Local edits a pull overwrote before the server ever saw them (the server logs the conflicts
// it sees itself). The lost value is personal data and goes through the payload codec.
Status v6(sql::Connection& db) {
  return db.exec(R"sql(
    CREATE TABLE conflicts(
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      record_id TEXT NOT NULL,
      field TEXT NOT NULL,
      lost_codec INTEGER NOT NULL,
      lost_value BLOB NOT NULL,
      lost_version TEXT NOT NULL,
      won_version TEXT NOT NULL,
      at_ms INTEGER NOT NULL);
    CREATE INDEX conflicts_by_record ON conflicts(record_id);
  )sql");
}

// A conflict a counsellor dealt with on the case page (restored the lost value, or kept what
// won) stays in the log, marked with when.
Status v7(sql::Connection& db) { return db.exec("ALTER TABLE conflicts ADD COLUMN resolved_ms INTEGER"); }

// The vault (vault.hpp): its public key in clear and one wrapped copy of its secret per account.
// Empty until the first counsellor is given a copy, which also seals the drafts and conflict
// log an older folder kept in clear (the conversion of an existing folder).
Status v8(sql::Connection& db) {
  return db.exec(R"sql(
    CREATE TABLE vault(
      one INTEGER PRIMARY KEY CHECK(one = 1),
      public_key BLOB NOT NULL,
      created_ms INTEGER NOT NULL);
    CREATE TABLE vault_copies(
      counsellor TEXT PRIMARY KEY,
      salt BLOB NOT NULL,
      ops INTEGER NOT NULL,
      mem INTEGER NOT NULL,
      wrapped BLOB NOT NULL,
      created_ms INTEGER NOT NULL) WITHOUT ROWID;
  )sql");
}

// The audit log (ws/audit_chain.hpp): sign-ins, lockouts, opened cases, exports, enrolment.
// Ids only, so it stays plain text even where records are encrypted.
Status v9(sql::Connection& db) { return db.exec(ws::audit::kSchemaSql); }

// When each counsellor last signed in on this kiosk: the sign-in screen lists only them.
Status v10(sql::Connection& db) {
  return db.exec("ALTER TABLE login_guard ADD COLUMN last_signin_ms INTEGER NOT NULL DEFAULT 0");
}

// Each outbox row's own copy of its envelope sealed to the server's key when it is queued
// (outbox_seal.cpp), so a batch is made without reading the records. Rows queued before stay
// without a copy and are sealed from their records at freeze time.
Status v11(sql::Connection& db) {
  return db.exec(R"sql(
    ALTER TABLE outbox ADD COLUMN sealed BLOB;
    ALTER TABLE outbox ADD COLUMN sealed_version TEXT;
    ALTER TABLE outbox ADD COLUMN sealed_size INTEGER;
    )sql");
}

// Encryption at rest of records (record_codec.hpp): the search text leaves the disk (search
// goes through an in-memory index, search_index.hpp; the column stays, always empty, so older
// code reading it finds nothing), and pulled records that arrive while the vault is locked wait
// sealed in an inbox until the next sign-in. An existing folder's payloads are encrypted at
// its first sign-in (vault.cpp), which needs the key this migration does not have.
Status v12(sql::Connection& db) {
  return db.exec(R"sql(
    UPDATE records SET search_text = '' WHERE search_text <> '';
    CREATE TABLE pull_inbox(
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      record_id TEXT NOT NULL,
      envelope BLOB NOT NULL,
      received_ms INTEGER NOT NULL);
    CREATE INDEX pull_inbox_by_record ON pull_inbox(record_id);
  )sql");
}

// A sealed batch is not stored a second time: its body is its rows' sealed items put together
// again whenever it is sent (outbox.cpp), so `body` stays empty when `from_items` is 1. A
// frozen row whose copy is replaced later (a pull merged into its record) first keeps the item
// it was frozen with in outbox_frozen_items, so a retry still sends the same bytes.
Status v13(sql::Connection& db) {
  return db.exec(R"sql(
    ALTER TABLE outbox_batches ADD COLUMN from_items INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE outbox_frozen_items(seq INTEGER PRIMARY KEY, item BLOB NOT NULL);
    CREATE TRIGGER outbox_keep_frozen_item BEFORE UPDATE OF sealed ON outbox
      WHEN OLD.batch_id IS NOT NULL AND OLD.sealed IS NOT NULL
      BEGIN INSERT OR IGNORE INTO outbox_frozen_items(seq, item) VALUES(OLD.seq, OLD.sealed); END;
  )sql");
}

// Vault copies in form 2 (vault_copy.hpp): one Argon2id per sign-in checks the PIN and unwraps
// the key. Older copies stay form 1 until their account's next sign-in rewrites them.
Status v14(sql::Connection& db) {
  return db.exec(R"sql(
    ALTER TABLE vault_copies ADD COLUMN form INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE vault_copies ADD COLUMN verifier BLOB NOT NULL DEFAULT x'';
    ALTER TABLE vault_copies ADD COLUMN pin_tag TEXT NOT NULL DEFAULT '';
  )sql");
}

// One key exchange per pull page while the vault is locked (page_key.hpp): each page's key is
// stored once, sealed to the vault; records (payload codec 4) and inbox entries of the page are
// encrypted under it. Inbox entries say their form; the older ones stay sealed boxes (codec 2).
Status v15(sql::Connection& db) {
  return db.exec(R"sql(
    CREATE TABLE page_keys(id INTEGER PRIMARY KEY AUTOINCREMENT, sealed BLOB NOT NULL);
    ALTER TABLE pull_inbox ADD COLUMN codec INTEGER NOT NULL DEFAULT 2;
  )sql");
}

// The sync state out of the record rows: an acknowledgement rewrites a ~60-byte row of
// record_sync per record instead of the ~1.3 KB record row (about 20 WAL pages per 1,000
// records instead of ~330). The migration gives every record a row; since then a record without
// one is synced at its own version (a pulled record: row::kFrom). A row follows its record's id
// and goes when the record goes (cascades: foreign_keys is on for every connection).
Status sync_side_table(sql::Connection& db) {
  return db.exec(R"sql(
    CREATE TABLE record_sync(
      id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE ON UPDATE CASCADE,
      base_version TEXT,
      sync_state INTEGER NOT NULL,
      sync_error TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
    INSERT INTO record_sync(id, base_version, sync_state, sync_error)
      SELECT id, base_version, sync_state, sync_error FROM records;
    CREATE INDEX record_sync_by_state ON record_sync(sync_state, id) WHERE sync_state <> 0;
    DROP INDEX records_by_state;
    ALTER TABLE records DROP COLUMN base_version;
    ALTER TABLE records DROP COLUMN sync_state;
    ALTER TABLE records DROP COLUMN sync_error;
  )sql");
}

// Each frozen batch remembers the range of outbox keys it was frozen from (outbox.cpp
// "batch_rows"): its rows are found by that range of the table's own key, so freezing and
// acknowledging no longer keep an index on batch_id (about 45 of the ~410 WAL pages a
// 1,000-record batch wrote between its freeze and its acknowledgement).
Status outbox_batch_ranges(sql::Connection& db) {
  return db.exec(R"sql(
    ALTER TABLE outbox_batches ADD COLUMN first_seq INTEGER;
    ALTER TABLE outbox_batches ADD COLUMN last_seq INTEGER;
    UPDATE outbox_batches SET
      first_seq = (SELECT min(seq) FROM outbox WHERE outbox.batch_id = outbox_batches.batch_id),
      last_seq = (SELECT max(seq) FROM outbox WHERE outbox.batch_id = outbox_batches.batch_id);
    DROP INDEX outbox_by_batch;
  )sql");
}

// A frozen row keeps the item it was frozen with when its copy is replaced or dropped: every
// writer changes the row's sealed_version first, then the item (schema 18 on).
constexpr const char* kKeepFrozenItem = R"sql(
    CREATE TRIGGER outbox_keep_frozen_item BEFORE UPDATE OF sealed_version ON outbox
      WHEN OLD.batch_id IS NOT NULL
      BEGIN INSERT OR IGNORE INTO outbox_frozen_items(seq, item) SELECT seq, item FROM outbox_items WHERE seq = OLD.seq; END;
)sql";

// The outbox rows' sealed items in a table of their own (outbox.cpp, outbox_seal.cpp): freezing
// a batch marks its outbox rows, which are now ~100 bytes instead of ~480 with the item inside,
// so the mark rewrites about a third of the pages it did (~50 of ~160 a 1,000-record batch).
// The item a frozen row was frozen with is kept, as before, when its copy is replaced or
// dropped: every writer changes the row's sealed_version first (the trigger), then the item.
// A row's item goes with its row (cascade: foreign_keys is on for every connection).
Status outbox_items(sql::Connection& db) {
  return db.exec((R"sql(
    CREATE TABLE outbox_items(
      seq INTEGER PRIMARY KEY REFERENCES outbox(seq) ON DELETE CASCADE,
      item BLOB NOT NULL);
    INSERT INTO outbox_items(seq, item) SELECT seq, sealed FROM outbox WHERE sealed IS NOT NULL;
    UPDATE outbox SET sealed_version = NULL, sealed_size = NULL WHERE sealed IS NULL;
    DROP TRIGGER outbox_keep_frozen_item;
    ALTER TABLE outbox DROP COLUMN sealed;
  )sql" + std::string(kKeepFrozenItem)).c_str());
}

// The outbox_items rows no longer go by a foreign-key cascade: SQLite runs a cascade as a
// sub-program per deleted outbox row, and an acknowledgement deletes a whole batch, so the
// items are deleted first by one statement over the rows' keys (outbox.cpp "drop_outbox_rows",
// the one way outbox rows are deleted). SQLite cannot drop a constraint, so the table is made
// again; the trigger names outbox_items and goes and comes back with it.
Status outbox_items_unlinked(sql::Connection& db) {
  return db.exec((R"sql(
    DROP TRIGGER outbox_keep_frozen_item;
    CREATE TABLE outbox_items_new(seq INTEGER PRIMARY KEY, item BLOB NOT NULL);
    INSERT INTO outbox_items_new(seq, item) SELECT seq, item FROM outbox_items WHERE seq IN (SELECT seq FROM outbox);
    DROP TABLE outbox_items;
    ALTER TABLE outbox_items_new RENAME TO outbox_items;
  )sql" + std::string(kKeepFrozenItem)).c_str());
}

// Pending told by the outbox (record_row.hpp "pending"): a record is pending while it has an
// outbox row, so record_sync keeps only refusals (sync_state 2) and the partial index holds
// those alone. An acknowledgement then writes sync_state 0 over 0 for nearly every record,
// which touches no index entry, and no longer probes the outbox per record for another row
// (together ~6,800 instructions of the ~20,000 its UPDATE cost a record). A record pending
// without any outbox row (no writer makes one, but an older folder could hold one) is queued,
// so that it stays pending and is sent.
Status pending_from_outbox(sql::Connection& db) {
  return db.exec(R"sql(
    INSERT INTO outbox(record_id, enqueued_ms)
      SELECT id, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM record_sync s
      WHERE sync_state = 1 AND NOT EXISTS(SELECT 1 FROM outbox o WHERE o.record_id = s.id);
    UPDATE record_sync SET sync_state = 0 WHERE sync_state = 1;
    DROP INDEX IF EXISTS record_sync_by_state;
    CREATE INDEX IF NOT EXISTS record_sync_refused ON record_sync(id) WHERE sync_state = 2;
  )sql");
}

// Since schema 21 a frozen row says which batch it belongs to by the batch's integer key, and
// the version it was sent with is kept only where its copy no longer tells it (see below).
constexpr const char* kKeepFrozenCopy = R"sql(
    CREATE TRIGGER outbox_keep_frozen_item BEFORE UPDATE OF sealed_version ON outbox
      WHEN OLD.batch IS NOT NULL AND OLD.sealed_version IS NOT NULL
      BEGIN INSERT OR IGNORE INTO outbox_frozen_items(seq, version, item)
        VALUES(OLD.seq, OLD.sealed_version, (SELECT item FROM outbox_items WHERE seq = OLD.seq)); END;
)sql";

// Freezing a batch marked each of its outbox rows with the batch's 36-byte text id and a copy
// of the row's version, so every row grew by ~95 bytes and most outbox pages split: the mark
// wrote more pages than the rows it changed. Now a row holds its batch's integer key
// (outbox_batches.id; the text id the server sees stays in outbox_batches), which grows it by a
// byte or two, and the version a frozen row was sent with is its copy's (sealed_version) unless
// outbox_frozen_items holds one: the copy was replaced after the freeze (the trigger keeps the
// version with the item), or the batch was sent plain, made from the record rather than the copy
// (the freeze writes it). A row named by no batch goes back to the queue, as a released batch's
// rows do, unless its record has an unsent row already, or a newer such row (two batches lost):
// one unsent row per record, or the unique index below could not be made and the folder would
// not open.
Status outbox_batch_keys(sql::Connection& db) {
  return db.exec((R"sql(
    DROP TRIGGER outbox_keep_frozen_item;
    DROP INDEX outbox_one_unbatched;
    CREATE TABLE outbox_batches_keyed(
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      batch_id TEXT NOT NULL UNIQUE,
      body BLOB NOT NULL,
      record_count INTEGER NOT NULL,
      created_ms INTEGER NOT NULL,
      from_items INTEGER NOT NULL DEFAULT 0,
      first_seq INTEGER,
      last_seq INTEGER);
    INSERT INTO outbox_batches_keyed(batch_id, body, record_count, created_ms, from_items, first_seq, last_seq)
      SELECT batch_id, body, record_count, created_ms, from_items, first_seq, last_seq FROM outbox_batches
      ORDER BY created_ms, rowid;
    DROP TABLE outbox_batches;
    ALTER TABLE outbox_batches_keyed RENAME TO outbox_batches;
    CREATE TABLE outbox_frozen_versions(seq INTEGER PRIMARY KEY, version TEXT NOT NULL, item BLOB);
    INSERT INTO outbox_frozen_versions(seq, version, item)
      SELECT o.seq, o.sent_version, f.item FROM outbox o LEFT JOIN outbox_frozen_items f ON f.seq = o.seq
      WHERE o.batch_id IS NOT NULL AND o.sent_version IS NOT NULL
        AND (f.seq IS NOT NULL OR o.sealed_version IS NOT o.sent_version);
    DROP TABLE outbox_frozen_items;
    ALTER TABLE outbox_frozen_versions RENAME TO outbox_frozen_items;
    ALTER TABLE outbox ADD COLUMN batch INTEGER;
    UPDATE outbox SET batch = (SELECT b.id FROM outbox_batches b WHERE b.batch_id = outbox.batch_id)
      WHERE batch_id IS NOT NULL;
    DELETE FROM outbox_frozen_items WHERE seq IN (SELECT seq FROM outbox WHERE batch IS NULL);
    DELETE FROM outbox_items WHERE seq IN (SELECT o.seq FROM outbox o WHERE o.batch IS NULL AND o.batch_id IS NOT NULL
      AND EXISTS(SELECT 1 FROM outbox u WHERE u.record_id = o.record_id
                 AND (u.batch_id IS NULL OR (u.batch IS NULL AND u.seq > o.seq))));
    DELETE FROM outbox WHERE batch IS NULL AND batch_id IS NOT NULL
      AND EXISTS(SELECT 1 FROM outbox u WHERE u.record_id = outbox.record_id
                 AND (u.batch_id IS NULL OR (u.batch IS NULL AND u.seq > outbox.seq)));
    ALTER TABLE outbox DROP COLUMN sent_version;
    ALTER TABLE outbox DROP COLUMN batch_id;
    CREATE UNIQUE INDEX outbox_one_unbatched ON outbox(record_id) WHERE batch IS NULL;
  )sql" + std::string(kKeepFrozenCopy)).c_str());
}

// The unique partial index that kept one unsent row per record goes: every freeze deleted one
// of its entries per row it marked (~3,200 of the mark's ~7,500 instructions a record, and the
// index pages it dirtied), for a rule the writers that queue a row now keep themselves by a
// probe of outbox_by_record (unsent_row.hpp). The index held the rule until now, so the folder
// has at most one unsent row per record here; the store that freezes batches merges, at its
// open, any a damaged folder holds (StoreOptions::merge_unsent_duplicates).
Status unsent_rows_unindexed(sql::Connection& db) { return db.exec("DROP INDEX outbox_one_unbatched"); }

const std::function<Status(sql::Connection&)> kSteps[] = {v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15,
                                                          sync_side_table, outbox_batch_ranges, outbox_items,
                                                          outbox_items_unlinked, pending_from_outbox, outbox_batch_keys,
                                                          unsent_rows_unindexed};
static_assert(sizeof(kSteps) / sizeof(kSteps[0]) == kLatest);

}  // namespace

Result<int> current_version(sql::Connection& db) {
  auto st = db.prepare("PRAGMA user_version");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  return *row ? static_cast<int>(st->column_int(0)) : 0;
}

Status migrate(sql::Connection& db, int target) {
  auto version = current_version(db);
  if (!version) return fail(version.error());
  if (*version > kLatest) {
    return fail("schema_too_new", "the data folder was written by a newer kiosk version (schema " +
                                      std::to_string(*version) + "); this program knows up to " +
                                      std::to_string(kLatest));
  }
  for (int next = *version + 1; next <= target && next <= kLatest; ++next) {
    auto tx = sql::Transaction::begin(db);
    if (!tx) return fail(tx.error());
    if (auto s = kSteps[next - 1](db); !s) {
      return fail(s.error().code, "schema migration to version " + std::to_string(next) + " failed: " + s.error().message);
    }
    // PRAGMA takes no bound parameters; the value is our own integer, never user data.
    const std::string pragma = "PRAGMA user_version = " + std::to_string(next);
    if (auto s = db.exec(pragma.c_str()); !s) return s;
    if (auto s = tx->commit(); !s) return s;
  }
  return ok();
}

}  // namespace ws::kiosk::schema
