// Schema 22: no unique index keeps "at most one unsent outbox row per record" any more; the
// writers that queue a row keep it (kiosk/core/store/unsent_row.hpp), and the store that freezes
// batches merges at its open the rows a damaged folder doubled. A schema-21 folder upgrades and
// sends its frozen batches, under the same ids and byte for byte, to the real server, every
// record once at its newest version.
#include <doctest/doctest.h>

#include <algorithm>

#include "kiosk/core/store/schema.hpp"
#include "kiosk/core/sync/sync_round.hpp"
#include "tests/unit/kiosk/frozen_folder.hpp"
#include "tests/unit/kiosk/recording_transport.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "tests/unit/kiosk/test_server.hpp"
#include "ws/sealing.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::acknowledge;
using ws::kiosk::test::base_version;
using ws::kiosk::test::count;
using ws::kiosk::test::freeze;
using ws::kiosk::test::RecordingTransport;
using ws::kiosk::test::TempDir;
using ws::kiosk::test::TestServer;
using ws::kiosk::test::version;
using ws::protocol::PushResponse;
using ws::protocol::RecordStatus;

namespace {

std::int64_t unsent_rows_of(Store& store, const std::string& id) {
  auto st = store.connection().prepare("SELECT count(*) FROM outbox WHERE record_id = ?1 AND batch IS NULL");
  REQUIRE(st);
  REQUIRE(st->bind(1, id).step().value());
  return st->column_int(0);
}

// The version the record's one unsent row carries in its copy.
std::string queued_version(Store& store, const std::string& id) {
  return test::text(store.connection(), "SELECT ifnull(sealed_version, '-') FROM outbox WHERE record_id = ?1 AND batch IS NULL",
                    id);
}

// A store that knows a server key, so its rows carry sealed copies; the key's pair to open bodies.
struct SealingStore {
  TempDir dir;
  ws::seal::KeyPair server = ws::seal::make_key_pair().value();
  std::unique_ptr<Store> store = test::enrolled_store(dir.path());
  std::string device = store->identity().value().device_id;
  SealingStore() { REQUIRE(store->set_server_seal_key(server.public_key)); }
  std::vector<std::string> sent(const OutboxBatch& b) { return test::versions_sent(b.body, &server, device); }
};

}  // namespace

TEST_CASE("a schema-21 folder with frozen batches and queued rows upgrades and sends each record once, newest") {
  TestServer server;
  test::FrozenBatchesKiosk f(server);
  // A queued record saved twice more.
  REQUIRE(f.k.store->update(f.ids[4], {{"nationality", "Edited once"}}));
  REQUIRE(f.k.store->update(f.ids[4], {{"nationality", "Edited twice"}}));
  std::string before;
  {
    auto& db = f.k.store->connection();
    test::unsent_index_restored(db);
    CHECK(test::layout(db) == test::layout_of_schema(schema::kOutboxBatchKeys));
    CHECK(count(db, "SELECT COUNT(*) FROM outbox WHERE batch IS NOT NULL") == 4);
    CHECK(count(db, "SELECT COUNT(*) FROM outbox WHERE batch IS NULL") == 3);
    before = test::outbox_rows(db, test::kRowBatchId, test::kRowSentVersion);
  }
  f.reopen();
  auto& db = f.k.store->connection();
  CHECK(schema::current_version(db).value() == schema::kLatest);
  CHECK(count(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox_one_unbatched'") == 0);
  CHECK(test::outbox_rows(db, test::kRowBatchId, test::kRowSentVersion) == before);
  CHECK(unsent_rows_of(*f.k.store, f.ids[4]) == 1);
  CHECK(queued_version(*f.k.store, f.ids[4]) == version(*f.k.store, f.ids[4]));
  // 2 + 2 frozen, then the two queued and the edit, each once.
  f.push_all_once(7);
}

TEST_CASE("saves of a record before a push leave one unsent row with the newest version") {
  SealingStore s;
  const std::string id = s.store->save("intake", test::intake_payload(1)).value();
  const std::string other = s.store->save("intake", test::intake_payload(2)).value();
  REQUIRE(s.store->update(id, {{"nationality", "Edited once"}}));
  REQUIRE(s.store->update(id, {{"nationality", "Edited twice"}}));
  CHECK(unsent_rows_of(*s.store, id) == 1);
  CHECK(queued_version(*s.store, id) == version(*s.store, id));
  // Asked back by the server (a restored database): queued already, so queued once.
  REQUIRE(s.store->requeue({id, other}).value() == 2);
  CHECK(unsent_rows_of(*s.store, id) == 1);
  CHECK(unsent_rows_of(*s.store, other) == 1);
  // The row kept its place in the queue: the record goes first, at its newest version.
  const OutboxBatch b = freeze(*s.store, 10);
  CHECK(b.record_ids == std::vector<std::string>{id, other});
  CHECK(s.sent(b) == std::vector<std::string>{version(*s.store, id), version(*s.store, other)});
}

TEST_CASE("a batch back in the queue after its record was saved again leaves one unsent row, newest") {
  SealingStore s;
  const std::string id = s.store->save("intake", test::intake_payload(1)).value();
  const std::string other = s.store->save("intake", test::intake_payload(2)).value();
  const OutboxBatch frozen = freeze(*s.store, 10);
  REQUIRE(s.store->update(id, {{"nationality", "Edited after the freeze"}}));
  const std::string edited = version(*s.store, id);

  SUBCASE("the batch released (erasure, clock recovery, a changed key)") {
    REQUIRE(s.store->dissolve_batch(frozen.batch_id));
  }
  SUBCASE("the reply left the record out") {
    PushResponse reply{frozen.batch_id, {{other, RecordStatus::Applied, ""}}, "", ""};
    REQUIRE(s.store->acknowledge(frozen.batch_id, reply));
  }
  CHECK(count(s.store->connection(), "SELECT COUNT(*) FROM outbox WHERE batch IS NOT NULL") == 0);
  CHECK(unsent_rows_of(*s.store, id) == 1);
  CHECK(queued_version(*s.store, id) == edited);
  const OutboxBatch next = freeze(*s.store, 10);
  CHECK(std::count(next.record_ids.begin(), next.record_ids.end(), id) == 1);
  acknowledge(*s.store, next);
  CHECK(base_version(*s.store, id) == edited);
  CHECK(s.store->pending_count().value() == 0);
}

TEST_CASE("a folder damaged to hold two unsent rows of a record opens and pushes the record once, newest") {
  TestServer server;
  test::EnrolledKiosk k(server, "OSLO");
  REQUIRE(k.sync());
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(k.store->save("intake", test::intake_payload(i)).value());
  // A legitimate pair stays: a record frozen, then edited (its second row is its only unsent one).
  const OutboxBatch frozen = freeze(*k.store, 1);
  REQUIRE(frozen.record_ids == std::vector<std::string>{ids[0]});
  REQUIRE(k.store->update(ids[0], {{"nationality", "Edited after the freeze"}}));
  {
    // The damage: a second unsent row of ids[1] with the copy of its first version, then an edit
    // that only the first row takes.
    auto& db = k.store->connection();
    const std::string first = "(SELECT seq FROM outbox WHERE record_id = '" + ids[1] + "')";
    REQUIRE(db.exec(("INSERT INTO outbox(record_id, enqueued_ms, sealed_version, sealed_size) "
                     "SELECT record_id, enqueued_ms, sealed_version, sealed_size FROM outbox WHERE seq = " + first +
                     "; INSERT INTO outbox_items(seq, item) SELECT last_insert_rowid(), item FROM outbox_items WHERE seq = " +
                     first)
                        .c_str()));
    REQUIRE(unsent_rows_of(*k.store, ids[1]) == 2);
  }
  REQUIRE(k.store->update(ids[1], {{"nationality", "Edited after the damage"}}));
  k.store.reset();
  {
    // Only the connection that freezes batches merges them (a sign-in's open skips the scan).
    auto signing_in = Store::open(k.dir.path());
    REQUIRE_MESSAGE(signing_in, signing_in.error().message);
    CHECK(unsent_rows_of(**signing_in, ids[1]) == 2);
  }
  StoreOptions freezing;
  freezing.merge_unsent_duplicates = true;
  auto opened = Store::open(k.dir.path(), freezing);
  REQUIRE_MESSAGE(opened, opened.error().message);
  k.store = std::move(*opened);
  auto& db = k.store->connection();
  CHECK(unsent_rows_of(*k.store, ids[1]) == 1);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == 4);        // ids[0] frozen and edited, ids[1], ids[2]
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == 3);  // ids[1]'s copy goes: sealed again at the freeze
  CHECK(queued_version(*k.store, ids[0]) == version(*k.store, ids[0]));

  RecordingTransport wire(server.url());
  auto report = SyncRound(*k.store, wire).run();
  REQUIRE(report);
  REQUIRE(!wire.pushed().empty());
  CHECK(wire.pushed()[0] == frozen.body);
  CHECK(report->accepted == 4);  // the frozen batch, then ids[1], ids[2] and ids[0]'s edit, each once
  CHECK(report->rejected == 0);
  test::held_once_at_newest(server, *k.store, ids);
}
