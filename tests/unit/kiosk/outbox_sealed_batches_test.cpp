// Frozen batches of sealed items (schema 13): stored once, as their rows' items, marked and
// acknowledged set-wise, and still sent again byte for byte under the same batch_id.
#include <doctest/doctest.h>

#include "kiosk/core/sync/sync_round.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "tests/unit/kiosk/test_server.hpp"
#include "ws/push_seal.hpp"
#include "ws/sealing.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::TempDir;
using ws::kiosk::test::TestServer;
using ws::protocol::PushResponse;
using ws::protocol::RecordStatus;

namespace {

struct SealingStore {
  ws::seal::KeyPair server = ws::seal::make_key_pair().value();
  std::unique_ptr<Store> store;

  explicit SealingStore(const std::string& dir) : store(test::enrolled_store(dir)) {
    REQUIRE(store->set_server_seal_key(server.public_key));
  }
  std::vector<std::string> save(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) ids.push_back(store->save("intake", test::intake_payload(i)).value());
    return ids;
  }
  OutboxBatch batch(std::size_t max_records = 500) {
    auto b = store->next_batch({.max_records = max_records});
    REQUIRE(b);
    REQUIRE(*b);
    return std::move(**b);
  }
  // The batch's records as the server reads them.
  nlohmann::json opened(const OutboxBatch& b) {
    auto plain = ws::push_seal::open(server, store->identity().value().device_id, b.body, 1 << 24);
    REQUIRE(plain);
    return nlohmann::json::parse(*plain)["records"];
  }
  std::int64_t count(const char* sql) {
    auto st = store->connection().prepare(sql);
    REQUIRE(st);
    REQUIRE(st->step().value());
    return st->column_int(0);
  }
  void exec(const std::string& sql) { REQUIRE(store->connection().exec(sql.c_str())); }
};

}  // namespace

TEST_CASE("a sealed batch is stored once, as its rows' items, and goes out again byte for byte") {
  TempDir dir;
  OutboxBatch first;
  {
    SealingStore k(dir.path());
    k.save(5);
    first = k.batch(3);
    CHECK(ws::push_seal::is_sealed(first.body));
    CHECK(k.opened(first).size() == 3);
    // No second copy of the items: the stored body is empty and made again from the rows.
    CHECK(k.count("SELECT count(*) FROM outbox_batches WHERE from_items = 1 AND length(body) = 0") == 1);
  }
  auto store = Store::open(dir.path());  // a restart between attempts
  REQUIRE(store);
  auto again = (*store)->next_batch({.max_records = 3});
  REQUIRE(again);
  REQUIRE(*again);
  CHECK((*again)->batch_id == first.batch_id);
  CHECK((*again)->body == first.body);
  CHECK((*again)->record_ids == first.record_ids);
}

TEST_CASE("rows whose records cannot be read now are passed over, the rest marked in one go") {
  TempDir dir;
  SealingStore k(dir.path());
  auto ids = k.save(5);
  // Row 2 has no copy and its record cannot be read (here: gone); row 4 has no copy but a
  // readable record, so it is sealed while the batch is made.
  k.exec("UPDATE outbox SET sealed_version = NULL, sealed_size = NULL WHERE record_id IN ('" + ids[1] + "', '" + ids[3] +
         "'); DELETE FROM outbox_items WHERE seq IN (SELECT seq FROM outbox WHERE sealed_version IS NULL)");
  k.exec("PRAGMA foreign_keys = OFF");
  k.exec("DELETE FROM records WHERE id = '" + ids[1] + "'");
  auto b = k.batch();
  CHECK(b.record_ids == std::vector<std::string>{ids[0], ids[2], ids[3], ids[4]});
  CHECK(k.opened(b).size() == 4);
  CHECK(k.count("SELECT count(*) FROM outbox WHERE batch IS NULL") == 1);
  // Each marked with its batch's key alone: the version sent is its copy's, kept nowhere else.
  CHECK(k.count("SELECT count(*) FROM outbox WHERE batch IS NOT NULL AND sealed_version IS NOT NULL") == 4);
  CHECK(k.count("SELECT count(*) FROM outbox_frozen_items") == 0);
  auto again = k.store->next_batch({});
  REQUIRE(again);
  REQUIRE(*again);
  CHECK((*again)->body == b.body);
}

TEST_CASE("verdicts on a sealed batch: kept records leave together, rejected and missing ones one by one") {
  TempDir dir;
  SealingStore k(dir.path());
  auto ids = k.save(4);
  auto b = k.batch();
  k.exec("INSERT OR REPLACE INTO meta(key, value) VALUES('pull_cursor', '5')");
  PushResponse r{b.batch_id,
                 {{ids[0], RecordStatus::Applied, ""},
                  {ids[1], RecordStatus::Merged, ""},
                  {ids[2], RecordStatus::Rejected, "field 'age': must be a number"}},
                 "9",
                 "5"};
  auto ack = k.store->acknowledge(b.batch_id, r);
  REQUIRE(ack);
  CHECK(ack->accepted == 2);
  CHECK(ack->rejected == 1);
  CHECK(ack->requeued == 1);
  CHECK(ack->any_merged);
  CHECK_FALSE(ack->pull_cursor_advanced);  // a merged record must be pulled back
  for (int i : {0, 1}) {
    auto kept = k.store->get(ids[i]).value().value();
    CHECK(kept.sync_state == SyncState::Sent);
    REQUIRE(kept.envelope.base_version);
    CHECK(*kept.envelope.base_version == kept.envelope.version);
  }
  CHECK(k.store->get(ids[2]).value()->sync_state == SyncState::Quarantined);
  CHECK(k.store->get(ids[3]).value()->sync_state == SyncState::Pending);
  CHECK(k.count("SELECT count(*) FROM outbox_batches") == 0);
  auto next = k.batch();
  CHECK(next.batch_id != b.batch_id);
  CHECK(next.record_ids == std::vector<std::string>{ids[3]});
}

TEST_CASE("a record edited while its sealed batch is in flight stays pending after the acknowledgement") {
  TempDir dir;
  SealingStore k(dir.path());
  auto ids = k.save(2);
  auto b = k.batch();
  REQUIRE(k.store->update(ids[0], {{"notes", "second thoughts"}}));
  PushResponse r{b.batch_id, {{ids[0], RecordStatus::Applied, ""}, {ids[1], RecordStatus::Applied, ""}}, "3", ""};
  REQUIRE(k.store->acknowledge(b.batch_id, r));
  CHECK(k.store->get(ids[0]).value()->sync_state == SyncState::Pending);
  CHECK(k.store->get(ids[1]).value()->sync_state == SyncState::Sent);
  auto next = k.batch();
  CHECK(next.record_ids == std::vector<std::string>{ids[0]});
  CHECK(k.opened(next)[0]["payload"]["notes"] == "second thoughts");
}

TEST_CASE("a frozen row sealed again by a pull keeps the item it was frozen with for the retry") {
  TestServer server;
  test::EnrolledKiosk a(server, "OSLO");
  test::EnrolledKiosk b(server, "OSLO");
  REQUIRE(a.sync());  // both learn the server's key
  REQUIRE(b.sync());
  auto id = a.store->save("intake", test::intake_payload(3));
  REQUIRE(id);
  REQUIRE(a.sync());
  REQUIRE(b.sync());
  REQUIRE(b.store->update(*id, {{"nationality", "From B"}}));
  REQUIRE(b.sync());
  REQUIRE(a.store->update(*id, {{"return_country", "From A"}}));
  auto frozen = a.store->next_batch({});  // frozen, then the push is cut short
  REQUIRE(frozen);
  REQUIRE(*frozen);

  auto pulled = SyncRound(*a.store, a.transport).pull();  // merges into the frozen record
  REQUIRE(pulled);
  CHECK(*pulled >= 1);
  auto again = a.store->next_batch({});
  REQUIRE(again);
  REQUIRE(*again);
  CHECK((*again)->batch_id == (*frozen)->batch_id);
  CHECK((*again)->body == (*frozen)->body);

  REQUIRE(a.sync());
  auto held = server.records().at(*id);
  CHECK(held.payload.at("nationality") == "From B");
  CHECK(held.payload.at("return_country") == "From A");
  auto left = a.store->connection().prepare("SELECT count(*) FROM outbox_frozen_items");
  REQUIRE(left);
  REQUIRE(left->step().value());
  CHECK(left->column_int(0) == 0);
  CHECK(a.store->pending_count().value() == 0);
}
