// Erasure end to end: two kiosks of a centre hold a person (Latin and Arabic-script names, a
// phone number); HQ erases the case with the real sync-server while it serves; after one sync
// of each kiosk no file of the server or of either kiosk holds any of the values, in UTF-8 or
// UTF-16LE. An offline edit made before the erasure is dropped, not resurrected.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/e2e/kiosk/harness.hpp"
#include "tests/support/folder_scan.hpp"

using namespace ws::e2e;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kFixture = {"Yusuf Erasable-Qx", "يوسف الممحو", "+47 912 34 567",
                                           "Yusuf Offline-Qx"};

// Every file under `root` that holds any fixture value, in either encoding (empty: none).
std::string files_holding_fixtures(const std::string& root) { return ws::test::files_holding(root, kFixture); }

json run_json(const std::vector<std::string>& argv) {
  auto r = run(argv);
  REQUIRE_MESSAGE(r.code == 0, r.out << r.err);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("erasure end to end: after erase and a sync of each kiosk no file holds the person's values") {
  TempDir dir, scratch;
  fs::create_directories(dir.sub("server"));
  const std::string db = dir.sub("server") + "/server.db";
  Server server(db);
  server.start();
  Kiosk a{dir.sub("a")}, b{dir.sub("b")};
  a.enroll(server, "OSLO");
  b.enroll(server, "OSLO");

  json person = case_header(1);
  person["name_latin"] = kFixture[0];
  person["name_native"] = kFixture[1];
  const std::string case_id = a.add("case", person, scratch.path());
  json appointment = {{"name", kFixture[0]}, {"preferred_language", "ar"}, {"phone", kFixture[2]},
                      {"consent_contact", true}, {"_case_id", case_id}};
  a.add("appointment", appointment, scratch.path());
  json in = intake(1);
  in["_case_id"] = case_id;
  in["name_latin"] = kFixture[0];
  in["name_native"] = kFixture[1];
  a.add("intake", in, scratch.path());
  const std::string kept = a.add("case", case_header(2), scratch.path());
  REQUIRE(a.cli({"sync"}).code == 0);
  REQUIRE(b.cli({"sync"}).code == 0);
  REQUIRE(b.list("case").size() == 2);
  // The search finds the values where they are, so finding none later means something.
  CHECK(files_holding_fixtures(dir.sub("server")) != "");
  CHECK(files_holding_fixtures(b.data_dir) != "");

  // b edits the person offline; the erasure happens before b syncs again.
  write_file(scratch.file("edit.json"), json{{"name_latin", kFixture[3]}}.dump());
  REQUIRE(b.cli({"edit", "--id", case_id, "--json", scratch.file("edit.json")}).code == 0);

  const json erased = run_json({server_bin(), "erase", "--db", db, "--case", case_id, "--reason", "consent withdrawn",
                                "--by", "dpo"});
  CHECK(erased["records"].size() == 3);
  CHECK(erased["erased_by"] == "dpo");

  REQUIRE(a.cli({"sync"}).code == 0);
  const auto b_sync = b.cli({"sync"});
  CHECK_MESSAGE((b_sync.code == 0 || b_sync.code == 3), b_sync.err);  // 3: its edit was refused

  for (const Kiosk* k : {&a, &b}) {
    const json cases = k->list("case");
    REQUIRE(cases.size() == 1);
    CHECK(cases[0]["id"] == kept);
    CHECK(k->list("intake").empty());
    CHECK(k->list("appointment").empty());
    CHECK(k->status()["quarantined"] == 0);
  }
  // The refusal of b's edit is kept for HQ without the values it carried.
  const json refused = run_json({server_bin(), "refused", "--db", db, "--all"});
  REQUIRE(refused["refused"].size() == 1);
  CHECK(refused["refused"][0]["message"].get<std::string>().find("erased") != std::string::npos);
  CHECK(run_json({server_bin(), "erase", "--db", db, "--list"})["erasures"].size() == 1);

  server.stop();
  // The scratch files the kiosks read their answers from are not theirs and are not searched.
  CHECK(files_holding_fixtures(dir.sub("server")) == "");
  for (const Kiosk* k : {&a, &b}) CHECK(files_holding_fixtures(k->data_dir) == "");
}
