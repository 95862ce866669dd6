// What each verdict of a push reply does to its outbox row and its record (Store::acknowledge),
// whether the batch's range of keys holds its rows alone afterwards (rows and items then go by
// the range) or a row left out of the reply went back to the queue inside it (then by the key).
#include <doctest/doctest.h>

#include "tests/unit/kiosk/support.hpp"
#include "ws/sealing.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::count;
using ws::kiosk::test::TempDir;
using ws::protocol::PushResponse;
using ws::protocol::RecordStatus;

namespace {

std::string base_version(Store& store, const std::string& id) {
  return ws::kiosk::test::text(store.connection(), "SELECT ifnull(base_version, '-') || ' ' || sync_state FROM record_sync WHERE id = ?1", id);
}

std::string version(Store& store, const std::string& id) { return store.get(id).value()->envelope.version.to_string(); }

std::int64_t rows_of(ws::sql::Connection& db, const std::string& id, const std::string& where = "1") {
  return count(db, "SELECT COUNT(*) FROM outbox o JOIN outbox_items i ON i.seq = o.seq WHERE o.record_id = '" + id + "' AND " + where);
}

}  // namespace

TEST_CASE("each verdict of a reply out of order does the same to its row, with the batch's range alone or not") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  REQUIRE(store->set_server_seal_key(ws::seal::make_key_pair().value().public_key));
  auto& db = store->connection();
  for (int i = 0; i < 6; ++i) REQUIRE(store->save("intake", test::intake_payload(i)));
  auto frozen = store->next_batch({.max_records = 6});
  REQUIRE(frozen);
  REQUIRE(*frozen);
  const OutboxBatch b = std::move(**frozen);
  REQUIRE(b.record_ids.size() == 6);
  const auto& ids = b.record_ids;
  std::vector<std::string> sent;
  for (const auto& id : ids) sent.push_back(version(*store, id));
  // Edited after the freeze: a newer row queued after the batch's range, for one record the
  // server keeps and one the reply leaves out.
  REQUIRE(store->update(ids[0], {{"nationality", "Edited after the freeze"}}));
  REQUIRE(store->update(ids[4], {{"nationality", "Edited after the freeze"}}));

  bool last_left_out = false;
  SUBCASE("the last row kept: the range holds the batch's rows alone") { last_left_out = false; }
  SUBCASE("the last row left out: back in the queue, inside the range") { last_left_out = true; }
  // Listed last to first: matched by id, not by position.
  PushResponse reply{b.batch_id, {}, "", ""};
  if (!last_left_out) reply.results.push_back({ids[5], RecordStatus::Applied, ""});
  reply.results.push_back({ids[3], RecordStatus::Rejected, "refused here"});
  reply.results.push_back({ids[2], RecordStatus::Merged, ""});
  reply.results.push_back({ids[1], RecordStatus::Duplicate, ""});
  reply.results.push_back({ids[0], RecordStatus::Applied, ""});
  auto done = store->acknowledge(b.batch_id, reply);
  REQUIRE(done);
  CHECK(done->accepted == (last_left_out ? 3u : 4u));
  CHECK(done->rejected == 1);
  CHECK(done->requeued == (last_left_out ? 2u : 1u));

  // Kept by the server: synced at the version sent, the newer edit still queued.
  CHECK(base_version(*store, ids[0]) == sent[0] + " 0");
  CHECK(rows_of(db, ids[0], "o.batch IS NULL") == 1);
  CHECK(base_version(*store, ids[1]) == sent[1] + " 0");
  CHECK(base_version(*store, ids[2]) == sent[2] + " 0");
  CHECK(rows_of(db, ids[1]) + rows_of(db, ids[2]) == 0);
  // Refused: quarantined, its row gone.
  CHECK(base_version(*store, ids[3]) == "- 2");
  CHECK(rows_of(db, ids[3]) == 0);
  CHECK(store->quarantined_count().value() == 1);
  // Left out with a newer edit queued: the old row goes, the newer one stays, nothing synced.
  CHECK(base_version(*store, ids[4]) == "- 0");
  CHECK(rows_of(db, ids[4]) == 1);
  CHECK(rows_of(db, ids[4], "o.sealed_version = '" + version(*store, ids[4]) + "'") == 1);
  // The last: kept, or left out and back in the queue with its item.
  CHECK(base_version(*store, ids[5]) == (last_left_out ? "- 0" : sent[5] + " 0"));
  CHECK(rows_of(db, ids[5], "o.batch IS NULL") == (last_left_out ? 1 : 0));

  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == (last_left_out ? 3 : 2));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_items") == (last_left_out ? 3 : 2));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox WHERE batch IS NOT NULL") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_batches") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_frozen_items") == 0);
  CHECK(store->pending_count().value() == (last_left_out ? 3 : 2));
}
