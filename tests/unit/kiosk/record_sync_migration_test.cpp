// The sync state moved out of the record rows into record_sync (schema::kSyncSideTable): a
// folder written by the schema before it keeps every record's state, base version and server
// error, and an acknowledgement afterwards rewrites no record row.
#include <doctest/doctest.h>

#include "kiosk/core/store/schema.hpp"
#include "kiosk/core/store/store.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::count;
using ws::kiosk::test::TempDir;
using ws::protocol::PushResponse;
using ws::protocol::RecordStatus;

namespace {

void exec(ws::sql::Connection& db, const std::string& sql) { REQUIRE(db.exec(sql.c_str())); }

struct OldRow {
  std::string id;
  std::string version;
  std::optional<std::string> base;
  int state;
  std::string error;
  bool queued;
};

// A record as the schema before record_sync wrote it: its sync state in its own row.
void write_old_shape(ws::sql::Connection& db, const OldRow& r) {
  auto rec = db.prepare(
      "INSERT INTO records(id, kind, centre, case_id, version, deleted, schema_version, payload_codec, payload, "
      "field_versions, base_version, updated_ms, sync_state, sync_error) "
      "VALUES(?1, 'case', 'OSLO', NULL, ?2, 0, 1, 1, '{\"family_name\":\"Old\"}', '{}', ?3, 1, ?4, ?5)");
  REQUIRE(rec);
  REQUIRE(rec->bind(1, r.id).bind(2, r.version).bind(3, r.base).bind(4, r.state).bind(5, r.error).run());
  if (!r.queued) return;
  auto out = db.prepare("INSERT INTO outbox(record_id, enqueued_ms) VALUES(?1, 1)");
  REQUIRE(out);
  REQUIRE(out->bind(1, r.id).run());
}

std::string stamp(int n) { return "000000000000" + std::to_string(n) + "-00000000@dev-old"; }

}  // namespace

TEST_CASE("a folder of the schema before record_sync keeps every record's sync state") {
  TempDir dir;
  const OldRow synced{ws::new_uuid_v7(), stamp(2), stamp(2), 0, "", false};
  const OldRow pending{ws::new_uuid_v7(), stamp(3), std::nullopt, 1, "", true};
  const OldRow edited{ws::new_uuid_v7(), stamp(5), stamp(4), 1, "", true};
  const OldRow refused{ws::new_uuid_v7(), stamp(6), std::nullopt, 2, "form version 3 is unknown", false};
  {
    auto db = ws::sql::Connection::open(Store::database_path(dir.path()));
    REQUIRE(db);
    REQUIRE(schema::migrate(*db, schema::kSyncSideTable - 1));
    exec(*db, "INSERT INTO meta(key, value) VALUES('device_id', 'dev-old'), ('token', 't'), ('centre', 'OSLO'), "
              "('server_url', 'http://127.0.0.1:1')");
    for (const auto& r : {synced, pending, edited, refused}) write_old_shape(*db, r);
  }
  auto opened = Store::open(dir.path());
  REQUIRE(opened);
  Store& store = **opened;
  auto& db = store.connection();
  CHECK(schema::current_version(db).value() == schema::kLatest);
  // The record rows lost the columns; each record has one row of sync state.
  CHECK(count(db, "SELECT COUNT(*) FROM pragma_table_info('records') "
                  "WHERE name IN ('sync_state', 'base_version', 'sync_error')") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM record_sync") == 4);

  auto got = [&](const OldRow& r) {
    auto g = store.get(r.id);
    REQUIRE(g);
    REQUIRE(*g);
    return **g;
  };
  CHECK(got(synced).sync_state == SyncState::Sent);
  CHECK(got(synced).envelope.base_version->to_string() == synced.version);
  CHECK(got(pending).sync_state == SyncState::Pending);
  CHECK_FALSE(got(pending).envelope.base_version.has_value());
  CHECK(got(edited).envelope.base_version->to_string() == *edited.base);
  CHECK(got(refused).sync_state == SyncState::Quarantined);
  CHECK(got(refused).sync_error == refused.error);
  CHECK(store.pending_count().value() == 2);
  CHECK(store.quarantined_count().value() == 1);
  auto held = store.quarantined();
  REQUIRE(held);
  REQUIRE(held->size() == 1);
  CHECK(held->front().envelope.id == refused.id);

  // An acknowledgement writes the sync state only: no record row is rewritten.
  exec(db, "CREATE TEMP TABLE rewrites(id TEXT)");
  exec(db, "CREATE TEMP TRIGGER count_rewrites AFTER UPDATE ON main.records "
           "BEGIN INSERT INTO rewrites VALUES(NEW.id); END");
  auto batch = store.next_batch({});
  REQUIRE(batch);
  REQUIRE(*batch);
  CHECK((*batch)->record_ids.size() == 2);
  PushResponse reply{(*batch)->batch_id, {}, "1", ""};
  for (const auto& id : (*batch)->record_ids) reply.results.push_back({id, RecordStatus::Applied, ""});
  auto ack = store.acknowledge((*batch)->batch_id, reply);
  REQUIRE(ack);
  CHECK(ack->accepted == 2);
  CHECK(count(db, "SELECT COUNT(*) FROM temp.rewrites") == 0);
  CHECK(got(pending).sync_state == SyncState::Sent);
  CHECK(got(pending).envelope.base_version->to_string() == pending.version);
  CHECK(got(edited).envelope.base_version->to_string() == edited.version);
  CHECK(store.pending_count().value() == 0);

  // A record's sync row goes with it.
  exec(db, "DELETE FROM records WHERE id = '" + synced.id + "'");
  CHECK(count(db, "SELECT COUNT(*) FROM record_sync WHERE id = '" + synced.id + "'") == 0);
  CHECK(count(db, "SELECT COUNT(*) FROM record_sync") == 3);
}
