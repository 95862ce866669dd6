#include <doctest/doctest.h>

#include "kiosk/core/store/schema.hpp"
#include "kiosk/core/store/store.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::TempDir;

namespace {

// Writes a record the way a kiosk at schema version `v` did (raw SQL of that version).
void write_old_record(ws::sql::Connection& db, int v, const std::string& id) {
  auto meta = db.prepare("INSERT INTO meta(key, value) VALUES(?1, ?2)");
  REQUIRE(meta);
  for (auto [k, val] : {std::pair<const char*, const char*>{"device_id", "dev-old"}, {"token", "t"}, {"centre", "OSLO"},
                        {"server_url", "http://127.0.0.1:1"}}) {
    meta->reset();
    REQUIRE(meta->bind(1, k).bind(2, val).run());
  }
  const std::string version = "0000000000001-00000000@dev-old";
  const bool side_table = v >= schema::kSyncSideTable;  // the sync state has its own table
  auto rec = db.prepare(
      side_table ? "INSERT INTO records(id, kind, centre, case_id, version, deleted, schema_version, payload_codec, "
                   "payload, field_versions, updated_ms) VALUES(?1, 'case', 'OSLO', NULL, ?2, 0, 1, 1, ?3, ?4, 1)"
                 : "INSERT INTO records(id, kind, centre, case_id, version, deleted, schema_version, payload_codec, "
                   "payload, field_versions, base_version, updated_ms, sync_state, sync_error) "
                   "VALUES(?1, 'case', 'OSLO', NULL, ?2, 0, 1, 1, ?3, ?4, NULL, 1, 1, '')");
  REQUIRE(rec);
  REQUIRE(rec->bind(1, id).bind(2, version)
              .bind_blob(3, R"({"given_name":"Legacy","family_name":"Karimi","case_number":"OSL-77"})")
              .bind(4, "{}").run());
  if (side_table) {
    auto sync = db.prepare("INSERT INTO record_sync(id, base_version, sync_state, sync_error) VALUES(?1, NULL, 1, '')");
    REQUIRE(sync);
    REQUIRE(sync->bind(1, id).run());
  }
  auto out = db.prepare("INSERT INTO outbox(record_id, enqueued_ms) VALUES(?1, 1)");
  REQUIRE(out);
  REQUIRE(out->bind(1, id).run());
  if (v >= 3) {  // a v3 kiosk filled the search column when it saved
    auto search = db.prepare("UPDATE records SET search_text = 'legacy\nkarimi\nosl-77\n' WHERE id = ?1");
    REQUIRE(search);
    REQUIRE(search->bind(1, id).run());
  }
  if (v >= 2) {
    auto draft = db.prepare("INSERT INTO drafts(counsellor, key, value_codec, value, updated_ms) VALUES('c1', 'k', 1, '{\"a\":1}', 1)");
    REQUIRE(draft);
    REQUIRE(draft->run());
  }
}

}  // namespace

TEST_CASE("every older schema version migrates to the latest with its data intact") {
  for (int from = 0; from < schema::kLatest; ++from) {
    CAPTURE(from);
    TempDir dir;
    const std::string id = ws::new_uuid_v7();
    {
      auto db = ws::sql::Connection::open(Store::database_path(dir.path()));
      REQUIRE(db);
      REQUIRE(schema::migrate(*db, from));
      CHECK(schema::current_version(*db).value() == from);
      if (from >= 1) write_old_record(*db, from, id);
    }
    auto store = Store::open(dir.path());
    REQUIRE(store);
    CHECK(schema::current_version((*store)->connection()).value() == schema::kLatest);
    if (from >= 1) {
      auto got = (*store)->get(id);
      REQUIRE(got);
      REQUIRE(*got);
      CHECK((*got)->envelope.payload["family_name"] == "Karimi");
      CHECK((*got)->sync_state == SyncState::Pending);
      // The search column added in v3 was filled from the existing payloads.
      CHECK((*store)->list({.kind = "case", .text = "karimi"})->size() == 1);
      CHECK((*store)->identity()->device_id == "dev-old");
      auto batch = (*store)->next_batch({});
      REQUIRE(batch);
      REQUIRE(*batch);
      CHECK((*batch)->record_ids == std::vector<std::string>{id});
    }
    if (from >= 2) CHECK((*store)->get_draft("c1", "k").value().has_value());
    // Drafts work after every upgrade path.
    REQUIRE((*store)->put_draft("c9", "k", 5));
    // v5: every older kiosk starts with no lockouts, and the login guard works after the upgrade.
    CHECK((*store)->login_guard("c1").value().clear());
    REQUIRE((*store)->set_login_guard("c1", {5, 1'700'000'030'000}));
    CHECK((*store)->login_guard("c1").value().failures == 5);
    auto again = Store::open(dir.path());  // reopening an up-to-date store changes nothing
    REQUIRE(again);
  }
}

TEST_CASE("a database from a newer kiosk version is refused, not damaged") {
  TempDir dir;
  {
    auto store = test::enrolled_store(dir.path());
    REQUIRE(store->connection().exec("PRAGMA user_version = 99"));
  }
  auto store = Store::open(dir.path());
  REQUIRE_FALSE(store);
  CHECK(store.error().code == "schema_too_new");
  CHECK(store.error().message.find("newer") != std::string::npos);
}
