#include <doctest/doctest.h>

#include "sync-server/core/export.hpp"
#include "sync-server/core/records.hpp"
#include "sync-server/core/users.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

void put(Database& db, const std::string& kind, const json& payload) {
  auto w = WriteScope::begin(db);
  REQUIRE(w.has_value());
  Envelope e;
  e.id = new_uuid_v7();
  e.kind = kind;
  e.centre = "OSLO";
  e.version = version_at(1000, "dev");
  e.payload = payload;
  REQUIRE(write_record(w->conn(), e).has_value());
  REQUIRE(w->commit().has_value());
}

std::string run_export(Database& db, ExportFormat f, const std::optional<std::string>& kind) {
  std::string out;
  REQUIRE(export_records(db, f, kind, [&](const std::string& s) { out += s; }).has_value());
  return out;
}

}  // namespace

TEST_CASE("csv cells are quoted and formulas are defused") {
  CHECK(csv_cell("plain") == "plain");
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("line\nbreak") == "\"line\nbreak\"");
  CHECK(csv_cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
  CHECK(csv_cell("+1") == "'+1");
  CHECK(csv_cell("-2") == "'-2");
  CHECK(csv_cell("@SUM") == "'@SUM");
}

TEST_CASE("export by kind has one column per payload field and json keeps whole envelopes") {
  TestDb t;
  put(*t.db, "intake", {{"name", "Amina"}, {"age", 31}});
  put(*t.db, "intake", {{"name", "=cmd"}, {"family", json::array({"a"})}});
  put(*t.db, "case", {{"case_number", "C-1"}});

  const auto csv = run_export(*t.db, ExportFormat::Csv, std::string("intake"));
  CHECK(csv.rfind("id,kind,centre,version,deleted,schema_version,seq,age,family,name\r\n", 0) == 0);
  CHECK(csv.find(",31,,Amina\r\n") != std::string::npos);
  CHECK(csv.find(",,\"[\"\"a\"\"]\",'=cmd\r\n") != std::string::npos);
  CHECK(csv.find("C-1") == std::string::npos);

  const auto all = run_export(*t.db, ExportFormat::Csv, std::nullopt);
  CHECK(all.find(",payload\r\n") != std::string::npos);
  CHECK(all.find("C-1") != std::string::npos);

  auto parsed = json::parse(run_export(*t.db, ExportFormat::Json, std::nullopt));
  REQUIRE(parsed.is_array());
  REQUIRE(parsed.size() == 3);
  CHECK(parsed[2]["kind"] == "case");
  CHECK(parsed[2]["seq"] == 3);
  CHECK(json::parse(run_export(*t.db, ExportFormat::Json, std::string("none"))).empty());
}

TEST_CASE("users: Argon2id password, unique names, roles checked") {
  TestDb t;
  auto u = add_user(*t.db, "hq-anna", "manager", "correct horse");
  REQUIRE(u.has_value());
  CHECK(u->role == "manager");
  CHECK(check_user_password(*t.db, "hq-anna", "correct horse").has_value());
  CHECK(check_user_password(*t.db, "hq-anna", "wrong horse!").error().code == "unauthorized");
  CHECK(add_user(*t.db, "hq-anna", "viewer", "another pass").error().code == "conflict");
  CHECK(add_user(*t.db, "x", "root", "another pass").error().code == "invalid_request");
  CHECK(add_user(*t.db, "x", "viewer", "short").error().code == "invalid_request");
}
