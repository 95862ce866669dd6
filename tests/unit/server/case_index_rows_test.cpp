// The case index kept by the writer of `records` (case_index_rows.hpp) since schema 15, not by
// triggers. It must hold what the triggers gave, whoever writes `records` (pushes of cases and
// of records filed under them, in one shared INSERT and one by one, edits, erasure), and
// migration 14 keeps an older file's index.
#include <doctest/doctest.h>

#include "sync-server/core/case_index.hpp"
#include "sync-server/core/erasure.hpp"
#include "sync-server/core/schema.hpp"
#include "tests/unit/server/ingest_fixture.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

// The triggers' rules (schema 13) kept as a reference beside the real index, into tables of
// their own; the words of the name search as one text per case.
#define REF_ROW                                                                                         \
  "DELETE FROM ref_words WHERE case_id = NEW.id;"                                                       \
  "DELETE FROM ref_index WHERE case_id = NEW.id AND NEW.deleted <> 0;"                                  \
  "INSERT INTO ref_index SELECT NEW.id, NEW.centre, coalesce(NEW.case_number, ''),"                     \
  "  coalesce(NEW.case_name, ''), coalesce(NEW.case_name_native, ''), coalesce(NEW.case_status, ''),"   \
  "  coalesce(NEW.case_counsellor, ''), '', coalesce(NEW.case_opened, date(NEW.updated_at_ms / 1000, 'unixepoch')),"\
  "  NEW.updated_at_ms WHERE NEW.deleted = 0"                                                           \
  " ON CONFLICT (case_id) DO UPDATE SET centre = excluded.centre, case_number = excluded.case_number,"   \
  "  name = excluded.name, name_native = excluded.name_native, status = excluded.status,"               \
  "  counsellor = excluded.counsellor, updated_at_ms = max(ref_index.updated_at_ms, excluded.updated_at_ms)," \
  "  opened = coalesce(NEW.case_opened, ref_index.opened);"                                             \
  "INSERT INTO ref_words SELECT case_id, ws_fold(name || ' ' || name_native || ' ' || case_number)"    \
  " FROM ref_index WHERE case_id = NEW.id;"
#define REF_LINK                                                                                        \
  "UPDATE ref_index SET updated_at_ms = max(updated_at_ms, NEW.updated_at_ms),"                         \
  "  nationality = CASE WHEN NEW.kind = 'intake' AND NEW.deleted = 0 AND NEW.case_nationality IS NOT NULL" \
  "    THEN NEW.case_nationality ELSE nationality END WHERE case_id = NEW.case_id;"

constexpr const char* kReferenceIndex =
    "CREATE TABLE ref_index (case_id TEXT PRIMARY KEY, centre, case_number, name, name_native, status,"
    "  counsellor, nationality, opened, updated_at_ms);"
    "CREATE TABLE ref_words (case_id TEXT PRIMARY KEY, text);"
    "CREATE TRIGGER ref_row_insert AFTER INSERT ON records WHEN NEW.kind = 'case' BEGIN " REF_ROW " END;"
    "CREATE TRIGGER ref_row_update AFTER UPDATE ON records WHEN NEW.kind = 'case' BEGIN " REF_ROW " END;"
    "CREATE TRIGGER ref_link_insert AFTER INSERT ON records WHEN NEW.kind <> 'case' AND NEW.case_id IS NOT NULL"
    " BEGIN " REF_LINK " END;"
    "CREATE TRIGGER ref_link_update AFTER UPDATE ON records WHEN NEW.kind <> 'case' AND NEW.case_id IS NOT NULL"
    " BEGIN " REF_LINK " END;";

constexpr const char* kIndexRows =
    "SELECT coalesce(group_concat(case_id || '|' || centre || '|' || case_number || '|' || name || '|' ||"
    " name_native || '|' || status || '|' || counsellor || '|' || nationality || '|' || opened || '|' ||"
    " updated_at_ms, ','), '') FROM (SELECT * FROM case_index ORDER BY case_id)";
constexpr const char* kIndexWords =
    "SELECT coalesce(group_concat(case_id || '|' || text, ','), '') FROM (SELECT c.case_id, f.text"
    " FROM case_index c JOIN case_index_fts f ON f.rowid = c.rowid ORDER BY c.case_id)";

std::string reference_rows(Database& db) {
  std::string sql = kIndexRows;
  sql.replace(sql.find("case_index ORDER"), 10, "ref_index");
  return db_text(db, sql);
}

json case_payload(const std::string& number, const std::string& name, const std::string& status = "open",
                  const std::optional<std::string>& opened = std::nullopt) {
  json p = {{"case_number", number}, {"name_latin", name}, {"name_native", "نام " + number},
            {"status", status}, {"counsellor", "counsellor-1"}};
  if (opened) p["date_opened"] = *opened;
  return p;
}

json filed(const std::string& case_id, const std::optional<std::string>& nationality = std::nullopt) {
  json p = {{"name", "n"}, {"_case_id", case_id}};
  if (nationality) p["nationality"] = *nationality;
  return p;
}

struct Fixture : OsloIngest {
  json record(const std::string& id, const std::string& kind, std::int64_t at, const json& payload) {
    return record_json(id, kind, "OSLO", version_at(at, oslo.id), payload);
  }
};

}  // namespace

TEST_CASE("no trigger on records keeps the case index, and none fires on an insert") {
  Fixture f;
  CHECK(f.count("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'case_index%'") == 0);
  // An INSERT trigger, whatever it does, makes SQLite copy each shared INSERT's rows into a
  // temporary table first (docs/performance.md, "Session 16").
  CHECK(f.count("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'records'"
                " AND sql LIKE '%INSERT ON records%'") == 0);
}

TEST_CASE("the writer's case index equals the triggers' after pushes, edits, links and erasure") {
  Fixture f;
  f.exec(kReferenceIndex);
  const auto t0 = now_ms();
  const std::string c1 = new_uuid_v7(), c2 = new_uuid_v7(), c3 = new_uuid_v7(), early = new_uuid_v7();
  // One batch of 70 (shared INSERTs of 64, 4 and 2 rows): a record filed under c1 before c1
  // (the case is not there yet when it is written), c1, records filed under it (the last intake
  // gives the nationality), a case without its date, a case elsewhere in the batch's tail.
  json first = json::array();
  first.push_back(f.record(early, "intake", t0, filed(c1, "Earlyland")));
  first.push_back(f.record(c1, "case", t0, case_payload("OSL-1", "Amina Yusuf", "open", "2026-01-10")));
  first.push_back(f.record(new_uuid_v7(), "intake", t0, filed(c1, "Somalia")));
  first.push_back(f.record(new_uuid_v7(), "counselling", t0 + 3, filed(c1)));
  first.push_back(f.record(c2, "case", t0, case_payload("OSL-2", "Bashir Ali")));
  for (int i = 0; i < 62; ++i) first.push_back(f.record(new_uuid_v7(), "intake", t0, {{"name", "n"}}));
  first.push_back(f.record(c3, "case", t0, case_payload("OSL-3", "Chen Wei", "open", "2026-02-01")));
  first.push_back(f.record(new_uuid_v7(), "intake", t0 + 1, filed(c3, "Eritrea")));
  first.push_back(f.record(new_uuid_v7(), "consent", t0 + 2, filed(c2)));
  REQUIRE(first.size() == 70);
  f.push(first);
  CHECK(f.count("SELECT count(*) FROM records") == 70);
  CHECK(f.count("SELECT count(*) FROM case_index") == 3);
  CHECK(db_text(*f.t.db, "SELECT nationality FROM case_index WHERE case_id = '" + c1 + "'") == "Somalia");

  // Replacing writes (one by one): c1 renamed and closed, the early intake edited now that c1
  // exists (its nationality wins: written last), c3's date dropped (the index keeps it).
  mark_pulled(*f.t.db, f.oslo);
  f.push(json::array({f.record(c1, "case", t0 + 10, case_payload("OSL-1", "Amina Yusuf Ahmed", "closed", "2026-01-10")),
                      f.record(early, "intake", t0 + 10, filed(c1, "Kenya")),
                      f.record(c3, "case", t0 + 10, case_payload("OSL-3", "Chen Wei")),
                      f.record(new_uuid_v7(), "case", t0 + 10, case_payload("OSL-4", "Dara Noor"))}));
  CHECK(db_text(*f.t.db, "SELECT nationality FROM case_index WHERE case_id = '" + c1 + "'") == "Kenya");
  CHECK(db_text(*f.t.db, "SELECT opened FROM case_index WHERE case_id = '" + c3 + "'") == "2026-02-01");

  // HQ erases c2: tombstones replace the case and its consent; the case leaves the index.
  REQUIRE(erase_case(*f.t.db, ErasureRequest{c2, "consent withdrawn", "test"}).has_value());
  CHECK(f.count("SELECT count(*) FROM case_index") == 3);

  CHECK(db_text(*f.t.db, kIndexRows) == reference_rows(*f.t.db));
  CHECK(db_text(*f.t.db, kIndexWords) ==
        db_text(*f.t.db, "SELECT coalesce(group_concat(case_id || '|' || text, ','), '') FROM"
                         " (SELECT * FROM ref_words ORDER BY case_id)"));
  CHECK(f.count("SELECT count(*) FROM case_index_fts") == 3);  // no words left of an erased case
  CaseQuery q;
  q.q = "ahmed";
  auto found = search_cases(*f.t.db, CentreScope::every(), q);
  REQUIRE(found.has_value());
  REQUIRE(found->cases.size() == 1);
  CHECK(found->cases[0].case_id == c1);
}

TEST_CASE("migration 14 keeps an older file's case index, and the writer keeps it after") {
  TempDir dir;
  const std::string path = dir.file("server.db");
  const auto t0 = now_ms();
  const std::string c1 = new_uuid_v7(), c2 = new_uuid_v7();
  // Every table the migration must leave as it was, as one text.
  const std::string snapshot_sql =
      "SELECT (SELECT group_concat(id || kind || centre || version || deleted || payload || seq || coalesce(case_id, ''), ',')"
      " FROM (SELECT * FROM records ORDER BY seq)) || '#' ||"
      " (SELECT group_concat(record_id || version || payload, ',') FROM (SELECT * FROM record_history ORDER BY id)) || '#' ||"
      " (SELECT group_concat(centre || kind || created || received, ',') FROM (SELECT * FROM record_counts ORDER BY 1, 2, 3))";
  std::string before_rows, before_words, before_tables;
  {  // A file at the schema before, its index kept by the triggers.
    auto conn = sql::Connection::open(path);
    REQUIRE(conn.has_value());
    REQUIRE(register_case_index_functions(*conn).has_value());
    REQUIRE(migrate_to(*conn, kWriterCaseIndexSchema - 1).has_value());
    auto insert = conn->prepare(
        "INSERT INTO records (id, kind, centre, version, deleted, schema_version, payload, field_versions, seq,"
        " updated_at_ms, case_id, case_number, case_name, case_name_native, case_status, case_counsellor,"
        " case_opened, case_nationality) VALUES (?1, ?2, 'OSLO', ?3, 0, 1, '{}', '{}', ?4, ?5, ?6, ?7, ?8, '', 'open',"
        " 'c', NULL, ?9)");
    REQUIRE(insert.has_value());
    auto row = [&](const std::string& id, const char* kind, int seq, std::optional<std::string> case_id,
                   std::optional<std::string> number, std::optional<std::string> nationality) {
      insert->reset();
      insert->bind(1, id).bind(2, kind).bind(3, version_at(t0 + seq, "old-kiosk").to_string()).bind(4, seq);
      insert->bind(5, t0 + seq).bind(6, case_id).bind(7, number).bind(8, number ? "Old Name " + *number : "");
      insert->bind(9, nationality);
      REQUIRE(insert->run().has_value());
    };
    row(c1, "case", 1, std::nullopt, "OSL-10", std::nullopt);
    row(c2, "case", 2, std::nullopt, "OSL-11", std::nullopt);
    row(new_uuid_v7(), "intake", 3, c1, std::nullopt, "Somalia");
    row(new_uuid_v7(), "note", 4, c2, std::nullopt, std::nullopt);
    row(new_uuid_v7(), "intake", 5, std::nullopt, std::nullopt, "Testland");
    REQUIRE(conn->exec("INSERT INTO record_history (record_id, version, deleted, schema_version, payload,"
                       " field_versions, seq, replaced_at_ms) VALUES ('x', 'v', 0, 1, '{}', '{}', 1, 1);"
                       "INSERT INTO record_counts VALUES ('OSLO', 'case', 1, 2, 3);")
                .has_value());
    auto text = [&](const std::string& sql) {
      auto st = conn->prepare(sql);
      REQUIRE(st.has_value());
      REQUIRE(st->step().value());
      return st->column_text(0);
    };
    before_rows = text(kIndexRows);
    before_words = text(kIndexWords);
    before_tables = text(snapshot_sql);
  }
  CHECK(before_rows.find("Somalia") != std::string::npos);  // the triggers did index them
  auto opened = Database::open(path);
  REQUIRE(opened.has_value());
  Database& db = **opened;
  CHECK(db_count(db, "PRAGMA user_version") == kSchemaVersion);
  CHECK(db_count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'case_index%'") == 0);
  CHECK(db_text(db, kIndexRows) == before_rows);
  CHECK(db_text(db, kIndexWords) == before_words);
  CHECK(db_text(db, snapshot_sql) == before_tables);
  CHECK(db_count(db, "SELECT count(*) FROM case_index_fts WHERE case_index_fts MATCH '\"osl\"*'") == 2);

  // After it the writer keeps the index: a new case, a record filed under an old one.
  NameRequired validator;
  HlcClock clock;
  Ingest ingest{db, validator, clock};
  const Device oslo = enroll_device(db, "OSLO", "oslo-1");
  const std::string c3 = new_uuid_v7();
  auto pushed = ingest.push(
      oslo, batch_json(new_uuid_v7(),
                       json::array({record_json(c3, "case", "OSLO", version_at(now_ms(), oslo.id),
                                                case_payload("OSL-12", "New Name")),
                                    record_json(new_uuid_v7(), "intake", "OSLO", version_at(now_ms(), oslo.id),
                                                filed(c2, "Eritrea"))})));
  REQUIRE(pushed.has_value());
  CHECK(db_count(db, "SELECT count(*) FROM case_index") == 3);
  CHECK(db_text(db, "SELECT nationality FROM case_index WHERE case_id = '" + c2 + "'") == "Eritrea");
  CHECK(db_count(db, "SELECT count(*) FROM case_index_fts WHERE case_index_fts MATCH '\"new\"*'") == 1);
}
