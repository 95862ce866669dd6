// The case columns of `records` (case_columns.hpp): every writer fills them from the payload,
// the case index's triggers and the link index read them instead of JSON, erasure empties them,
// and migration 12 fills them in an older file without touching the index or the counts; the
// push path reads them at the places the envelope reader found, by the same rule as the scan.
#include <doctest/doctest.h>

#include "sync-server/core/case_index.hpp"
#include "sync-server/core/erasure.hpp"
#include "sync-server/core/ingest.hpp"
#include "sync-server/core/schema.hpp"
#include "tests/unit/server/fixtures.hpp"
#include "ws/envelope_reader.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

// The first `columns` columns of a row joined by '|' (NULL as "-"), through a pooled connection;
// `id` is bound to ?1 unless empty.
std::string row_text(Database& db, const std::string& sql, const std::string& id, int columns) {
  auto lease = db.acquire();
  REQUIRE(lease.has_value());
  auto st = (*lease)->prepare(sql);
  REQUIRE(st.has_value());
  if (!id.empty()) st->bind(1, id);
  REQUIRE(st->step().value());
  std::string out;
  for (int i = 0; i < columns; ++i) {
    if (i > 0) out += '|';
    out += st->is_null(i) ? std::string("-") : st->column_text(i);
  }
  return out;
}

constexpr const char* kColumnsSql =
    "SELECT case_id, case_number, case_name, case_name_native, case_status, case_counsellor, case_opened,"
    " case_nationality FROM records WHERE id = ?1";

// Rows whose columns differ from what json_extract reads in their payloads (0 when in step).
constexpr const char* kOutOfStepSql =
    "SELECT count(*) FROM records WHERE case_id IS NOT json_extract(payload, '$._case_id')"
    " OR case_nationality IS NOT (CASE WHEN kind = 'intake' THEN json_extract(payload, '$.nationality') END)"
    " OR case_name IS NOT (CASE WHEN kind = 'case' THEN json_extract(payload, '$.name_latin') END)"
    " OR case_name_native IS NOT (CASE WHEN kind = 'case' THEN json_extract(payload, '$.name_native') END)"
    " OR case_number IS NOT (CASE WHEN kind = 'case' THEN json_extract(payload, '$.case_number') END)"
    " OR case_status IS NOT (CASE WHEN kind = 'case' THEN json_extract(payload, '$.status') END)"
    " OR case_opened IS NOT (CASE WHEN kind = 'case' THEN json_extract(payload, '$.date_opened') END)";

constexpr const char* kJsonInRecordsSchemaSql =
    "SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'records' AND sql LIKE '%json_extract%'";

std::string index_row(Database& db, const std::string& case_id) {
  return row_text(db,
                  "SELECT case_number, name, name_native, status, counsellor, nationality, opened FROM case_index"
                  " WHERE case_id = ?1",
                  case_id, 7);
}

struct Pusher {
  explicit Pusher(Database& d) : db(d) {}
  Database& db;
  AcceptingValidator validator;
  HlcClock clock;
  Ingest ingest{db, validator, clock};
  Device oslo = enroll_device(db, "OSLO", "oslo-1");

  void push(const json& records) {
    auto r = ingest.push(oslo, batch_json(new_uuid_v7(), records));
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
  }
  void push_one(const std::string& id, const std::string& kind, std::int64_t wall_ms, const json& answers,
                const std::optional<Version>& base = std::nullopt) {
    push(json::array({record_json(id, kind, "OSLO", version_at(wall_ms, oslo.id), answers, base)}));
  }
};

}  // namespace

TEST_CASE("every write fills the case columns from its payload, and the case index reads no JSON") {
  TestDb t;
  Pusher p(*t.db);
  const std::string case_id = new_uuid_v7(), intake = new_uuid_v7(), note = new_uuid_v7(), loose = new_uuid_v7();
  const auto t0 = now_ms();
  // A quote and a line break in a name are escaped in the stored text and decoded in the column.
  p.push_one(case_id, "case", t0,
             {{"case_number", "OSL-7"}, {"name_latin", "Amina \"Nur\"\nYusuf"}, {"name_native", "امینه یوسف"},
              {"status", "open"}, {"counsellor", "Kari"}, {"date_opened", "2026-01-02"}});
  p.push_one(intake, "intake", t0 + 1, {{"_case_id", case_id}, {"nationality", "Somalia"}, {"name_latin", "x"}});
  p.push_one(note, "counselling", t0 + 2, {{"_case_id", case_id}, {"nationality", "not an intake"}});
  p.push_one(loose, "intake", t0 + 3, {{"nationality", "Eritrea"}});

  CHECK(row_text(*t.db, kColumnsSql, case_id, 8) == "-|OSL-7|Amina \"Nur\"\nYusuf|امینه یوسف|open|Kari|2026-01-02|-");
  CHECK(row_text(*t.db, kColumnsSql, intake, 8) == case_id + "|-|-|-|-|-|-|Somalia");
  CHECK(row_text(*t.db, kColumnsSql, note, 8) == case_id + "|-|-|-|-|-|-|-");
  CHECK(row_text(*t.db, kColumnsSql, loose, 8) == "-|-|-|-|-|-|-|Eritrea");
  CHECK(db_count(*t.db, kOutOfStepSql) == 0);
  CHECK(db_count(*t.db, kJsonInRecordsSchemaSql) == 0);
  CHECK(index_row(*t.db, case_id) == "OSL-7|Amina \"Nur\"\nYusuf|امینه یوسف|open|Kari|Somalia|2026-01-02");

  // An edit (a merge with the stored record) moves the columns and the index with it; a
  // record filed under the case later links it then.
  p.push_one(case_id, "case", t0 + 10, {{"status", "closed"}}, version_at(t0, p.oslo.id));
  p.push_one(loose, "intake", t0 + 11, {{"_case_id", case_id}}, version_at(t0 + 3, p.oslo.id));
  CHECK(row_text(*t.db, kColumnsSql, loose, 8) == case_id + "|-|-|-|-|-|-|Eritrea");
  CHECK(index_row(*t.db, case_id) == "OSL-7|Amina \"Nur\"\nYusuf|امینه یوسف|closed|Kari|Eritrea|2026-01-02");
  CHECK(db_count(*t.db, kOutOfStepSql) == 0);

  // Erasure writes tombstones through the same writer: no name stays behind in a column.
  auto erased = erase_case(*t.db, ErasureRequest{case_id, "consent withdrawn", "test"});
  REQUIRE(erased.has_value());
  CHECK(db_count(*t.db, "SELECT count(*) FROM records WHERE case_name IS NOT NULL OR case_name_native IS NOT NULL"
                        " OR case_id IS NOT NULL OR case_nationality IS NOT NULL") == 0);
  CHECK(db_count(*t.db, "SELECT count(*) FROM case_index") == 0);
}

TEST_CASE("a case's records are found through the case_id column's index") {
  TestDb t;
  auto lease = t.db->acquire();
  REQUIRE(lease.has_value());
  auto plan = (*lease)->prepare("EXPLAIN QUERY PLAN SELECT id FROM records WHERE id = ?1 OR case_id = ?1");
  REQUIRE(plan.has_value());
  std::string steps;
  while (plan->step().value()) steps += plan->column_text(3) + "\n";
  CHECK_MESSAGE(steps.find("records_case_link") != std::string::npos, steps);
}

TEST_CASE("migration 12 fills the case columns of an older file and keeps its index and counts") {
  TempDir dir;
  const std::string path = dir.file("server.db");
  const std::string case_id = new_uuid_v7(), intake = new_uuid_v7(), note = new_uuid_v7();
  const auto t0 = now_ms();
  {  // A file at the schema before, written as that server's triggers wrote it.
    auto conn = sql::Connection::open(path);
    REQUIRE(conn.has_value());
    REQUIRE(register_case_index_functions(*conn).has_value());
    REQUIRE(migrate_to(*conn, kCaseColumnsSchema - 1).has_value());
    auto insert = conn->prepare(
        "INSERT INTO records (id, kind, centre, version, deleted, schema_version, payload, field_versions, seq,"
        " updated_at_ms) VALUES (?1, ?2, 'OSLO', ?3, 0, 1, ?4, '{}', ?5, ?6)");
    REQUIRE(insert.has_value());
    const json rows[] = {
        {case_id, "case", json{{"case_number", "OSL-9"}, {"name_latin", "Zahra Karimi"}, {"name_native", "زهرا کریمی"},
                               {"status", "open"}}},
        {intake, "intake", json{{"_case_id", case_id}, {"nationality", "Afghanistan"}}},
        {note, "counselling", json{{"_case_id", case_id}, {"notes", "first meeting"}}},
        {new_uuid_v7(), "intake", json{{"nationality", "Eritrea"}}},
    };
    std::int64_t seq = 0;
    for (const auto& r : rows) {
      ++seq;
      insert->reset();
      insert->bind(1, r[0].get<std::string>())
          .bind(2, r[1].get<std::string>())
          .bind(3, version_at(t0 + seq, "old-kiosk").to_string())
          .bind(4, r[2].dump())
          .bind(5, seq)
          .bind(6, t0 + seq);
      REQUIRE(insert->run().has_value());
    }
  }
  auto opened = Database::open(path);
  REQUIRE(opened.has_value());
  Database& db = **opened;
  const std::string before_counts = "OSLO|case|1|1,OSLO|counselling|1|1,OSLO|intake|2|2";
  auto counts = [&db] {
    return row_text(db,
                    "SELECT group_concat(centre || '|' || kind || '|' || created || '|' || received, ',')"
                    " FROM (SELECT centre, kind, sum(created) AS created, sum(received) AS received"
                    " FROM record_counts GROUP BY centre, kind ORDER BY centre, kind)",
                    "", 1);
  };
  CHECK(counts() == before_counts);  // filling the columns is no new version
  CHECK(db_count(db, "PRAGMA user_version") == kSchemaVersion);
  CHECK(db_count(db, kOutOfStepSql) == 0);
  CHECK(db_count(db, kJsonInRecordsSchemaSql) == 0);
  CHECK(row_text(db, kColumnsSql, intake, 8) == case_id + "|-|-|-|-|-|-|Afghanistan");
  CHECK(row_text(db, kColumnsSql, note, 8) == case_id + "|-|-|-|-|-|-|-");
  const std::string opened_day = row_text(db, "SELECT opened FROM case_index WHERE case_id = ?1", case_id, 1);
  CHECK(index_row(db, case_id) == "OSL-9|Zahra Karimi|زهرا کریمی|open||Afghanistan|" + opened_day);

  // The new triggers keep the index from here on.
  Pusher p(db);
  mark_pulled(db, p.oslo);  // it edits what the older kiosk wrote
  p.push_one(case_id, "case", t0 + 10, {{"status", "closed"}}, version_at(t0 + 1, "old-kiosk"));
  p.push_one(new_uuid_v7(), "intake", t0 + 11, {{"_case_id", case_id}, {"nationality", "Iran"}});
  CHECK(index_row(db, case_id) == "OSL-9|Zahra Karimi|زهرا کریمی|closed||Iran|" + opened_day);
  CaseQuery q;
  q.q = "karimi";
  auto found = search_cases(db, CentreScope::every(), q);
  REQUIRE(found.has_value());
  REQUIRE(found->cases.size() == 1);
  CHECK(found->cases[0].case_id == case_id);
  CHECK(db_count(db, kOutOfStepSql) == 0);
}

namespace {

std::string columns_text(const CaseColumns& c) {
  std::string out;
  for (const auto* v : {&c.case_id, &c.number, &c.name, &c.name_native, &c.status, &c.counsellor, &c.opened,
                        &c.nationality}) {
    out += *v ? "[" + **v + "]" : std::string("-");
  }
  return out;
}

}  // namespace

TEST_CASE("the case columns read where the envelope reader found the members equal the scan of the text") {
  const std::string head = R"({"id":"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b","centre":"OSLO","version":")" +
                           version_at(1'700'000'000'000, "dev-1").to_string() + R"(","kind":")";
  // Keys out of order (the reader rewrites the object sorted), escapes in values and keys,
  // every JSON type in a column's member, nested objects out of order before a wanted key.
  const std::vector<std::string> payloads = {
      R"({"status":"open","name_latin":"Amina \"Nur\"\nYusuf","case_number":"OSL-7","_case_id":"c-1"})",
      R"({"_case_id":"c\u00e9","counsellor":{"b":1,"a":[true,null]},"date_opened":12.5,"name_native":"امینه"})",
      R"({"a\tkey":1,"nationality":"Somalia","status":true,"counsellor":false,"case_number":null})",
      R"({"z":{"y":1,"x":2},"nationality":["a","b"],"_case_id":-3,"name_latin":"\u0001"})",
      R"({"_case_id":"","date_opened":"2026-01-02","name_latin":"x","nationality":"Eritrea","status":"s"})",
      R"({})",
      // Column keys spelled with escapes are written plain in the stored text; keys that keep
      // an escape there (a control byte, a quote, a backslash) are never a column's.
      R"({"\u006eationality":"Syria","_case\u005fid":"c-2","name\u005flatin":"N","st\u0061tus":"open"})",
      R"({"nationality\u0001":"x","\"_case_id\"":"y","_case_id\\":"z","status\n":"w","nationality":"Iraq"})",
  };
  for (const std::string kind : {"case", "intake", "counselling"}) {
    for (const auto& payload : payloads) {
      const std::string text = head + kind + R"(","payload":)" + payload + "}";
      CAPTURE(text);
      auto read = read_envelope(text, EnvelopeLimits{}, EnvelopeForm::Compact,
                                [](const Envelope&, const json_view::Dom&) {});
      REQUIRE(read);
      CHECK(read->members.size() == json::parse(payload).size());
      const std::string scanned = columns_text(read_case_columns(kind, read->payload.view()));
      CHECK(columns_text(read_case_columns(kind, read->payload.view(), read->members)) == scanned);
      if (kind == "case" && payload == payloads[0]) CHECK(scanned == "[c-1][OSL-7][Amina \"Nur\"\nYusuf]-[open]---");
      if (kind == "intake" && payload == payloads[3]) CHECK(scanned == "[-3]------[[\"a\",\"b\"]]");
      if (kind == "case" && payload == payloads[6]) CHECK(scanned == "[c-2]-[N]-[open]---");
      if (kind == "intake" && payload == payloads[6]) CHECK(scanned == "[c-2]------[Syria]");
      if (kind == "intake" && payload == payloads[7]) CHECK(scanned == "-------[Iraq]");
    }
  }
}
