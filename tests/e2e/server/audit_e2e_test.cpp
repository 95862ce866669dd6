// The server's audit log through the real binary: every admin action and enrolment leaves an
// entry, `audit verify` passes on an untouched log and names the first tampered entry.
#include <doctest/doctest.h>

#include <set>

#include "tests/e2e/server/kiosk_sim.hpp"
#include "tests/support/audit_tamper.hpp"
#include "ws/audit_chain.hpp"
#include "ws/sqlite.hpp"

using namespace ws;
using namespace ws::e2e;
using nlohmann::json;

namespace {

std::vector<json> audit_entries(const std::string& db) {
  auto listed = run_cli({"audit", "--db", db, "--json"});
  REQUIRE(listed.exit_code == 0);
  const json j = listed.json();
  REQUIRE(j.contains("entries"));
  return j["entries"].get<std::vector<json>>();
}

std::set<std::string> actions(const std::vector<json>& entries) {
  std::set<std::string> out;
  for (const auto& e : entries) out.insert(e["action"].get<std::string>());
  return out;
}

// Six entries made by admin commands alone, no server needed.
void make_entries(const std::string& db) {
  for (int i = 0; i < 3; ++i) REQUIRE(run_cli({"enroll-code", "--db", db, "--centre", "OSLO"}).exit_code == 0);
  REQUIRE(run_cli({"user-add", "--db", db, "--name", "hq-anna", "--role", "manager"}, "a long password\n").exit_code == 0);
  REQUIRE(run_cli({"counsellor-add", "--db", db, "--centre", "OSLO", "--name", "Kari Nordmann"}, "482193\n").exit_code ==
          0);
  REQUIRE(run_cli({"export", "--db", db, "--format", "json"}).exit_code == 0);
}

sql::Connection raw(const std::string& db) {
  auto conn = sql::Connection::open(db);
  REQUIRE(conn);
  return std::move(*conn);
}

}  // namespace

TEST_CASE("server audit: enrolment, revocation, users, counsellors, exports, backups and restores are logged") {
  TempDir dir;
  const auto db = dir.file("s.db");
  std::string device_id;
  {
    ServerProcess server(db, dir.file("server.log"));
    Kiosk k = enroll(db, server, "OSLO");
    device_id = k.device_id;
    REQUIRE(run_cli({"revoke", "--db", db, "--device", device_id}).exit_code == 0);
    REQUIRE(server.terminate() == 0);
  }
  auto counsellor = run_cli({"counsellor-add", "--db", db, "--centre", "OSLO", "--name", "Kari Nordmann"}, "482193\n");
  REQUIRE(counsellor.exit_code == 0);
  REQUIRE(run_cli({"counsellor-disable", "--db", db, "--id", counsellor.json()["id"]}).exit_code == 0);
  REQUIRE(run_cli({"user-add", "--db", db, "--name", "hq-anna", "--role", "manager"}, "a long password\n").exit_code == 0);
  REQUIRE(run_cli({"publish", "--db", db, "--kind", "form", "--file", std::string(WS_SOURCE_ASSETS_DIR) + "/forms/consent.json"})
              .exit_code == 0);
  REQUIRE(run_cli({"export", "--db", db, "--format", "csv"}).exit_code == 0);
  REQUIRE(run_cli({"conflicts", "--db", db}).exit_code == 0);
  REQUIRE(run_cli({"refused", "--db", db}).exit_code == 0);
  REQUIRE(run_cli({"backup", "--db", db, "--to", dir.file("copy.db")}).exit_code == 0);
  REQUIRE(run_cli({"restore", "--from", dir.file("copy.db"), "--db", db}).exit_code == 0);

  const auto entries = audit_entries(db);
  const auto seen = actions(entries);
  for (const char* a : {"enrolment.code_created", "device.enrolled", "device.revoked", "counsellor.added",
                        "counsellor.disabled", "user.added", "published", "records.exported", "conflicts.listed",
                        "refused.listed", "backup.restored"}) {
    CHECK_MESSAGE(seen.count(a) == 1, a);
  }
  // The backup entry went into the live log after the copy was taken, so the restore replaced it.
  CHECK(seen.count("backup.made") == 0);
  bool enrolled_named = false;
  for (const auto& e : entries) {
    if (e["action"] == "device.enrolled") enrolled_named = e["object_id"] == device_id && e["actor"] == "device:" + device_id;
    // Names given to the commands never reach the log.
    CHECK(e.dump().find("Kari") == std::string::npos);
    CHECK(e.dump().find("hq-anna") == std::string::npos);
  }
  CHECK(enrolled_named);
  auto verified = run_cli({"audit", "verify", "--db", db});
  CHECK(verified.exit_code == 0);
  CHECK(verified.json()["ok"] == true);
  CHECK(verified.json()["entries"] == entries.size());

  auto text = run_cli({"audit", "--db", db, "--since", "1h"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("device.revoked") != std::string::npos);
  CHECK(run_cli({"audit", "--db", db, "--since", "2999-01-01", "--json"}).json()["entries"].empty());
  CHECK(run_cli({"audit", "--db", db, "--since", "yesterday"}).exit_code == 1);
}

TEST_CASE("server audit: a backup is logged in the live database") {
  TempDir dir;
  const auto db = dir.file("s.db");
  REQUIRE(run_cli({"enroll-code", "--db", db, "--centre", "OSLO"}).exit_code == 0);
  REQUIRE(run_cli({"backup", "--db", db, "--to", dir.file("copy.db")}).exit_code == 0);
  CHECK(actions(audit_entries(db)).count("backup.made") == 1);
  CHECK(run_cli({"audit", "verify", "--db", dir.file("copy.db")}).exit_code == 0);
}

TEST_CASE("server audit verify: names the first changed, removed or reordered entry") {
  TempDir dir;
  const auto db = dir.file("s.db");
  make_entries(db);
  REQUIRE(run_cli({"audit", "verify", "--db", db}).exit_code == 0);
  {
    auto conn = raw(db);
    CHECK_FALSE(conn.exec("DELETE FROM audit_log WHERE seq = 2"));  // the triggers refuse
  }
  SUBCASE("changed") {
    auto conn = raw(db);
    test::tamper_change(conn, 4);
    auto v = run_cli({"audit", "verify", "--db", db});
    CHECK(v.exit_code == 1);
    CHECK(v.json()["first_bad_seq"] == 4);
  }
  SUBCASE("removed") {
    auto conn = raw(db);
    test::tamper_remove(conn, 2);
    auto v = run_cli({"audit", "verify", "--db", db});
    CHECK(v.exit_code == 1);
    CHECK(v.json()["first_bad_seq"] == 2);
  }
  SUBCASE("reordered") {
    auto conn = raw(db);
    test::tamper_swap(conn, 3, 5);
    auto v = run_cli({"audit", "verify", "--db", db});
    CHECK(v.exit_code == 1);
    CHECK(v.json()["first_bad_seq"] == 3);
  }
}

TEST_CASE("server audit verify --against BACKUP: a log cut or rewritten since the backup is found") {
  TempDir dir;
  const auto db = dir.file("s.db");
  make_entries(db);
  REQUIRE(run_cli({"backup", "--db", db, "--to", dir.file("copy.db")}).exit_code == 0);
  REQUIRE(run_cli({"enroll-code", "--db", db, "--centre", "OSLO"}).exit_code == 0);
  const std::vector<std::string> verify{"audit", "verify", "--db", db, "--against", dir.file("copy.db")};
  REQUIRE(run_cli(verify).exit_code == 0);
  SUBCASE("cut") {
    // Everything from entry 4 on removed: the rest is a valid chain on its own.
    auto conn = raw(db);
    test::drop_audit_triggers(conn);
    REQUIRE(conn.exec("DELETE FROM audit_log WHERE seq >= 4"));
    CHECK(run_cli({"audit", "verify", "--db", db}).exit_code == 0);
    auto v = run_cli(verify);
    CHECK(v.exit_code == 1);
    CHECK(v.json()["first_bad_seq"] == 4);
  }
  SUBCASE("rewritten") {
    // The whole chain recomputed after a change: intact on its own, not the backup's.
    auto conn = raw(db);
    test::drop_audit_triggers(conn);
    auto entries = audit::list(conn);
    REQUIRE(entries);
    std::string prev = audit::kGenesisHash;
    for (auto e : *entries) {
      if (e.seq == 2) e.object_id = "elsewhere";
      e.prev_hash = prev;
      e.hash = audit::entry_hash(e);
      prev = e.hash;
      auto st = conn.prepare("UPDATE audit_log SET object_id = ?, prev_hash = ?, hash = ? WHERE seq = ?");
      REQUIRE(st);
      REQUIRE(st->bind(1, e.object_id).bind(2, e.prev_hash).bind(3, e.hash).bind(4, e.seq).run());
    }
    CHECK(run_cli({"audit", "verify", "--db", db}).exit_code == 0);
    auto v = run_cli(verify);
    CHECK(v.exit_code == 1);
    CHECK(v.json()["problem"].get<std::string>().find("rewritten") != std::string::npos);
  }
}
