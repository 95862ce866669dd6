// Schema 21: a frozen outbox row names its batch by the batch's integer key and keeps no copy of
// its version; the version it was sent with is its copy's, or the one outbox_frozen_items keeps
// (a copy replaced after the freeze, a plain batch). A schema-20 folder upgrades with every row,
// item and batch, and sends the same batches, under the same ids, to the real server.
#include <doctest/doctest.h>

#include "kiosk/core/store/schema.hpp"
#include "tests/unit/kiosk/frozen_folder.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "tests/unit/kiosk/test_server.hpp"
#include "ws/sealing.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::acknowledge;
using ws::kiosk::test::base_version;
using ws::kiosk::test::count;
using ws::kiosk::test::freeze;
using ws::kiosk::test::version;
using ws::kiosk::test::TempDir;
using ws::kiosk::test::TestServer;

TEST_CASE("a schema-20 folder with frozen batches, an edit after a freeze and queued rows upgrades and sends the same batches") {
  TestServer server;
  test::FrozenBatchesKiosk f(server);
  const std::string edited = version(*f.k.store, f.ids[1]);
  std::string before;
  {
    auto& db = f.k.store->connection();
    // A frozen row's copy replaced after the freeze (what a pull merged into its record does):
    // the trigger keeps the version and item it was sent with.
    const std::string first_of_b = "(SELECT min(seq) FROM outbox WHERE record_id = '" + f.b.record_ids[0] + "')";
    REQUIRE(db.exec(("UPDATE outbox SET sealed_version = 'replaced' WHERE seq = " + first_of_b +
                     "; UPDATE outbox_items SET item = x'00' WHERE seq = " + first_of_b)
                        .c_str()));
    REQUIRE(count(db, "SELECT COUNT(*) FROM outbox_frozen_items") == 1);
    test::batch_keys_undone(db);
    CHECK(test::layout(db) == test::layout_of_schema(schema::kPendingFromOutbox));
    CHECK(count(db, "SELECT COUNT(*) FROM outbox WHERE batch_id IS NOT NULL AND sent_version IS NOT NULL") == 4);
    CHECK(count(db, "SELECT COUNT(*) FROM outbox WHERE batch_id IS NULL") == 3);
    before = test::outbox_rows(db, "o.batch_id", "o.sent_version");
  }
  f.reopen();
  auto& db = f.k.store->connection();
  CHECK(schema::current_version(db).value() == schema::kLatest);
  CHECK(test::outbox_rows(db, test::kRowBatchId, test::kRowSentVersion) == before);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 7);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_frozen_items") == 1);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_batches") == 2);
  CHECK(count(db, "SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name IN ('batch_id', 'sent_version')") == 0);

  // Pushed to the real server: the two frozen batches first, byte for byte, then the two queued
  // and the edit; nothing left, nothing doubled.
  f.push_all_once(7);
  CHECK(version(*f.k.store, f.ids[1]) == edited);
}

namespace {

void edit_after_freeze(bool sealing) {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  const auto server = ws::seal::make_key_pair().value();
  const std::string device = store->identity().value().device_id;
  if (sealing) REQUIRE(store->set_server_seal_key(server.public_key));
  const ws::seal::KeyPair* opener = sealing ? &server : nullptr;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(store->save("intake", test::intake_payload(i)).value());
  const std::string first = version(*store, ids[0]);

  const OutboxBatch frozen = freeze(*store, 3);
  REQUIRE(store->update(ids[0], {{"nationality", "Edited after the freeze"}}));
  const std::string edited = version(*store, ids[0]);
  REQUIRE(edited != first);
  // Frozen rows are marked with their batch's key alone; a plain batch keeps the versions it
  // sent beside its rows, a sealed one has them in its rows' copies.
  auto& db = store->connection();
  CHECK(count(db, "SELECT COUNT(*) FROM outbox WHERE batch IS NOT NULL") == 3);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_frozen_items") == (sealing ? 0 : 3));

  // Sent again after a restart, the batch is the same; it carries the version of the freeze.
  store.reset();
  store = std::move(Store::open(dir.path()).value());
  const OutboxBatch again = freeze(*store, 10);
  CHECK(again.batch_id == frozen.batch_id);
  CHECK(again.body == frozen.body);
  CHECK(test::versions_sent(again.body, opener, device)[0] == first);

  acknowledge(*store, again);
  CHECK(base_version(*store, ids[0]) == first);  // what the server holds: the version sent
  CHECK(base_version(*store, ids[1]) == version(*store, ids[1]));
  CHECK(store->pending_count().value() == 1);
  CHECK(count(store->connection(), "SELECT COUNT(*) FROM outbox_frozen_items") == 0);

  const OutboxBatch next = freeze(*store, 10);
  CHECK(next.record_ids == std::vector<std::string>{ids[0]});
  CHECK(test::versions_sent(next.body, opener, device) == std::vector<std::string>{edited});
  acknowledge(*store, next);
  CHECK(base_version(*store, ids[0]) == edited);
  CHECK(store->pending_count().value() == 0);
  CHECK(count(store->connection(), "SELECT COUNT(*) FROM outbox") == 0);
}

}  // namespace

TEST_CASE("a row edited after its batch froze sends its newer version next time, and the frozen one is acknowledged as sent") {
  SUBCASE("sealed batches") { edit_after_freeze(true); }
  SUBCASE("plain batches (no server key yet)") { edit_after_freeze(false); }
}

TEST_CASE("a schema-20 row marked with a batch the folder no longer holds goes back to the queue once per record") {
  TempDir dir;
  std::vector<std::string> ids;
  std::string edited;
  {
    auto store = test::enrolled_store(dir.path());
    REQUIRE(store->set_server_seal_key(ws::seal::make_key_pair().value().public_key));
    for (int i = 0; i < 3; ++i) ids.push_back(store->save("intake", test::intake_payload(i)).value());
    const OutboxBatch lost = freeze(*store, 2);
    REQUIRE(store->update(ids[0], {{"nationality", "Edited after the freeze"}}));
    edited = version(*store, ids[0]);
    auto& db = store->connection();
    test::batch_keys_undone(db);
    // No writer leaves a row marked with a batch that is gone; a damaged folder could.
    REQUIRE(db.exec(("DELETE FROM outbox_batches WHERE batch_id = '" + lost.batch_id + "'").c_str()));
  }
  auto store = std::move(Store::open(dir.path()).value());
  auto& db = store->connection();
  CHECK(count(db, "SELECT COUNT(*) FROM outbox WHERE batch IS NOT NULL") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == 3);  // ids[0]'s older row went: its edit is queued
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 3);
  const OutboxBatch all = freeze(*store, 10);
  CHECK(all.record_ids == std::vector<std::string>{ids[1], ids[2], ids[0]});
  acknowledge(*store, all);
  CHECK(base_version(*store, ids[0]) == edited);
  CHECK(store->pending_count().value() == 0);
}

TEST_CASE("a record whose rows sit in two batches the schema-20 folder no longer holds goes back to the queue once, newest") {
  TempDir dir;
  std::string id, edited;
  {
    auto store = test::enrolled_store(dir.path());
    REQUIRE(store->set_server_seal_key(ws::seal::make_key_pair().value().public_key));
    id = store->save("intake", test::intake_payload(1)).value();
    const OutboxBatch first = freeze(*store, 10);
    REQUIRE(store->update(id, {{"nationality", "Edited after the first freeze"}}));
    edited = version(*store, id);
    const OutboxBatch second = freeze(*store, 10, {first.batch_id});
    REQUIRE(second.record_ids == std::vector<std::string>{id});
    auto& db = store->connection();
    test::batch_keys_undone(db);
    REQUIRE(db.exec(("DELETE FROM outbox_batches WHERE batch_id IN ('" + first.batch_id + "', '" + second.batch_id + "')").c_str()));
  }
  auto opened = Store::open(dir.path());
  REQUIRE_MESSAGE(opened, opened.error().message);
  auto store = std::move(*opened);
  auto& db = store->connection();
  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == 1);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 1);
  const OutboxBatch again = freeze(*store, 10);
  CHECK(again.record_ids == std::vector<std::string>{id});
  acknowledge(*store, again);
  CHECK(base_version(*store, id) == edited);
  CHECK(store->pending_count().value() == 0);
}
