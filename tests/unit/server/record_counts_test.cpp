// `record_counts` (record_counts.hpp): since schema 14 the writer counts the new rows it inserts,
// one upsert per centre, kind and day, instead of a trigger per row. The counts must stay what
// the per-row trigger gave, whoever writes `records` (kiosk pushes with replays, edits and
// refusals, HQ accounts, erasure, retention settings), and migration 13 keeps an older file's.
#include <doctest/doctest.h>

#include "sync-server/core/case_index.hpp"
#include "sync-server/core/erasure.hpp"
#include "sync-server/core/publish.hpp"
#include "sync-server/core/retention.hpp"
#include "sync-server/core/schema.hpp"
#include "tests/unit/server/ingest_fixture.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

// The per-row rule the writer replaced, kept as a reference beside the real counts: a trigger
// for every inserted row (created and received) and every replaced version (received).
constexpr const char* kReferenceCounts =
    "CREATE TABLE reference_counts (centre TEXT NOT NULL, kind TEXT NOT NULL, day INTEGER NOT NULL,"
    "  created INTEGER NOT NULL, received INTEGER NOT NULL, PRIMARY KEY (centre, kind, day));"
    "CREATE TRIGGER reference_insert AFTER INSERT ON records BEGIN"
    " INSERT INTO reference_counts VALUES (NEW.centre, NEW.kind, NEW.updated_at_ms / 86400000, 1, 1)"
    " ON CONFLICT (centre, kind, day) DO UPDATE SET created = created + 1, received = received + 1; END;"
    "CREATE TRIGGER reference_update AFTER UPDATE ON records BEGIN"
    " INSERT INTO reference_counts VALUES (NEW.centre, NEW.kind, NEW.updated_at_ms / 86400000, 0, 1)"
    " ON CONFLICT (centre, kind, day) DO UPDATE SET received = received + 1; END;";

// A table's rows as one text, in key order.
constexpr const char* kCountsSql =
    "SELECT coalesce(group_concat(centre || '|' || kind || '|' || day || '|' || created || '|' || received, ','), '')"
    " FROM (SELECT * FROM %s ORDER BY centre, kind, day)";

std::string counts_in(Database& db, const std::string& table) {
  std::string sql = kCountsSql;
  sql.replace(sql.find("%s"), 2, table);
  return db_text(db, sql);
}

// First arrivals per centre and kind, from the counts and from the stored rows.
std::string created_counted(Database& db) {
  return db_text(db,
                 "SELECT group_concat(centre || '|' || kind || '|' || n, ',') FROM (SELECT centre, kind, sum(created)"
                 " AS n FROM record_counts GROUP BY centre, kind ORDER BY centre, kind)");
}
std::string rows_stored(Database& db) {
  return db_text(db,
                 "SELECT group_concat(centre || '|' || kind || '|' || n, ',') FROM (SELECT centre, kind, count(*)"
                 " AS n FROM records GROUP BY centre, kind ORDER BY centre, kind)");
}

using Fixture = OsloIngest;

}  // namespace

TEST_CASE("no trigger counts inserted rows: the writer does, once per row") {
  Fixture f;
  CHECK(f.count("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'record_counts_insert'") == 0);
  CHECK(f.count("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'record_counts_update'") == 1);
}

TEST_CASE("the writer's counts equal the per-row rule's after pushes, replays, edits, refusals and HQ writes") {
  Fixture f;
  f.exec(kReferenceCounts);
  // A constraint refusal inside a shared INSERT (rows 13 and 70) and a validation refusal (row 5).
  f.exec("CREATE TRIGGER refuse_some BEFORE INSERT ON records WHEN NEW.payload LIKE '%\"x\":13}%'"
         " OR NEW.payload LIKE '%\"x\":70}%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
  const auto t0 = unix_ms_now();
  json records = json::array();
  std::vector<std::string> ids;
  for (int i = 0; i < 107; ++i) {  // 64 + 32 + 8 + 2 + 1 rows per shared INSERT
    ids.push_back(new_uuid_v7());
    json payload = {{"x", i}};
    if (i != 5) payload["name"] = "n";
    records.push_back(record_json(ids.back(), i % 3 ? "intake" : "case", "OSLO", version_at(t0, f.oslo.id), payload));
  }
  const json batch = batch_json(new_uuid_v7(), records);
  auto first = f.ingest.push(f.oslo, batch);
  REQUIRE(first.has_value());
  CHECK(first->counts.applied == 104);
  auto replay = f.ingest.push(f.oslo, batch);  // the same batch again: nothing new is stored
  REQUIRE(replay.has_value());
  CHECK(replay->replay);

  // Edits of stored records, with a new one between them (a flush between replacing writes).
  mark_pulled(*f.t.db, f.oslo);
  f.push(json::array({record_json(ids[1], "intake", "OSLO", version_at(t0 + 1, f.oslo.id), {{"name", "m"}, {"x", 1}}),
                      record_json(new_uuid_v7(), "case", "OSLO", version_at(t0 + 1, f.oslo.id), {{"x", 0}}),
                      record_json(ids[3], "case", "OSLO", version_at(t0 + 1, f.oslo.id), {{"x", 33}})}));

  // HQ's writers: an account (new, then replaced), a retention setting (new, then replaced) and
  // an erasure (tombstones replacing the case's records).
  auto account = add_counsellor(*f.t.db, "OSLO", "Counts Counsellor", "counsellor", "483920");
  REQUIRE(account.has_value());
  REQUIRE(disable_counsellor(*f.t.db, account->id).has_value());
  REQUIRE(set_retention(*f.t.db, "OSLO", 400).has_value());
  REQUIRE(set_retention(*f.t.db, "OSLO", 500).has_value());
  REQUIRE(erase_case(*f.t.db, ErasureRequest{ids[3], "consent withdrawn", "test"}).has_value());

  CHECK(counts_in(*f.t.db, "record_counts") == counts_in(*f.t.db, "reference_counts"));
  CHECK(created_counted(*f.t.db) == rows_stored(*f.t.db));
  CHECK(f.count("SELECT sum(received) - sum(created) FROM record_counts") > 0);  // replacing writes were counted
}

TEST_CASE("migration 13 keeps an older file's counts, and new rows are counted once after it") {
  TempDir dir;
  const std::string path = dir.file("server.db");
  const auto t0 = now_ms();
  {  // A file at the schema before, its rows counted by the insert trigger.
    auto conn = sql::Connection::open(path);
    REQUIRE(conn.has_value());
    REQUIRE(register_case_index_functions(*conn).has_value());
    REQUIRE(migrate_to(*conn, kWriterCountsSchema - 1).has_value());
    auto insert = conn->prepare(
        "INSERT INTO records (id, kind, centre, version, deleted, schema_version, payload, field_versions, seq,"
        " updated_at_ms) VALUES (?1, ?2, 'OSLO', ?3, 0, 1, '{\"name\":\"n\"}', '{}', ?4, ?5)");
    REQUIRE(insert.has_value());
    for (int seq = 1; seq <= 3; ++seq) {
      insert->reset();
      insert->bind(1, new_uuid_v7())
          .bind(2, seq == 1 ? "case" : "intake")
          .bind(3, version_at(t0 + seq, "old-kiosk").to_string())
          .bind(4, seq)
          .bind(5, t0);
      REQUIRE(insert->run().has_value());
    }
  }
  auto opened = Database::open(path);
  REQUIRE(opened.has_value());
  Database& db = **opened;
  CHECK(db_count(db, "PRAGMA user_version") == kSchemaVersion);
  CHECK(db_count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'record_counts_insert'") == 0);
  CHECK(created_counted(db) == "OSLO|case|1,OSLO|intake|2");

  NameRequired validator;
  HlcClock clock;
  Ingest ingest{db, validator, clock};
  const Device oslo = enroll_device(db, "OSLO", "oslo-1");
  auto pushed = ingest.push(oslo, batch_json(new_uuid_v7(), json::array({record_json(
                                                                 new_uuid_v7(), "intake", "OSLO",
                                                                 version_at(now_ms(), oslo.id), {{"name", "n"}})})));
  REQUIRE(pushed.has_value());
  CHECK(created_counted(db) == "OSLO|case|1,OSLO|intake|3");
  CHECK(created_counted(db) == rows_stored(db));
}
