// A server restored from a backup loses nothing any kiosk still has: the real binaries, two
// kiosks of one centre, records acknowledged after the backup, a restore, and two syncs.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "kiosk/core/store/store.hpp"
#include "tests/e2e/kiosk/harness.hpp"

using namespace ws::e2e;

namespace {

// The restarted server listens on a new port; the kiosks follow it there.
void point_at(const Kiosk& k, const Server& server) {
  auto store = ws::kiosk::Store::open(k.data_dir);
  REQUIRE(store);
  auto id = (*store)->identity();
  REQUIRE(id);
  id->server_url = server.url();
  REQUIRE((*store)->set_identity(*id));
}

void sync(const Kiosk& k) {
  auto r = k.cli({"sync", "--timeout-ms", "10000"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
}

std::multiset<std::string> ids_of(const std::vector<nlohmann::json>& envelopes) {
  std::multiset<std::string> ids;
  for (const auto& e : envelopes) ids.insert(e["id"].get<std::string>());
  return ids;
}

std::set<std::string> ids_of(const nlohmann::json& listed) {
  std::set<std::string> ids;
  for (const auto& e : listed) ids.insert(e["id"].get<std::string>());
  return ids;
}

std::map<std::string, std::string> versions_of(const std::vector<nlohmann::json>& envelopes) {
  std::map<std::string, std::string> out;
  for (const auto& e : envelopes) out[e["id"].get<std::string>()] = e["version"].get<std::string>();
  return out;
}

}  // namespace

TEST_CASE("after a restore from a backup both kiosks give back what the server lost, each record once") {
  TempDir dir;
  const std::string db = dir.sub("server.db");
  Server server(db);
  server.start();
  Kiosk a{dir.sub("a")}, b{dir.sub("b")};
  a.enroll(server, "OSLO");
  b.enroll(server, "OSLO");

  const std::string case_id = a.add("case", case_header(1), dir.path());
  for (int i = 0; i < 3; ++i) a.add("intake", intake(10 + i), dir.path());
  for (int i = 0; i < 2; ++i) b.add("intake", intake(20 + i), dir.path());
  sync(a);
  sync(b);
  sync(a);

  // Online backup while the server runs.
  auto backup = run({server_bin(), "backup", "--db", db, "--to", dir.sub("backup.db")});
  REQUIRE_MESSAGE(backup.code == 0, backup.out);
  CHECK(nlohmann::json::parse(backup.out)["integrity"] == "ok");

  // Acknowledged after the backup: new records on both kiosks and an edit of a record the
  // backup holds in its older version.
  for (int i = 0; i < 2; ++i) a.add("intake", intake(30 + i), dir.path());
  for (int i = 0; i < 2; ++i) b.add("intake", intake(40 + i), dir.path());
  write_file(dir.sub("edit.json"), R"({"status":"considering"})");
  REQUIRE(b.cli({"edit", "--id", case_id, "--json", dir.sub("edit.json")}).code == 0);
  sync(a);
  sync(b);
  sync(a);
  const auto before = server.export_records();
  const auto latest = versions_of(before);
  REQUIRE(latest.size() == before.size());

  server.stop();
  auto restored = run({server_bin(), "restore", "--from", dir.sub("backup.db"), "--db", db});
  REQUIRE_MESSAGE(restored.code == 0, restored.out);
  REQUIRE(server.export_records().size() < before.size());  // the restore really lost something
  server.start();
  point_at(a, server);
  point_at(b, server);

  for (int round = 0; round < 2; ++round) {
    sync(a);
    sync(b);
  }

  const auto after = server.export_records();
  std::multiset<std::string> expected;
  for (const auto& [id, _] : latest) expected.insert(id);
  CHECK(ids_of(after) == expected);      // every record present, and exactly once
  CHECK(versions_of(after) == latest);   // each with its latest version
  std::set<std::string> intakes, cases;
  for (const auto& e : after) (e["kind"] == "case" ? cases : intakes).insert(e["id"].get<std::string>());
  for (const Kiosk* k : {&a, &b}) {
    CHECK(ids_of(k->list("intake")) == intakes);
    CHECK(ids_of(k->list("case")) == cases);
    CHECK(k->status()["pending"] == 0);
  }
  CHECK(a.list("case").at(0)["payload"]["status"] == "considering");
}
