// The server keeps field versions in compact form (sync-server/core/stored_versions.hpp) in
// `records` and `record_history`; readers see the full form, and schema 12 converts old rows.
#include <doctest/doctest.h>

#include "sync-server/core/feed.hpp"
#include "sync-server/core/ingest.hpp"
#include "sync-server/core/schema.hpp"
#include "sync-server/core/stored_versions.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

struct Store {
  TestDb t;
  NameRequired validator;  // intakes below all have a name
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  Device oslo2 = enroll_device(*t.db, "OSLO", "oslo-2");

  std::string push_one(const Device& d, const json& record) {
    auto r = ingest.push(d, batch_json(new_uuid_v7(), json::array({record})));
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
    return json::parse(r->body)["results"][0]["status"].get<std::string>();
  }
  // One text column of the first row `sql` selects.
  std::string text(const std::string& sql) {
    auto lease = t.db->acquire();
    REQUIRE(lease.has_value());
    auto st = (*lease)->prepare(sql);
    REQUIRE(st.has_value());
    REQUIRE(st->step().value());
    return st->column_text(0);
  }
  json stored_versions(const std::string& id) {
    return json::parse(text("SELECT field_versions FROM records WHERE id = '" + id + "'"));
  }
  json page(EnvelopeForm form) {
    auto p = pull(*t.db, "OSLO", PullQuery{0, 100}, nullptr, form);
    REQUIRE(p.has_value());
    return json::parse(*p);
  }
};

json with_versions(json record, const std::map<std::string, Version>& versions) {
  for (const auto& [field, v] : versions) record["field_versions"][field] = v.to_string();
  return record;
}

}  // namespace

TEST_CASE("a record and its history are stored compact, and loads and protocol 1 pulls see every field") {
  Store f;
  const auto t0 = now_ms();
  const auto id = new_uuid_v7();
  const auto v1 = version_at(t0, f.oslo2.id), v2 = version_at(t0 + 5, f.oslo.id);
  // Sent in full form (every field with its version): nothing of that is stored.
  CHECK(f.push_one(f.oslo2, record_json(id, "case", "OSLO", v1, {{"status", "open"}, {"phone", "1"}})) == "applied");
  CHECK(f.stored_versions(id) == json::object());
  mark_pulled(*f.t.db, f.oslo);
  auto edit = record_json(id, "case", "OSLO", v2, {{"status", "decided"}, {"phone", "1"}});
  CHECK(f.push_one(f.oslo, with_versions(edit, {{"phone", v1}})) == "applied");

  CHECK(f.stored_versions(id) == json{{"phone", v1.to_string()}});
  CHECK(f.text("SELECT field_versions FROM record_history WHERE record_id = '" + id + "'") == "{}");
  const Envelope e = stored_record(*f.t.db, id);
  CHECK(e.field_versions == std::map<std::string, Version>{{"phone", v1}, {"status", v2}});

  const json full = f.page(EnvelopeForm::Full)["records"][0]["field_versions"];
  const json compact = f.page(EnvelopeForm::Compact)["records"][0]["field_versions"];
  CHECK(full == json{{"phone", v1.to_string()}, {"status", v2.to_string()}});
  CHECK(compact == json{{"phone", v1.to_string()}});
}

TEST_CASE("a history version's implied fields still decide what a writer had seen") {
  Store f;
  const auto t0 = now_ms();
  const auto id = new_uuid_v7();
  const auto v1 = version_at(t0, f.oslo.id), v2 = version_at(t0 + 10, f.oslo2.id),
             v3 = version_at(t0 + 20, f.oslo2.id), v4 = version_at(t0 + 30, f.oslo.id);
  f.push_one(f.oslo, record_json(id, "case", "OSLO", v1, {{"k", "a"}, {"m", "a"}, {"j", "a"}}));
  mark_pulled(*f.t.db, f.oslo2);
  // v2 writes k and m, so in its stored (compact) form they have no entry of their own.
  f.push_one(f.oslo2, with_versions(record_json(id, "case", "OSLO", v2, {{"k", "b"}, {"m", "b"}, {"j", "a"}}),
                                    {{"j", v1}}));
  mark_pulled(*f.t.db, f.oslo);  // oslo-1 was delivered v2 ...
  f.push_one(f.oslo2, with_versions(record_json(id, "case", "OSLO", v3, {{"k", "b"}, {"m", "b"}, {"j", "c"}}),
                                    {{"k", v2}, {"m", v2}}));
  // ... but what it pushes keeps m from v1: it does not descend from v2, only from its own v1.
  // So its k overwrites v2's k unseen, a conflict the log must show.
  auto edit = with_versions(record_json(id, "case", "OSLO", v4, {{"k", "d"}, {"m", "a"}, {"j", "a"}}),
                            {{"m", v1}, {"j", v1}});
  CHECK(f.push_one(f.oslo, edit) == "merged");
  CHECK(db_count(*f.t.db, "SELECT COUNT(*) FROM conflicts WHERE record_id = '" + id + "' AND field = 'k'") == 1);
  CHECK(db_count(*f.t.db, "SELECT COUNT(*) FROM conflicts WHERE record_id = '" + id + "'") == 1);
}

TEST_CASE("stored versions: the full form adds only top-level payload fields, and unreadable text is corrupt") {
  const Version v{Hlc{1'700'000'000'000, 0}, "dev-1"}, older{Hlc{1'600'000'000'000, 0}, "dev-2"};
  const std::string payload = R"({"b":{"inner":1},"a":[{"_row":"r1","x":2}],"c\"q":null})";
  const std::string stored = R"({"a/r1/x":")" + older.to_string() + R"(","b":")" + older.to_string() + "\"}";
  auto full = full_versions_text(payload, stored, v.to_string());
  REQUIRE(full.has_value());
  CHECK(json::parse(*full) == json{{"a", v.to_string()},
                                   {"a/r1/x", older.to_string()},
                                   {"b", older.to_string()},
                                   {"c\"q", v.to_string()}});
  CHECK(*full == field_versions_json(*parse_stored_versions(*full)));  // written as the stores write it
  CHECK_FALSE(full_versions_text("[1]", "{}", v.to_string()).has_value());
  CHECK_FALSE(full_versions_text("{\"a\":", "{}", v.to_string()).has_value());
  CHECK_FALSE(full_versions_text("{}", "{\"a\":1}", v.to_string()).has_value());
  CHECK_FALSE(full_versions_text("{}", "{}", "not a version").has_value());
}

TEST_CASE("schema 12 makes full-form rows compact and leaves the HQ counts and case index as they were") {
  Store f;
  const auto t0 = now_ms();
  const auto case_id = new_uuid_v7(), intake_id = new_uuid_v7();
  const auto v1 = version_at(t0, f.oslo.id), v2 = version_at(t0 + 10, f.oslo.id);
  const std::string row = "0190a000-0000-7000-8000-000000000001";
  auto intake = [&](const char* nationality) {
    return json{{"_case_id", case_id}, {"name", "Test Person"}, {"nationality", nationality},
                {"family", json::array({{{"_row", row}, {"name", "A"}}})}};
  };
  f.push_one(f.oslo, record_json(case_id, "case", "OSLO", v1, {{"case_number", "OSL-1"}, {"name_latin", "A B"}}));
  f.push_one(f.oslo, record_json(intake_id, "intake", "OSLO", v1, intake("Testland")));
  f.push_one(f.oslo, with_versions(record_json(intake_id, "intake", "OSLO", v2, intake("Otherland")),
                                   {{"_case_id", v1}, {"family", v1}, {"family/" + row + "/name", v1}}));
  const std::string compact_intake = f.text("SELECT field_versions FROM records WHERE id = '" + intake_id + "'");
  CHECK(json::parse(compact_intake).contains("_case_id"));  // older than the record's version

  // The file as a schema 11 server left it: every field's version written out.
  auto lease = f.t.db->acquire();
  REQUIRE(lease.has_value());
  auto& db = **lease;
  for (const char* table : {"records", "record_history"}) {
    auto st = db.prepare(std::string("SELECT rowid, payload, field_versions, version FROM ") + table);
    REQUIRE(st.has_value());
    std::vector<std::pair<std::int64_t, std::string>> full;
    while (st->step().value()) {
      auto text = full_versions_text(st->column_text(1), st->column_text(2), st->column_text(3));
      REQUIRE(text.has_value());
      full.emplace_back(st->column_int(0), *text);
    }
    for (const auto& [rowid, text] : full) {
      auto up = db.prepare(std::string("UPDATE ") + table + " SET field_versions = ?1 WHERE rowid = ?2");
      REQUIRE(up.has_value());
      REQUIRE(up->bind(1, text).bind(2, rowid).run().has_value());
    }
  }
  REQUIRE(db.exec(("PRAGMA user_version = " + std::to_string(kCompactVersionsSchema - 1)).c_str()).has_value());
  const std::string counts_sql = "SELECT group_concat(centre || kind || day || ':' || created || '/' || received)"
                                 " FROM record_counts";
  const std::string cases_sql = "SELECT group_concat(case_id || nationality || updated_at_ms) FROM case_index";
  const std::string counts = f.text(counts_sql), cases = f.text(cases_sql);
  CHECK(json::parse(f.text("SELECT field_versions FROM records WHERE id = '" + case_id + "'")).size() == 2);

  // This migration alone: the later ones are not made to run twice.
  REQUIRE(migrate_to(db, kCompactVersionsSchema).has_value());
  CHECK(f.stored_versions(case_id) == json::object());
  CHECK(f.stored_versions(intake_id) == json::parse(compact_intake));
  CHECK(f.text("SELECT field_versions FROM record_history WHERE record_id = '" + intake_id + "'") == "{}");
  CHECK(f.text(counts_sql) == counts);
  CHECK(f.text(cases_sql) == cases);
  CHECK(db_count(*f.t.db, "PRAGMA user_version") == kCompactVersionsSchema);
}
