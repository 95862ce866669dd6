// The kiosk's audit log through the real binaries: enrolment, accounts and records leaving
// through the command line are logged; `kiosk audit verify` names the first tampered entry.
#include <doctest/doctest.h>

#include <set>

#include "kiosk/core/store/store.hpp"
#include "tests/e2e/kiosk/harness.hpp"
#include "tests/support/audit_tamper.hpp"
#include "ws/sqlite.hpp"

using namespace ws::e2e;
using nlohmann::json;

namespace {

// `printf '%s\n' SECRET | kiosk ARGS...`: the PIN on stdin, as an operator gives it.
RunResult with_stdin(const Kiosk& k, const std::string& secret, std::vector<std::string> args) {
  return run(ws::e2e::with_stdin(secret, k.argv(std::move(args))));
}

std::vector<json> kiosk_audit(const Kiosk& k) {
  auto r = k.cli({"audit", "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return json::parse(r.out).at("entries").get<std::vector<json>>();
}

ws::sql::Connection raw(const Kiosk& k) {
  auto conn = ws::sql::Connection::open(ws::kiosk::Store::database_path(k.data_dir));
  REQUIRE(conn);
  return std::move(*conn);
}

}  // namespace

TEST_CASE("kiosk audit: enrolment, a new account, listing and showing records are logged, and verify passes") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  Kiosk k{dir.sub("k")};
  k.enroll(server, "OSLO");
  auto added = with_stdin(k, "582047", {"counsellor-add", "--name", "Nadia Karlsen"});
  REQUIRE_MESSAGE(added.code == 0, added.err);
  const std::string id = k.add("intake", intake(1), dir.path());
  REQUIRE(k.cli({"list", "--kind", "intake", "--search", "Test Person"}).code == 0);
  REQUIRE(k.cli({"show", "--id", id}).code == 0);

  const auto entries = kiosk_audit(k);
  std::set<std::string> actions;
  for (const auto& e : entries) {
    actions.insert(e["action"].get<std::string>());
    CHECK(e.dump().find("Nadia") == std::string::npos);
    CHECK(e.dump().find("Test Person") == std::string::npos);  // the search text stays out
  }
  for (const char* a : {"kiosk.enrolled", "counsellor.added", "records.listed", "record.shown"}) {
    CHECK_MESSAGE(actions.count(a) == 1, a);
  }
  auto verified = k.cli({"audit", "verify"});
  CHECK(verified.code == 0);
  CHECK(verified.out.find("audit log intact") != std::string::npos);
  auto as_json = k.cli({"audit", "verify", "--json"});
  CHECK(json::parse(as_json.out)["entries"] == entries.size());
  CHECK(json::parse(k.cli({"audit", "--json", "--since", "2999-01-01"}).out)["entries"].empty());
  CHECK(k.cli({"audit", "--since", "soon"}).code == 2);
}

TEST_CASE("kiosk audit verify: names the first changed, removed or reordered entry") {
  TempDir dir;
  Kiosk k{dir.sub("k")};
  for (int i = 0; i < 5; ++i) REQUIRE(k.cli({"list", "--kind", "intake"}).code == 0);
  REQUIRE(k.cli({"audit", "verify"}).code == 0);
  {
    auto conn = raw(k);
    CHECK_FALSE(conn.exec("UPDATE audit_log SET actor = 'someone' WHERE seq = 1"));  // the triggers refuse
  }
  std::int64_t expected = 0;
  SUBCASE("changed") {
    auto conn = raw(k);
    ws::test::tamper_change(conn, 3);
    expected = 3;
  }
  SUBCASE("removed") {
    auto conn = raw(k);
    ws::test::tamper_remove(conn, 2);
    expected = 2;
  }
  SUBCASE("reordered") {
    auto conn = raw(k);
    ws::test::tamper_swap(conn, 1, 4);
    expected = 1;
  }
  auto r = k.cli({"audit", "verify"});
  CHECK(r.code == 1);
  CHECK(r.err.find("audit log broken at entry " + std::to_string(expected) + ":") != std::string::npos);
  auto j = k.cli({"audit", "verify", "--json"});
  CHECK(j.code == 1);
  CHECK(json::parse(j.out)["first_bad_seq"] == expected);
}
