// A frozen batch's rows are found by the range of outbox keys it was frozen from (schema 17,
// outbox.cpp "batch_rows"), not by an index on batch_id: rows inside that range that belong to
// another batch, or to none, are never taken for it; a folder of schema 16 with a batch still
// frozen gets its range and sends the batch again as it was.
#include <doctest/doctest.h>

#include "kiosk/core/store/schema.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "ws/sealing.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::count;
using ws::kiosk::test::TempDir;
using ws::protocol::PushResponse;
using ws::protocol::RecordStatus;

namespace {

std::string save(Store& store, int n) { return store.save("intake", test::intake_payload(n)).value(); }

OutboxBatch freeze(Store& store, std::size_t max_records, const InFlight& in_flight = {}) {
  auto b = store.next_batch({.max_records = max_records}, in_flight);
  REQUIRE(b);
  REQUIRE(*b);
  return std::move(**b);
}

PushResponse all_applied(const OutboxBatch& b) {
  PushResponse reply{b.batch_id, {}, "", ""};
  for (const auto& id : b.record_ids) reply.results.push_back({id, RecordStatus::Applied, ""});
  return reply;
}

std::int64_t rows_of(Store& store, const std::string& batch_id) {
  return count(store.connection(), "SELECT COUNT(*) FROM outbox WHERE batch = (SELECT id FROM outbox_batches WHERE batch_id = '" +
                                                 batch_id + "')");
}

// Batch `wide` spans the outbox keys of r1..r3 but holds r1 and r3 only: r2 was frozen into
// `middle` before r1 was released from its first batch and frozen again together with r3.
struct Interleaved {
  std::string r1, r2, r3;
  OutboxBatch middle, wide;

  explicit Interleaved(Store& store) {
    r1 = save(store, 1);
    r2 = save(store, 2);
    const OutboxBatch first = freeze(store, 1);
    middle = freeze(store, 1, {first.batch_id});
    REQUIRE(store.dissolve_batch(first.batch_id));
    r3 = save(store, 3);
    wide = freeze(store, 2, {middle.batch_id});
  }
};

void check_interleaved(Store& store) {
  Interleaved k(store);
  CHECK(k.middle.record_ids == std::vector<std::string>{k.r2});
  CHECK(k.wide.record_ids == std::vector<std::string>{k.r1, k.r3});
  CHECK(count(store.connection(), "SELECT last_seq - first_seq FROM outbox_batches WHERE batch_id = '" +
                                      k.wide.batch_id + "'") == 2);

  // Released, the wide batch gives back its own rows only.
  REQUIRE(store.dissolve_batch(k.wide.batch_id));
  CHECK(rows_of(store, k.middle.batch_id) == 1);
  CHECK(count(store.connection(), "SELECT COUNT(*) FROM outbox WHERE batch IS NULL") == 2);
  const OutboxBatch again = freeze(store, 2, {k.middle.batch_id});
  CHECK(again.record_ids == std::vector<std::string>{k.r1, k.r3});

  // Acknowledged, it forgets its own rows only; the batch in the middle is offered as it was.
  auto ack = store.acknowledge(again.batch_id, all_applied(again));
  REQUIRE(ack);
  CHECK(ack->accepted == 2);
  CHECK(store.pending_count().value() == 1);
  CHECK(rows_of(store, k.middle.batch_id) == 1);
  const OutboxBatch resent = freeze(store, 2);
  CHECK(resent.batch_id == k.middle.batch_id);
  CHECK(resent.body == k.middle.body);
  REQUIRE(store.acknowledge(resent.batch_id, all_applied(resent)));
  CHECK(store.pending_count().value() == 0);
  CHECK(count(store.connection(), "SELECT COUNT(*) FROM outbox") == 0);
}

}  // namespace

TEST_CASE("a plain batch's range holds another batch's row, which it never takes") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  check_interleaved(*store);
}

TEST_CASE("a sealed batch's range holds another batch's row, which it never takes") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  REQUIRE(store->set_server_seal_key(ws::seal::make_key_pair().value().public_key));
  check_interleaved(*store);
}

TEST_CASE("a folder of the schema before ranges with a frozen batch gets its range and sends it again as it was") {
  TempDir dir;
  OutboxBatch frozen;
  {
    auto store = test::enrolled_store(dir.path());
    REQUIRE(store->set_server_seal_key(ws::seal::make_key_pair().value().public_key));
    for (int i = 0; i < 4; ++i) save(*store, i);
    frozen = freeze(*store, 3);
    // Back to the shape before: no range, the index on batch_id.
    test::outbox_items_undone(store->connection());
    REQUIRE(store->connection().exec(
        ("ALTER TABLE outbox_batches DROP COLUMN first_seq; ALTER TABLE outbox_batches DROP COLUMN last_seq; "
        "CREATE INDEX outbox_by_batch ON outbox(batch_id, record_id) WHERE batch_id IS NOT NULL; "
        "PRAGMA user_version = " + std::to_string(schema::kOutboxBatchRanges - 1)).c_str()));
  }
  auto opened = Store::open(dir.path());
  REQUIRE(opened);
  Store& store = **opened;
  auto& db = store.connection();
  CHECK(schema::current_version(db).value() == schema::kLatest);
  CHECK(count(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox_by_batch'") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox_batches b WHERE first_seq = (SELECT min(seq) FROM outbox) "
                  "AND last_seq = first_seq + 2") == 1);
  const OutboxBatch again = freeze(store, 3);
  CHECK(again.batch_id == frozen.batch_id);
  CHECK(again.record_ids == frozen.record_ids);
  CHECK(again.body == frozen.body);
  auto ack = store.acknowledge(again.batch_id, all_applied(again));
  REQUIRE(ack);
  CHECK(ack->accepted == 3);
  CHECK(store.pending_count().value() == 1);
  CHECK(count(db, "SELECT COUNT(*) FROM outbox") == 1);
}
