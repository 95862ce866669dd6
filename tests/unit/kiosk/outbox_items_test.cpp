// The outbox rows' sealed items in a table of their own (schema 18, outbox_seal.cpp): freezing a
// batch marks the small outbox rows and rewrites no item, a row's item goes with its row, and a
// folder of schema 17 keeps every queued, frozen and changed item through the upgrade. Since
// schema 19 the items have no foreign-key cascade: the store deletes a row's item with it
// (Store::drop_outbox_rows) on every way a row leaves the outbox.
#include <doctest/doctest.h>

#include "kiosk/core/store/schema.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "ws/erasure.hpp"
#include "ws/push_seal.hpp"
#include "ws/sealing.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::count;
using ws::kiosk::test::TempDir;
using ws::protocol::PushResponse;
using ws::protocol::RecordStatus;

namespace {

std::unique_ptr<Store> sealing_store(const std::string& dir) {
  auto store = test::enrolled_store(dir);
  REQUIRE(store->set_server_seal_key(ws::seal::make_key_pair().value().public_key));
  return store;
}

std::string save(Store& store, int n) { return store.save("intake", test::intake_payload(n)).value(); }

OutboxBatch freeze(Store& store, std::size_t max_records) {
  auto b = store.next_batch({.max_records = max_records});
  REQUIRE(b);
  REQUIRE(*b);
  return std::move(**b);
}

// The batch's records answered with `status`, except `absent`, left out of the reply.
void answer(Store& store, const OutboxBatch& b, RecordStatus status, const std::string& absent = "") {
  PushResponse reply{b.batch_id, {}, "", ""};
  for (const auto& id : b.record_ids) {
    if (id != absent) reply.results.push_back({id, status, status == RecordStatus::Rejected ? "refused" : ""});
  }
  REQUIRE(store.acknowledge(b.batch_id, reply));
}

void acknowledge(Store& store, const OutboxBatch& b) { answer(store, b, RecordStatus::Applied); }

// Every outbox row with its copy, one line each: `item_sql` names the row's item.
// `batch_sql` and `sent_sql` name its batch's text id and the version it was sent with.
std::string outbox_rows(ws::sql::Connection& db, const std::string& item_sql, const std::string& from,
                        const std::string& batch_sql = "o.batch_id", const std::string& sent_sql = "o.sent_version") {
  auto st = db.prepare("SELECT o.seq, o.record_id, ifnull(" + batch_sql + ", '-'), ifnull(" + sent_sql + ", '-'), ifnull(hex(" +
                       item_sql + "), '-'), ifnull(o.sealed_version, '-'), ifnull(o.sealed_size, '-') FROM " + from +
                       " ORDER BY o.seq");
  REQUIRE(st);
  std::string out;
  while (st->step().value()) {
    for (int c = 0; c < 7; ++c) out += st->column_text(c) + ' ';
    out += '\n';
  }
  return out;
}

const std::string kOrphans = "SELECT COUNT(*) FROM outbox_items WHERE seq NOT IN (SELECT seq FROM outbox)";

// Schema 18's outbox_items, with its cascade, as a folder of that version has it.
void items_linked_again(ws::sql::Connection& db) {
  test::batch_keys_undone(db);
  REQUIRE(db.exec((R"sql(
    DROP TRIGGER outbox_keep_frozen_item;
    CREATE TABLE outbox_items_old(seq INTEGER PRIMARY KEY REFERENCES outbox(seq) ON DELETE CASCADE, item BLOB NOT NULL);
    INSERT INTO outbox_items_old(seq, item) SELECT seq, item FROM outbox_items;
    DROP TABLE outbox_items;
    ALTER TABLE outbox_items_old RENAME TO outbox_items;
  )sql" + std::string(test::kKeepFrozenItemSchema18) + "PRAGMA user_version = 18;").c_str()));
}

}  // namespace

TEST_CASE("a sealed batch cut by its byte cap is its rows' items in order, sent again byte for byte") {
  TempDir dir;
  std::string batch_id, body;
  {
    auto store = sealing_store(dir.path());
    for (int i = 0; i < 4; ++i) save(*store, i);
    auto& db = store->connection();
    // Room for the first two rows alone: the freeze reads the third, finds it over the cap and
    // leaves it out.
    const auto two = static_cast<std::size_t>(
        count(db, "SELECT SUM(sealed_size) + 2 FROM (SELECT sealed_size FROM outbox ORDER BY seq LIMIT 2)"));
    auto b = store->next_batch({.max_records = 10, .max_bytes = two});
    REQUIRE(b);
    REQUIRE(*b);
    CHECK((*b)->record_count == 2);
    auto items = db.prepare("SELECT i.item FROM outbox o JOIN outbox_items i ON i.seq = o.seq ORDER BY o.seq LIMIT 2");
    REQUIRE(items);
    const auto stored = items->collect_column().value();
    const auto expected = ws::push_seal::items_body((*b)->batch_id, {stored.begin(), stored.end()}).value();
    CHECK((*b)->body == expected);
    batch_id = (*b)->batch_id;
    body = (*b)->body;
  }
  auto store = Store::open(dir.path());  // a restart: the frozen batch is made again from its rows' items
  REQUIRE(store);
  auto again = (*store)->next_batch({.max_records = 10});
  REQUIRE(again);
  REQUIRE(*again);
  CHECK((*again)->batch_id == batch_id);
  CHECK((*again)->body == body);
}

TEST_CASE("freezing a batch rewrites no sealed item, and each row's item leaves with its row") {
  TempDir dir;
  auto store = sealing_store(dir.path());
  for (int i = 0; i < 4; ++i) save(*store, i);
  auto& db = store->connection();
  REQUIRE(db.exec("CREATE TEMP TRIGGER items_untouched BEFORE UPDATE ON outbox_items "
                  "BEGIN SELECT RAISE(ABORT, 'a sealed item was rewritten'); END"));
  const OutboxBatch b = freeze(*store, 3);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox WHERE batch IS NOT NULL") == 3);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 4);

  acknowledge(*store, b);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == 1);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 1);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items i JOIN outbox o ON o.seq = i.seq WHERE o.batch IS NULL") == 1);

  // Released, a batch's rows keep their items; acknowledged, none is left behind.
  const OutboxBatch last = freeze(*store, 3);
  REQUIRE(store->dissolve_batch(last.batch_id));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 1);
  acknowledge(*store, freeze(*store, 3));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 0);
  CHECK(store->pending_count().value() == 0);
}

TEST_CASE("a schema-17 outbox with queued, frozen and acknowledged rows keeps every item through the upgrade") {
  TempDir dir;
  std::vector<std::string> ids;
  OutboxBatch frozen;
  std::string before;
  {
    auto store = sealing_store(dir.path());
    for (int i = 0; i < 6; ++i) ids.push_back(save(*store, i));
    acknowledge(*store, freeze(*store, 2));  // ids 0 and 1: acknowledged, gone
    frozen = freeze(*store, 2);              // ids 2 and 3: frozen, not acknowledged
    REQUIRE(store->update(ids[2], {{"nationality", "Edited after the freeze"}}));  // a second row, queued
    auto& db = store->connection();
    test::outbox_items_undone(db);
    // A frozen row's copy replaced after its freeze (a pull merged into its record): schema 13's
    // trigger keeps the item it was frozen with.
    REQUIRE(db.exec("UPDATE outbox SET sealed = x'00' WHERE seq = (SELECT min(seq) FROM outbox WHERE batch_id IS NOT NULL)"));
    // A row queued without a copy (before the server's key was known).
    REQUIRE(db.exec(("UPDATE outbox SET sealed = NULL, sealed_version = NULL, sealed_size = NULL WHERE record_id = '" +
                     ids[5] + "'").c_str()));
    CHECK(count(db, "SELECT COUNT(*) FROM outbox_frozen_items") == 1);
    before = outbox_rows(db, "o.sealed", "outbox o");
  }
  auto opened = Store::open(dir.path());
  REQUIRE(opened);
  Store& store = **opened;
  auto& db = store.connection();
  CHECK(schema::current_version(db).value() == schema::kLatest);
  CHECK(outbox_rows(db, "i.item", "outbox o LEFT JOIN outbox_items i ON i.seq = o.seq", test::kRowBatchId,
                    test::kRowSentVersion) == before);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 4);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_frozen_items") == 1);

  // The frozen batch goes again as it was sent; the queue then holds each record once.
  const OutboxBatch again = freeze(store, 10);
  CHECK(again.batch_id == frozen.batch_id);
  CHECK(again.body == frozen.body);
  acknowledge(store, again);
  const OutboxBatch rest = freeze(store, 10);
  CHECK(rest.record_ids == std::vector<std::string>{ids[4], ids[5], ids[2]});
  acknowledge(store, rest);
  CHECK(store.pending_count().value() == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_frozen_items") == 0);
}

TEST_CASE("every way an outbox row leaves the outbox takes its sealed item with it") {
  TempDir dir;
  auto store = sealing_store(dir.path());
  auto& db = store->connection();
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) ids.push_back(save(*store, i));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 8);

  // Kept by the server.
  acknowledge(*store, freeze(*store, 2));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 6);
  CHECK(count(db, kOrphans) == 0);

  // Refused by the server; absent from the reply while a newer edit is queued.
  const OutboxBatch refused = freeze(*store, 2);
  REQUIRE(store->update(refused.record_ids[1], {{"nationality", "Edited after the freeze"}}));
  answer(*store, refused, RecordStatus::Rejected, refused.record_ids[1]);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == 5);
  CHECK(count(db, kOrphans) == 0);

  // A dissolved batch whose record has a newer unsent row: the older row goes.
  const OutboxBatch dissolved = freeze(*store, 2);
  REQUIRE(store->update(dissolved.record_ids[0], {{"nationality", "Edited again"}}));
  REQUIRE(store->dissolve_batch(dissolved.batch_id));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == 5);
  CHECK(count(db, kOrphans) == 0);

  // Quarantined: its unsent row goes.
  REQUIRE(store->quarantine(ids[7], "cannot be sent"));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == 4);
  CHECK(count(db, kOrphans) == 0);

  // Erased by a tombstone from the server.
  ws::Envelope tombstone;
  tombstone.id = ids[6];
  tombstone.kind = "intake";
  tombstone.centre = "OSLO";
  tombstone.version = ws::Version{ws::Hlc{ws::HlcClock::system_wall_ms() + 100000, 0}, "server"};
  tombstone.payload = nlohmann::json{{ws::kErasedKey, "erasure-1"}};
  tombstone.deleted = true;
  REQUIRE(store->apply_pull(ws::protocol::PullResponse{{tombstone}, "1", false}));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox WHERE record_id = '" + ids[6] + "'") == 0);
  CHECK(count(db, kOrphans) == 0);

  // The rest sent and kept: nothing left behind.
  while (store->pending_count().value() > 0) acknowledge(*store, freeze(*store, 10));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 0);
}

TEST_CASE("a schema-18 outbox keeps its items and frozen items through the upgrade, without the cascade") {
  TempDir dir;
  OutboxBatch frozen;
  {
    auto store = sealing_store(dir.path());
    for (int i = 0; i < 4; ++i) save(*store, i);
    acknowledge(*store, freeze(*store, 1));
    frozen = freeze(*store, 2);
    auto& db = store->connection();
    items_linked_again(db);
    CHECK(count(db, "SELECT COUNT(*) FROM pragma_foreign_key_list('outbox_items')") == 1);
  }
  auto opened = Store::open(dir.path());
  REQUIRE(opened);
  Store& store = **opened;
  auto& db = store.connection();
  CHECK(ws::kiosk::schema::current_version(db).value() == ws::kiosk::schema::kLatest);
  CHECK(count(db, "SELECT COUNT(*) FROM pragma_foreign_key_list('outbox_items')") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 3);
  CHECK(count(db, kOrphans) == 0);

  // The trigger came back with the table: a frozen row's copy replaced keeps the frozen item.
  REQUIRE(db.exec("UPDATE outbox SET sealed_version = 'changed' WHERE seq = (SELECT min(seq) FROM outbox)"));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_frozen_items") == 1);
  const OutboxBatch again = freeze(store, 10);
  CHECK(again.batch_id == frozen.batch_id);
  CHECK(again.body == frozen.body);
  acknowledge(store, again);
  acknowledge(store, freeze(store, 10));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_frozen_items") == 0);
}

TEST_CASE("an acknowledged batch takes only its own rows' items when its range of keys holds other rows") {
  TempDir dir;
  auto store = sealing_store(dir.path());
  auto& db = store->connection();
  for (int i = 0; i < 6; ++i) save(*store, i);
  const std::string kItemsOf = "SELECT COUNT(*) FROM outbox_items i JOIN outbox o ON o.seq = i.seq WHERE o.record_id = ";

  SUBCASE("a row the reply left out goes back to the queue with its item") {
    const OutboxBatch b = freeze(*store, 3);
    answer(*store, b, RecordStatus::Applied, b.record_ids[1]);
    CHECK(count(db, kItemsOf + "'" + b.record_ids[1] + "' AND o.batch IS NULL") == 1);
    CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 4);
  }
  SUBCASE("a row of another batch inside the range keeps its item and its frozen item") {
    // What a row the freeze passed over (its record unreadable then) and a later batch took
    // looks like: inside the first batch's range of keys, in a batch of its own.
    const OutboxBatch b = freeze(*store, 3);
    REQUIRE(db.exec(R"sql(
      INSERT INTO outbox_batches(batch_id, body, record_count, created_ms, from_items, first_seq, last_seq)
        SELECT 'other', x'', 1, 0, 1, seq, seq FROM outbox WHERE seq = (SELECT min(seq) + 1 FROM outbox);
      UPDATE outbox SET batch = (SELECT id FROM outbox_batches WHERE batch_id = 'other')
        WHERE seq = (SELECT min(seq) + 1 FROM outbox);
      UPDATE outbox SET sealed_version = 'changed since' WHERE seq = (SELECT min(seq) + 1 FROM outbox);
    )sql"));
    REQUIRE(count(db, "SELECT COUNT(*) FROM outbox_frozen_items") == 1);
    answer(*store, b, RecordStatus::Applied, b.record_ids[1]);
    CHECK(count(db, kItemsOf + "'" + b.record_ids[1] + "' AND o.batch = (SELECT id FROM outbox_batches WHERE batch_id = 'other')") == 1);
    CHECK(count(db, "SELECT COUNT(*) FROM outbox_frozen_items") == 1);
    CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 4);
  }
  CHECK(count(db, kOrphans) == 0);

  // Everything left is sent and kept: no item and no frozen item stays behind.
  while (store->pending_count().value() > 0) acknowledge(*store, freeze(*store, 10));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_frozen_items") == 0);
}
