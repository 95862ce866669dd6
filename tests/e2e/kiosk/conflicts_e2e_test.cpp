// `sync-server conflicts`: the server's conflict log as JSON, by centre and by case, after two
// real kiosks made concurrent edits of one case and of a family member of its intake.
#include <doctest/doctest.h>

#include "tests/e2e/kiosk/harness.hpp"
#include "ws/ids.hpp"

using namespace ws::e2e;
using nlohmann::json;

namespace {

json conflicts(const std::string& db, std::vector<std::string> filter = {}) {
  std::vector<std::string> argv = {server_bin(), "conflicts", "--db", db};
  argv.insert(argv.end(), filter.begin(), filter.end());
  auto r = run(argv);
  REQUIRE_MESSAGE(r.code == 0, r.out << r.err);
  return json::parse(r.out).at("conflicts");
}

void edit(const Kiosk& k, const std::string& id, const json& patch, const std::string& scratch) {
  write_file(scratch, patch.dump());
  auto r = k.cli({"edit", "--id", id, "--json", scratch});
  REQUIRE_MESSAGE(r.code == 0, r.err);
}

}  // namespace

TEST_CASE("sync-server conflicts lists every lost value with what was kept, who and when, by centre and case") {
  TempDir dir;
  const std::string db = dir.sub("server.db");
  Server server(db);
  server.start();
  Kiosk a{dir.sub("a")}, b{dir.sub("b")};
  a.enroll(server, "OSLO");
  b.enroll(server, "OSLO");

  const std::string case_id = a.add("case", case_header(1), dir.path());
  const std::string row = ws::new_uuid_v7();
  json in = intake(1);
  in["_case_id"] = case_id;
  in["family_travelling"] = true;
  in["family_members"] = json::array({{{"_row", row}, {"name", "Member One"}, {"relationship", "spouse"}}});
  const std::string intake_id = a.add("intake", in, dir.path());
  REQUIRE(a.cli({"sync"}).code == 0);
  REQUIRE(b.cli({"sync"}).code == 0);
  CHECK(conflicts(db).empty());

  // Both kiosks change the case's status and the same member's name before either syncs.
  auto members = [&](const char* name) {
    return json{{"family_members", json::array({{{"_row", row}, {"name", name}, {"relationship", "spouse"}}})}};
  };
  edit(a, case_id, {{"status", "considering"}}, dir.sub("a1.json"));
  edit(a, intake_id, members("Name From A"), dir.sub("a2.json"));
  edit(b, case_id, {{"status", "will_apply"}}, dir.sub("b1.json"));
  edit(b, intake_id, members("Name From B"), dir.sub("b2.json"));
  REQUIRE(a.cli({"sync"}).code == 0);
  REQUIRE(b.cli({"sync"}).code == 0);
  REQUIRE(a.cli({"sync"}).code == 0);

  const json all = conflicts(db);
  REQUIRE(all.size() == 2);
  const json kept_case = server.export_records("case").at(0)["payload"];
  const json kept_intake = server.export_records("intake").at(0)["payload"];
  const std::string a_id = a.status()["device_id"], b_id = b.status()["device_id"];
  for (const auto& c : all) {
    CAPTURE(c.dump());
    CHECK(c["centre"] == "OSLO");
    CHECK(c["case_id"] == case_id);
    CHECK(c["pushed_by"]["device_id"] == b_id);  // b's push met a's pushed values
    CHECK(c["kept_by"]["device_id"] != c["lost_by"]["device_id"]);
    for (const char* side : {"kept_by", "lost_by"}) {
      CHECK((c[side]["device_id"] == a_id || c[side]["device_id"] == b_id));
      CHECK(c[side]["name"].is_string());
    }
    CHECK(c["kept_at"].is_string());
    CHECK(c["lost_at"].is_string());
    CHECK(c["logged_at"].is_string());
    if (c["record_id"] == case_id) {
      CHECK(c["kind"] == "case");
      CHECK(c["field"] == "status");
      CHECK(c["value_kept"] == kept_case["status"]);
      CHECK(c["value_lost"] == (kept_case["status"] == "will_apply" ? "considering" : "will_apply"));
    } else {
      CHECK(c["record_id"] == intake_id);
      CHECK(c["kind"] == "intake");
      CHECK(c["field"] == "family_members/" + row + "/name");
      const json kept_name = kept_intake["family_members"][0]["name"];
      CHECK(c["value_kept"] == kept_name);
      CHECK(c["value_lost"] == (kept_name == "Name From A" ? "Name From B" : "Name From A"));
    }
  }
  CHECK(conflicts(db, {"--case", case_id}) == all);
  CHECK(conflicts(db, {"--centre", "OSLO", "--case", case_id}) == all);
  CHECK(conflicts(db, {"--centre", "BERGEN"}).empty());
  CHECK(conflicts(db, {"--case", intake_id}).empty());  // an intake is filed under its case

  auto bad = run({server_bin(), "conflicts", "--db", db, "--bogus", "x"});
  CHECK(bad.code == 2);
}
