// Repeat groups merge per row with the real binaries: two kiosks edit different family members
// of one intake while offline; after both sync, every kiosk and the server hold both edits.
#include <doctest/doctest.h>

#include "tests/e2e/kiosk/harness.hpp"
#include "ws/ids.hpp"

using namespace ws::e2e;
using nlohmann::json;

namespace {

json family_intake(const std::string& row1, const std::string& row2) {
  json p = intake(1);
  p["family_travelling"] = true;
  p["family_members"] = json::array({{{"_row", row1}, {"name", "Member One"}, {"relationship", "spouse"}},
                                     {{"_row", row2}, {"name", "Member Two"}, {"relationship", "child"}}});
  return p;
}

// A kiosk's edit of one family member: the whole list, one row changed, as the form sends it.
void edit_member(const Kiosk& k, const std::string& id, const std::string& row, const char* key, const char* value,
                 const std::string& scratch) {
  auto shown = k.cli({"show", "--id", id, "--json"});
  REQUIRE(shown.code == 0);
  json family = json::parse(shown.out)["envelope"]["payload"]["family_members"];
  for (auto& r : family)
    if (r["_row"] == row) r[key] = value;
  write_file(scratch, json{{"family_members", family}}.dump());
  auto edited = k.cli({"edit", "--id", id, "--json", scratch});
  REQUIRE_MESSAGE(edited.code == 0, edited.err);
}

const json& member(const json& payload, const std::string& row) {
  for (const auto& r : payload.at("family_members"))
    if (r["_row"] == row) return r;
  FAIL("row missing");
  static const json none;
  return none;
}

}  // namespace

TEST_CASE("two kiosks edit different family members of one intake offline: both edits reach every replica") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  Kiosk a{dir.sub("a")}, b{dir.sub("b")};
  a.enroll(server, "OSLO");
  b.enroll(server, "OSLO");

  const std::string row1 = ws::new_uuid_v7(), row2 = ws::new_uuid_v7();
  const std::string id = a.add("intake", family_intake(row1, row2), dir.path());
  REQUIRE(a.cli({"sync"}).code == 0);
  REQUIRE(b.cli({"sync"}).code == 0);
  REQUIRE(b.list("intake").size() == 1);

  // Offline: neither kiosk syncs between these edits.
  edit_member(a, id, row1, "name", "Member One Edited", dir.sub("ea.json"));
  edit_member(b, id, row2, "relationship", "sibling", dir.sub("eb.json"));
  REQUIRE(a.cli({"sync"}).code == 0);
  REQUIRE(b.cli({"sync"}).code == 0);
  REQUIRE(a.cli({"sync"}).code == 0);

  auto server_intakes = server.export_records("intake");
  REQUIRE(server_intakes.size() == 1);
  const json on_server = server_intakes[0]["payload"];
  const json on_a = a.list("intake").at(0)["payload"];
  const json on_b = b.list("intake").at(0)["payload"];
  CHECK(on_a == on_b);
  CHECK(on_a == on_server);
  CHECK(member(on_a, row1)["name"] == "Member One Edited");
  CHECK(member(on_a, row1)["relationship"] == "spouse");
  CHECK(member(on_a, row2)["name"] == "Member Two");
  CHECK(member(on_a, row2)["relationship"] == "sibling");
  CHECK(a.status()["conflicts"] == 0);
  CHECK(b.status()["conflicts"] == 0);
  CHECK(a.status()["pending"] == 0);
  CHECK(b.status()["pending"] == 0);
  // Nothing was lost, so the server logged nothing.
  auto logged = run({server_bin(), "conflicts", "--db", dir.sub("server.db")});
  REQUIRE_MESSAGE(logged.code == 0, logged.err);
  CHECK(json::parse(logged.out)["conflicts"].empty());
}
