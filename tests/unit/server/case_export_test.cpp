#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "sync-server/core/case_detail.hpp"
#include "sync-server/core/case_export.hpp"
#include "sync-server/core/ingest.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

struct ExportFixture {
  TestDb t;
  AcceptingValidator validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  Device bergen = enroll_device(*t.db, "BERGEN", "bergen-1");
  std::shared_ptr<const forms::FormRegistry> registry;
  std::string oslo_case = new_uuid_v7(), oslo_intake = new_uuid_v7();

  ExportFixture() {
    auto r = load_form_registry(*t.db, std::string(WS_SOURCE_ASSETS_DIR) + "/forms");
    REQUIRE(r.has_value());
    registry = *r;
    json c = test::case_answers(1);
    c["name_native"] = "زهرا کریمی";
    json intake = test::intake_answers(1);
    intake["_case_id"] = oslo_case;
    intake["name_native"] = "زهرا کریمی";
    intake["family_travelling"] = true;
    intake["family_members"] = json::array({{{"_row", "r1"}, {"name", "سارا"}, {"relationship", "child"}},
                                            {{"_row", "r2"}, {"name", "=cmd()"}, {"relationship", "spouse"}}});
    push(oslo, json::array({record_json(oslo_case, "case", "OSLO", version_at(now_ms(), oslo.id), c),
                            record_json(oslo_intake, "intake", "OSLO", version_at(now_ms(), oslo.id), intake)}));
    const std::string other = new_uuid_v7();
    push(bergen, json::array({record_json(other, "case", "BERGEN", version_at(now_ms(), bergen.id), test::case_answers(2))}));
  }
  void push(const Device& d, const json& records) {
    auto r = ingest.push(d, batch_json(new_uuid_v7(), records));
    REQUIRE(r.has_value());
  }
  std::string run(const CentreScope& scope, const CaseQuery& q, CaseExportFormat format, ExportPlan* plan_out = nullptr) {
    auto plan = plan_case_export(*t.db, scope, q, format, *registry);
    REQUIRE(plan.has_value());
    if (plan_out) *plan_out = *plan;
    std::string bytes;
    auto s = run_case_export(*t.db, scope, q, *plan, *registry, [&](std::string_view b) {
      bytes += b;
      return true;
    });
    REQUIRE_MESSAGE(s.has_value(), (s.has_value() ? "" : s.error().message));
    return bytes;
  }
};

std::string shell_out(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  CHECK(pclose(p) == 0);
  return out;
}

}  // namespace

TEST_CASE("CSV export: a ZIP of one file per kind and per repeat group, BOM, labelled headers, Arabic intact, scope held") {
  ExportFixture f;
  ExportPlan plan;
  const std::string zip = f.run(CentreScope::only({"OSLO"}), CaseQuery{}, CaseExportFormat::Csv, &plan);
  CHECK(plan.zip);
  CHECK(plan.kinds == std::vector<std::string>{"case", "intake"});
  const std::string path = f.t.dir.file("export.zip");
  std::ofstream(path, std::ios::binary) << zip;
  shell_out("unzip -tq '" + path + "'");
  const std::string listing = shell_out("unzip -Z1 '" + path + "'");
  CHECK(listing == "case.csv\nintake.csv\nintake-family_members.csv\n");

  const std::string cases = shell_out("unzip -p '" + path + "' case.csv");
  CHECK(cases.rfind("\xEF\xBB\xBF" "Record [id],Case [case_id],Centre [centre]", 0) == 0);
  CHECK(cases.find("Case number [case_number]") != std::string::npos);
  CHECK(cases.find("Name (own script) [name_native]") != std::string::npos);
  CHECK(cases.find("زهرا کریمی") != std::string::npos);
  CHECK(cases.find("BERGEN") == std::string::npos);  // the scope holds
  const std::string intake = shell_out("unzip -p '" + path + "' intake.csv");
  CHECK(intake.find("Languages spoken [languages]") != std::string::npos);
  CHECK(intake.find(f.oslo_case) != std::string::npos);
  CHECK(intake.find("family_members") == std::string::npos);  // in its own file
  const std::string family = shell_out("unzip -p '" + path + "' intake-family_members.csv");
  CHECK(family.rfind("\xEF\xBB\xBF" "Parent record [parent_id],Row [_row],Name [name],Relationship [relationship]", 0) == 0);
  CHECK(family.find(f.oslo_intake + ",r1,سارا,child,") != std::string::npos);
  CHECK(family.find(",'=cmd()") != std::string::npos);  // no formula reaches a spreadsheet
}

TEST_CASE("CSV export of one kind is a plain CSV; JSON Lines has one record per line") {
  ExportFixture f;
  CaseQuery bergen;
  bergen.centre = "BERGEN";
  ExportPlan plan;
  const std::string csv = f.run(CentreScope::every(), bergen, CaseExportFormat::Csv, &plan);
  CHECK_FALSE(plan.zip);
  CHECK(plan.filename == "case.csv");
  CHECK(csv.rfind("\xEF\xBB\xBF", 0) == 0);
  CHECK(csv.find("OSL-1002") != std::string::npos);

  const std::string lines = f.run(CentreScope::every(), CaseQuery{}, CaseExportFormat::Jsonl);
  int count = 0;
  for (std::size_t at = 0, next; (next = lines.find('\n', at)) != std::string::npos; at = next + 1) {
    const json j = json::parse(lines.substr(at, next - at));
    CHECK(j.contains("payload"));
    ++count;
  }
  CHECK(count == 3);
  CHECK(f.run(CentreScope::only({"TROMSO"}), CaseQuery{}, CaseExportFormat::Jsonl).empty());
}

TEST_CASE("CSV export row: quoting, formula guard, empty answers, other answers as sorted JSON") {
  ExportFixture f;
  const std::string id = new_uuid_v7();
  const json c = {{"case_number", "=X-1"}, {"name_latin", "Zahra, \"Z\""}, {"status", "open"},
                  {"date_opened", "2026-01-02"}, {"zeta", {{"b", 1}, {"a", 2}}}, {"alpha", json::array({1, "x"})},
                  {"_private", 1}, {"age", -3}};
  const Device tromso_kiosk = enroll_device(*f.t.db, "TROMSO", "tromso-1");
  f.push(tromso_kiosk, json::array({record_json(id, "case", "TROMSO", version_at(now_ms(), tromso_kiosk.id), c)}));
  CaseQuery tromso;
  tromso.centre = "TROMSO";
  const std::string csv = f.run(CentreScope::every(), tromso, CaseExportFormat::Csv);
  const auto at = csv.find("\r\n" + id + "," + id + ",TROMSO,");
  REQUIRE(at != std::string::npos);
  const std::string row = csv.substr(at + 2, csv.find("\r\n", at + 2) - at - 2);
  const std::string tail = R"(,'=X-1,"Zahra, ""Z""",,open,,2026-01-02,"{""age"":-3,""alpha"":[1,""x""],""zeta"":{""a"":2,""b"":1}}")";
  CHECK(row.size() > tail.size());
  CHECK(row.substr(row.size() - tail.size()) == tail);
}
