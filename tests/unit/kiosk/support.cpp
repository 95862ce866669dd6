#include "tests/unit/kiosk/support.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

#include "kiosk/core/store/schema.hpp"
#include "ws/push_seal.hpp"

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

std::string layout(sql::Connection& db) {
  auto st = db.prepare(
      "SELECT m.type || ' ' || m.name || ' ' || CASE WHEN m.type = 'table' THEN "
      "(SELECT group_concat(c.name || ':' || c.type || ':' || c.\"notnull\" || ':' || c.pk, ',') "
      "FROM pragma_table_info(m.name) c) ELSE replace(replace(m.sql, ' ', ''), char(10), '') END "
      "FROM sqlite_master m WHERE m.name NOT LIKE 'sqlite_%' ORDER BY m.type, m.name");
  if (!st) throw std::runtime_error("prepare failed: " + st.error().message);
  std::string out;
  while (st->step().value()) out += st->column_text(0) + '\n';
  return out;
}

std::string layout_of_schema(int version) {
  TempDir dir;
  auto db = sql::Connection::open(dir.path() + "/reference.db");
  if (!db) throw std::runtime_error("open failed: " + db.error().message);
  if (auto s = schema::migrate(*db, version); !s) throw std::runtime_error("migrate failed: " + s.error().message);
  return layout(*db);
}

OutboxBatch freeze(Store& store, std::size_t max_records, const InFlight& in_flight) {
  auto b = store.next_batch({.max_records = max_records}, in_flight);
  REQUIRE(b);
  REQUIRE(*b);
  return std::move(**b);
}

void acknowledge(Store& store, const OutboxBatch& b) {
  protocol::PushResponse reply{b.batch_id, {}, "", ""};
  for (const auto& id : b.record_ids) reply.results.push_back({id, protocol::RecordStatus::Applied, ""});
  REQUIRE(store.acknowledge(b.batch_id, reply));
}

std::string version(Store& store, const std::string& id) { return store.get(id).value()->envelope.version.to_string(); }

std::string base_version(Store& store, const std::string& id) {
  return text(store.connection(), "SELECT ifnull(base_version, '-') FROM record_sync WHERE id = ?1", id);
}

std::string outbox_rows(sql::Connection& db, const std::string& batch_sql, const std::string& sent_sql) {
  auto st = db.prepare("SELECT o.seq || ' ' || o.record_id || ' ' || ifnull(" + batch_sql + ", '-') || ' ' || ifnull(" +
                       sent_sql + ", '-') || ' ' || ifnull(o.sealed_version, '-') || ' ' || ifnull(o.sealed_size, '-') || ' ' || "
                       "ifnull(hex(i.item), '-') FROM outbox o LEFT JOIN outbox_items i ON i.seq = o.seq ORDER BY o.seq");
  REQUIRE(st);
  std::string out;
  while (st->step().value()) out += st->column_text(0) + '\n';
  return out;
}

std::vector<std::string> versions_sent(const std::string& body, const seal::KeyPair* server, const std::string& device) {
  std::string plain = body;
  if (server) plain = push_seal::open(*server, device, body, 1 << 24).value();
  std::vector<std::string> out;
  const auto records = nlohmann::json::parse(plain).at("records");
  for (const auto& r : records) out.push_back(r.at("version").get<std::string>());
  INFO(plain.substr(0, 200));
  REQUIRE(!out.empty());
  return out;
}

void unsent_index_restored(sql::Connection& db) {
  auto s = db.exec(
      "CREATE UNIQUE INDEX outbox_one_unbatched ON outbox(record_id) WHERE batch IS NULL; PRAGMA user_version = 21;");
  if (!s) throw std::runtime_error("restoring the unsent rows' index failed: " + s.error().message);
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
