// Schema 16 rebuilt `records` for its one writer: `seq` is the rowid, so no index of its own
// (schema.cpp). An older file upgrades with every row intact, and every reader of `records`
// still finds its rows through an index, in sequence order without a sort.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sync-server/core/case_index.hpp"
#include "sync-server/core/schema.hpp"
#include "tests/unit/server/ingest_fixture.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

// Every table migration 15 must keep as it was, as one text: each row's every column.
constexpr const char* kSnapshot =
    "SELECT (SELECT group_concat(quote(id) || kind || centre || version || deleted || schema_version || payload"
    " || field_versions || seq || updated_at_ms || quote(case_id) || quote(case_number) || quote(case_name)"
    " || quote(case_name_native) || quote(case_status) || quote(case_counsellor) || quote(case_opened)"
    " || quote(case_nationality), ',') FROM (SELECT * FROM records ORDER BY seq)) || '#' ||"
    " (SELECT group_concat(record_id || version || payload || field_versions || seq, ',')"
    "  FROM (SELECT * FROM record_history ORDER BY id)) || '#' ||"
    " (SELECT group_concat(centre || kind || day || created || received, ',')"
    "  FROM (SELECT * FROM record_counts ORDER BY 1, 2, 3)) || '#' ||"
    " (SELECT group_concat(case_id || centre || case_number || name || nationality || opened || updated_at_ms, ',')"
    "  FROM (SELECT * FROM case_index ORDER BY case_id)) || '#' ||"
    " (SELECT group_concat(c.case_id || f.text, ',') FROM case_index c JOIN case_index_fts f ON f.rowid = c.rowid)";

Envelope envelope(const std::string& id, const std::string& kind, std::int64_t at_ms, json payload) {
  Envelope e;
  e.id = id;
  e.kind = kind;
  e.centre = "OSLO";
  e.version = version_at(at_ms, "old-kiosk");
  e.payload = std::move(payload);
  return e;
}

// SQLite's plan for `sql`, its steps joined by " / ".
std::string query_plan(Database& db, const std::string& sql) {
  auto lease = db.acquire();
  REQUIRE(lease.has_value());
  auto st = (*lease)->prepare("EXPLAIN QUERY PLAN " + sql);
  REQUIRE(st.has_value());
  std::string plan;
  while (st->step().value()) plan += st->column_text(3) + " / ";
  return plan;
}

}  // namespace

TEST_CASE("migration 15 keeps every record, version, count and case index row, with seq as the rowid") {
  TempDir dir;
  const std::string path = dir.file("server.db");
  const auto t0 = now_ms();
  const std::string c1 = new_uuid_v7(), c2 = new_uuid_v7(), intake = new_uuid_v7(), form = new_uuid_v7();
  std::string before;
  {  // A file at schema 15, written by the writer as it stood then.
    auto conn = sql::Connection::open(path);
    REQUIRE(conn.has_value());
    REQUIRE(register_case_index_functions(*conn).has_value());
    REQUIRE(migrate_to(*conn, kSeqRowidSchema - 1).has_value());
    auto tx = sql::Transaction::begin(*conn, sql::TxMode::Immediate);
    REQUIRE(tx.has_value());
    auto w = RecordWriter::begin(*conn);
    REQUIRE(w.has_value());
    const json case1 = {{"case_number", "OSL-1"}, {"name_latin", "Amina Yusuf"}, {"status", "open"}};
    REQUIRE(w->write(envelope(c1, "case", t0, case1)).has_value());
    REQUIRE(w->write(envelope(c2, "case", t0 + 1, {{"case_number", "OSL-2"}, {"name_latin", "Omar"}})).has_value());
    REQUIRE(w->write(envelope(intake, "intake", t0 + 2, {{"_case_id", c1}, {"nationality", "Somalia"}})).has_value());
    REQUIRE(w->write(envelope(form, "form", t0 + 3, {{"id", "intake"}})).has_value());
    REQUIRE(w->write(envelope(new_uuid_v7(), "consent", t0 + 4, {{"_case_id", c2}, {"withdrawn", 1}})).has_value());
    REQUIRE(w->write(envelope(new_uuid_v7(), "counsellor", t0 + 5, {{"name", "Kari"}})).has_value());
    // A replaced version goes to the history; a deleted record keeps its row.
    json edited = case1;
    edited["status"] = "closed";
    REQUIRE(w->write(envelope(c1, "case", t0 + 6, edited)).has_value());
    Envelope gone = envelope(c2, "case", t0 + 7, json::object());
    gone.deleted = true;
    REQUIRE(w->write(gone).has_value());
    REQUIRE(tx->commit().has_value());
    auto st = conn->prepare(kSnapshot);
    REQUIRE(st.has_value());
    REQUIRE(st->step().value());
    before = st->column_text(0);
  }
  CHECK(before.find("Somalia") != std::string::npos);
  CHECK(before.find("closed") != std::string::npos);

  auto opened = Database::open(path);
  REQUIRE(opened.has_value());
  Database& db = **opened;
  CHECK(db_count(db, "PRAGMA user_version") == kSchemaVersion);
  CHECK(db_text(db, kSnapshot) == before);
  CHECK(db_count(db, "SELECT count(*) FROM records") == 6);
  CHECK(db_count(db, "SELECT count(*) FROM records WHERE rowid <> seq") == 0);
  CHECK(db_count(db, "SELECT pk FROM pragma_table_info('records') WHERE name = 'seq'") == 1);
  CHECK(db_text(db, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'index'"
                    " AND tbl_name = 'records' ORDER BY name)") ==
        "records_case_link records_centre records_id records_kind");
  CHECK(db_text(db, "SELECT group_concat(name, ' ') FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'records'") == "record_counts_update");
  CHECK(db_text(db, "PRAGMA integrity_check") == "ok");
  // The upgrade ran before the serving settings, and the connection still has them after it.
  CHECK(db_count(db, "PRAGMA temp_store") == 2);
  CHECK(db_count(db, "PRAGMA secure_delete") == 1);

  // After it, pushes take the sequences after the old ones, and replacing an old record keeps
  // its version in the history.
  NameRequired validator;
  HlcClock clock;
  Ingest ingest{db, validator, clock};
  const Device oslo = enroll_device(db, "OSLO", "oslo-1");
  const Envelope old_intake = stored_record(db, intake);
  const std::int64_t old_seq = db_count(db, "SELECT MAX(seq) FROM records");
  auto pushed = ingest.push(
      oslo, batch_json(new_uuid_v7(), json::array({record_json(new_uuid_v7(), "intake", "OSLO",
                                                               version_at(now_ms(), oslo.id), {{"name", "A"}}),
                                                   record_json(intake, "intake", "OSLO", version_at(now_ms(), oslo.id),
                                                               {{"name", "B"}, {"_case_id", c1}})})));
  REQUIRE(pushed.has_value());
  CHECK(db_count(db, "SELECT count(*) FROM records") == 7);
  CHECK(db_count(db, "SELECT count(*) FROM records WHERE seq > " + std::to_string(old_seq)) == 2);
  CHECK(db_count(db, "SELECT count(*) FROM record_history WHERE record_id = '" + intake + "'") == 1);
  CHECK(stored_record(db, intake).payload.value("name", "") == "B");
  CHECK(old_intake.payload.value("nationality", "") == "Somalia");
}

TEST_CASE("every reader of records keeps an index after migration 15, and no sort for sequence order") {
  TestDb t;
  Database& db = *t.db;
  const std::vector<std::string> indexed = {
      "SELECT MAX(seq) FROM records",                                                        // current_seq
      "SELECT MAX(seq) FROM records WHERE centre = 'OSLO' AND seq <= 9",                     // last_visible_seq
      "SELECT id FROM records WHERE centre = 'OSLO' AND seq > 9 ORDER BY seq LIMIT 10",      // the feed
      "SELECT id FROM records WHERE id = 'x'",                                               // loads, probes
      "SELECT id FROM records WHERE case_id = 'x'",                                          // a case's records
      "SELECT MAX(seq) FROM records WHERE kind = 'form'",                                    // the validator's check
      "SELECT payload FROM records WHERE kind = 'form' AND deleted = 0 ORDER BY seq",        // published forms
      "SELECT id FROM records WHERE (kind = 'form' OR kind = 'content') AND deleted = 0",   // HQ's published list
      "SELECT id FROM records WHERE kind = 'counsellor' AND deleted = 0",                    // HQ's accounts
      "SELECT id FROM records WHERE kind = 'consent' AND deleted = 0",                       // pending erasures
      "SELECT id FROM records WHERE kind = 'intake' ORDER BY seq",                           // export by kind
      "SELECT 1 FROM records r JOIN case_index c ON c.case_id = json_extract(r.payload, '$._case_id')"
      " AND r.centre = c.centre WHERE r.kind = 'appointment' AND r.deleted = 0 LIMIT 1",     // HQ export's probe
  };
  for (const auto& sql : indexed) {
    const std::string plan = query_plan(db, sql);
    INFO(sql, " -> ", plan);
    CHECK(plan.find("SCAN records") == std::string::npos);
    CHECK(plan.find("TEMP B-TREE") == std::string::npos);
  }
  // The export of everything reads the table in sequence order, without a sort.
  CHECK(query_plan(db, "SELECT id FROM records ORDER BY seq").find("TEMP B-TREE") == std::string::npos);
}
