#include "tests/unit/kiosk/support.hpp"

#include <stdexcept>

namespace ws::kiosk::test {

std::unique_ptr<Store> enrolled_store(const std::string& dir, const std::string& device, const std::string& centre,
                                      const std::string& token) {
  auto store = Store::open(dir);
  if (!store) throw std::runtime_error("open failed: " + store.error().message);
  auto s = (*store)->set_identity({device, token, centre, "fake://server"});
  if (!s) throw std::runtime_error("identity failed: " + s.error().message);
  return std::move(*store);
}

std::int64_t count(sql::Connection& db, const std::string& sql) {
  auto st = db.prepare(sql);
  if (!st) throw std::runtime_error("prepare failed: " + st.error().message);
  auto row = st->step();
  if (!row || !*row) throw std::runtime_error("no row for: " + sql);
  return st->column_int(0);
}

std::string text(sql::Connection& db, const std::string& sql, const std::string& bound) {
  auto st = db.prepare(sql);
  if (!st) throw std::runtime_error("prepare failed: " + st.error().message);
  auto row = st->bind(1, bound).step();
  if (!row || !*row) throw std::runtime_error("no row for: " + sql);
  return st->column_text(0);
}

void batch_keys_undone(sql::Connection& db) {
  auto s = db.exec((R"sql(
    DROP TRIGGER outbox_keep_frozen_item;
    CREATE TABLE outbox_v20(
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      record_id TEXT NOT NULL REFERENCES records(id),
      batch_id TEXT,
      sent_version TEXT,
      enqueued_ms INTEGER NOT NULL, sealed_version TEXT, sealed_size INTEGER);
    INSERT INTO outbox_v20(seq, record_id, batch_id, sent_version, enqueued_ms, sealed_version, sealed_size)
      SELECT o.seq, o.record_id, (SELECT b.batch_id FROM outbox_batches b WHERE b.id = o.batch),
        CASE WHEN o.batch IS NOT NULL THEN COALESCE((SELECT f.version FROM outbox_frozen_items f WHERE f.seq = o.seq),
                                                    o.sealed_version) END,
        o.enqueued_ms, o.sealed_version, o.sealed_size FROM outbox o;
    UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'outbox') WHERE name = 'outbox_v20';
    DROP TABLE outbox;
    ALTER TABLE outbox_v20 RENAME TO outbox;
    CREATE UNIQUE INDEX outbox_one_unbatched ON outbox(record_id) WHERE batch_id IS NULL;
    CREATE INDEX outbox_by_record ON outbox(record_id);
    CREATE TABLE outbox_batches_v20(
      batch_id TEXT PRIMARY KEY,
      body BLOB NOT NULL,
      record_count INTEGER NOT NULL,
      created_ms INTEGER NOT NULL, from_items INTEGER NOT NULL DEFAULT 0, first_seq INTEGER, last_seq INTEGER);
    INSERT INTO outbox_batches_v20 SELECT batch_id, body, record_count, created_ms, from_items, first_seq, last_seq
      FROM outbox_batches ORDER BY id;
    DROP TABLE outbox_batches;
    ALTER TABLE outbox_batches_v20 RENAME TO outbox_batches;
    CREATE TABLE outbox_frozen_v20(seq INTEGER PRIMARY KEY, item BLOB NOT NULL);
    INSERT INTO outbox_frozen_v20 SELECT seq, item FROM outbox_frozen_items WHERE item IS NOT NULL;
    DROP TABLE outbox_frozen_items;
    ALTER TABLE outbox_frozen_v20 RENAME TO outbox_frozen_items;
  )sql" + std::string(kKeepFrozenItemSchema18) + "PRAGMA user_version = 20;").c_str());
  if (!s) throw std::runtime_error("undoing the outbox's batch keys failed: " + s.error().message);
}

void outbox_items_undone(sql::Connection& db) {
  batch_keys_undone(db);
  auto s = db.exec(R"sql(
    DROP TRIGGER outbox_keep_frozen_item;
    ALTER TABLE outbox ADD COLUMN sealed BLOB;
    UPDATE outbox SET sealed = (SELECT item FROM outbox_items i WHERE i.seq = outbox.seq);
    DROP TABLE outbox_items;
    CREATE TRIGGER outbox_keep_frozen_item BEFORE UPDATE OF sealed ON outbox
      WHEN OLD.batch_id IS NOT NULL AND OLD.sealed IS NOT NULL
      BEGIN INSERT OR IGNORE INTO outbox_frozen_items(seq, item) VALUES(OLD.seq, OLD.sealed); END;
    PRAGMA user_version = 17;
  )sql");
  if (!s) throw std::runtime_error("undoing outbox_items failed: " + s.error().message);
}

}  // namespace ws::kiosk::test
