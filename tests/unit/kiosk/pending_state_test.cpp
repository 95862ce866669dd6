// Every writer of a record's sync state, and the answers it leaves: the pending and quarantined
// counts, the status screen's figures, each record's state, the quarantine list and what the next
// round sends. Since schema 20 a record is pending while it has an outbox row (record_row.hpp
// "pending") and record_sync keeps refusals only; these answers are the ones the store gave
// before, when it stored "pending" in record_sync beside the outbox.
#include <doctest/doctest.h>

#include <algorithm>

#include "kiosk/core/store/schema.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "ws/erasure.hpp"
#include "ws/ids.hpp"

using namespace ws;
using namespace ws::kiosk;
using ws::kiosk::test::count;
using ws::kiosk::test::TempDir;
using nlohmann::json;
using protocol::PushResponse;
using protocol::RecordStatus;

namespace {

const char* letter(SyncState s) { return s == SyncState::Sent ? "s" : s == SyncState::Pending ? "p" : "q"; }

std::string position(const std::vector<std::string>& ids, const std::string& id) {
  const auto at = std::find(ids.begin(), ids.end(), id);
  return at == ids.end() ? "?" : std::to_string(at - ids.begin());
}

// "pending N quarantined M | status N M | <state of each of ids, s/p/q> | quarantine list, as
// positions in ids".
std::string answers(Store& store, const std::vector<std::string>& ids) {
  std::string out = "pending " + std::to_string(store.pending_count().value()) + " quarantined " +
                    std::to_string(store.quarantined_count().value());
  const auto status = store.persisted_status().value();
  out += " | status " + std::to_string(status.pending) + " " + std::to_string(status.quarantined) + " | ";
  for (const auto& id : ids) {
    auto r = store.get(id).value();
    out += r ? letter(r->sync_state) : "-";
  }
  out += " |";
  const auto listed = store.quarantined().value();
  for (const auto& r : listed) out += " " + position(ids, r.envelope.id);
  return out;
}

// The records the next round sends first, as positions in ids (the batch is frozen).
std::string next_sent(Store& store, const std::vector<std::string>& ids) {
  auto b = store.next_batch({.max_records = 100}).value();
  if (!b) return "nothing";
  std::string out;
  for (const auto& id : b->record_ids) out += (out.empty() ? "" : " ") + position(ids, id);
  return out;
}

OutboxBatch freeze(Store& store, std::size_t n) {
  auto b = store.next_batch({.max_records = n}).value();
  REQUIRE(b);
  return std::move(*b);
}

// The server's reply to `b`: every record applied, except those in `rejected`, and `absent`
// left out.
void reply(Store& store, const OutboxBatch& b, const std::vector<std::string>& rejected = {},
           const std::string& absent = "") {
  PushResponse r{b.batch_id, {}, "", ""};
  for (const auto& id : b.record_ids) {
    if (id == absent) continue;
    const bool refused = std::find(rejected.begin(), rejected.end(), id) != rejected.end();
    r.results.push_back({id, refused ? RecordStatus::Rejected : RecordStatus::Applied, refused ? "refused for a test" : ""});
  }
  REQUIRE(store.acknowledge(b.batch_id, r));
}

std::vector<std::string> save(Store& store, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(store.save("intake", ws::kiosk::test::intake_payload(i)).value());
  return ids;
}

Envelope pulled(const std::string& id, const std::string& device, const json& payload) {
  Envelope e;
  e.id = id;
  e.kind = "intake";
  e.centre = "OSLO";
  e.version = Version{Hlc{HlcClock::system_wall_ms() + 60'000, 0}, device};
  e.payload = payload;
  for (const auto& [k, _] : payload.items()) e.field_versions[k] = e.version;
  return e;
}

void pull(Store& store, std::vector<Envelope> records) {
  auto r = store.apply_pull(protocol::PullResponse{std::move(records), "1", false});
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
}

}  // namespace

TEST_CASE("pending state: a save, an acknowledgement, and an edit made while its row was frozen") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());
  const auto ids = save(*store, 3);
  CHECK(answers(*store, ids) == "pending 3 quarantined 0 | status 3 0 | ppp |");
  const auto first = freeze(*store, 2);
  REQUIRE(store->update(ids[0], {{"nationality", "Edited while frozen"}}));
  CHECK(answers(*store, ids) == "pending 3 quarantined 0 | status 3 0 | ppp |");
  reply(*store, first);
  CHECK(answers(*store, ids) == "pending 2 quarantined 0 | status 2 0 | psp |");
  CHECK(next_sent(*store, ids) == "2 0");
}

TEST_CASE("pending state: refusals, one of a record edited since, and a record left out of the reply") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());
  const auto ids = save(*store, 4);
  const auto b = freeze(*store, 4);
  REQUIRE(store->update(ids[1], {{"nationality", "The fix, queued while frozen"}}));
  reply(*store, b, {ids[0], ids[1]}, ids[2]);  // 0 refused; 1 refused, edited since; 2 absent; 3 applied
  CHECK(answers(*store, ids) == "pending 2 quarantined 1 | status 2 1 | qpps | 0");
  CHECK(store->get(ids[0]).value()->sync_error == "refused for a test");
  // The queued fix goes out; once the server takes it, the refusal is over.
  const auto again = freeze(*store, 10);
  CHECK(again.record_ids == std::vector<std::string>{ids[2], ids[1]});
  reply(*store, again);
  CHECK(answers(*store, ids) == "pending 0 quarantined 1 | status 0 1 | qsss | 0");
  CHECK(store->get(ids[1]).value()->sync_error.empty());
  // Refused again after an edit: quarantined, no longer pending.
  REQUIRE(store->update(ids[3], {{"nationality", "Edited after it was sent"}}));
  CHECK(answers(*store, ids) == "pending 1 quarantined 1 | status 1 1 | qssp | 0");
  reply(*store, freeze(*store, 10), {ids[3]});
  CHECK(answers(*store, ids) == "pending 0 quarantined 2 | status 0 2 | qssq | 3 0");
  CHECK(next_sent(*store, ids) == "nothing");
}

TEST_CASE("pending state: quarantine, of a queued record and of one whose row is frozen") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());
  const auto ids = save(*store, 3);
  const auto b = freeze(*store, 1);  // ids[0]
  REQUIRE(store->update(ids[0], {{"nationality", "Edited while frozen"}}));
  REQUIRE(store->quarantine(ids[0], "poison"));  // its queued edit goes, its frozen row stays
  REQUIRE(store->quarantine(ids[1], "poison"));
  CHECK(answers(*store, ids) == "pending 2 quarantined 1 | status 2 1 | pqp | 1");
  reply(*store, b);
  CHECK(answers(*store, ids) == "pending 1 quarantined 1 | status 1 1 | sqp | 1");
  CHECK(store->get(ids[0]).value()->sync_error.empty());
  CHECK(next_sent(*store, ids) == "2");
}

TEST_CASE("pending state: sending refused records again, one and all") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());
  const auto ids = save(*store, 3);
  reply(*store, freeze(*store, 3), {ids[0], ids[1], ids[2]});
  CHECK(answers(*store, ids) == "pending 0 quarantined 3 | status 0 3 | qqq | 2 1 0");
  REQUIRE(store->send_again(ids[1]));
  CHECK(answers(*store, ids) == "pending 1 quarantined 2 | status 1 2 | qpq | 2 0");
  CHECK(store->send_again(ids[1]).error().code == "not_quarantined");
  CHECK(store->send_again_all().value() == 2);
  CHECK(answers(*store, ids) == "pending 3 quarantined 0 | status 3 0 | ppp |");
  CHECK(next_sent(*store, ids) == "1 0 2");
}

TEST_CASE("pending state: an epoch reset offers back what the server held, not what it refused") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());  // device "dev-a"
  const auto ids = save(*store, 4);
  reply(*store, freeze(*store, 4), {ids[1], ids[2]});
  REQUIRE(store->update(ids[2], {{"nationality", "Edited after the refusal"}}));  // pending again
  CHECK(answers(*store, ids) == "pending 1 quarantined 1 | status 1 1 | sqps | 1");
  std::vector<std::string> held;
  const auto offered = store->held_records("", 10).value();
  for (const auto& h : offered) held.push_back(position(ids, h.id));
  std::sort(held.begin(), held.end());
  CHECK(held == std::vector<std::string>{"0", "2", "3"});
  CHECK(store->requeue(ids).value() == 3);
  CHECK(answers(*store, ids) == "pending 3 quarantined 1 | status 3 1 | pqpp | 1");
  CHECK(next_sent(*store, ids) == "2 0 3");
}

TEST_CASE("pending state: pulls into a sent, a pending and a quarantined record, and a new pulled record") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());
  auto ids = save(*store, 3);
  reply(*store, freeze(*store, 3), {ids[2]});
  REQUIRE(store->update(ids[1], {{"nationality", "Local, unsent"}}));
  const std::string fresh = new_uuid_v7();
  ids.push_back(fresh);
  pull(*store, {pulled(ids[0], "dev-b", {{"phone", "1"}}), pulled(ids[1], "dev-b", {{"phone", "2"}}),
                pulled(ids[2], "dev-b", {{"phone", "3"}}), pulled(fresh, "dev-b", {{"name_latin", "New"}})});
  CHECK(answers(*store, ids) == "pending 1 quarantined 1 | status 1 1 | spqs | 2");
  CHECK(next_sent(*store, ids) == "1");
}

TEST_CASE("pending state: clock recovery sends pending and refused records again") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());
  const std::int64_t ahead = 3LL * 24 * 3600 * 1000;
  auto tell = [&](std::int64_t server_minus_local) {
    const std::int64_t now = HlcClock::system_wall_ms();
    store->use_server_time(now + server_minus_local, now, now);
    REQUIRE(store->save_clock_offset(server_minus_local));
  };
  tell(ahead);
  const auto ids = save(*store, 2);
  reply(*store, freeze(*store, 1), {ids[0]});
  CHECK(answers(*store, ids) == "pending 1 quarantined 1 | status 1 1 | qp | 0");
  tell(0);
  REQUIRE(store->recover_future_stamps().value() == 2);
  CHECK(answers(*store, ids) == "pending 2 quarantined 0 | status 2 0 | pp |");
  CHECK(next_sent(*store, ids) == "1 0");
}

TEST_CASE("pending state: an erasure leaves its tombstone synced and the other records as they were") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());
  const auto ids = save(*store, 3);
  reply(*store, freeze(*store, 1), {ids[0]});
  Envelope tombstone = pulled(ids[1], "dev-b", json{{kErasedKey, "erasure-1"}});
  tombstone.deleted = true;
  tombstone.field_versions.clear();
  pull(*store, {tombstone});
  CHECK(answers(*store, ids) == "pending 1 quarantined 1 | status 1 1 | qsp | 0");
  CHECK(next_sent(*store, ids) == "2");
}

TEST_CASE("pending state: a schema-19 folder keeps its answers, and a pending record without a row is queued") {
  TempDir dir;
  std::vector<std::string> ids;
  {
    auto store = ws::kiosk::test::enrolled_store(dir.path());
    ids = save(*store, 4);
    reply(*store, freeze(*store, 2), {ids[0]});  // 0 refused, 1 sent; 2 and 3 queued
    ws::kiosk::test::batch_keys_undone(store->connection());
    // Back to schema 19: "pending" stored beside the outbox, every refusal or pending record in
    // the partial index; and record 3 pending without its outbox row (no writer makes one).
    REQUIRE(store->connection().exec(("DELETE FROM outbox_items WHERE seq IN (SELECT seq FROM outbox WHERE record_id = '" +
                                       ids[3] + "'); DELETE FROM outbox WHERE record_id = '" + ids[3] + "';").c_str()));
    REQUIRE(store->connection().exec(("UPDATE record_sync SET sync_state = 1 WHERE id IN ('" + ids[2] + "', '" + ids[3] +
                                       "');").c_str()));
    REQUIRE(store->connection().exec(R"sql(
      DROP INDEX record_sync_refused;
      CREATE INDEX record_sync_by_state ON record_sync(sync_state, id) WHERE sync_state <> 0;
      PRAGMA user_version = 19;
    )sql"));
  }
  auto opened = Store::open(dir.path());
  REQUIRE(opened);
  Store& store = **opened;
  auto& db = store.connection();
  CHECK(schema::current_version(db).value() == schema::kLatest);
  CHECK(count(db, "SELECT COUNT(*) FROM record_sync WHERE sync_state = 1") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'record_sync_by_state'") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'record_sync_refused'") == 1);
  CHECK(answers(store, ids) == "pending 2 quarantined 1 | status 2 1 | qspp | 0");
  CHECK(next_sent(store, ids) == "2 3");
}
