// Upgrades: a server database and a kiosk folder written by an earlier release (kept as SQL text
// in tests/fixtures/upgrade, made by make-fixtures.sh there) are migrated by today's binaries on
// start, keep every record, and sync what was waiting. A file from a newer release is refused
// with a clear message and left byte for byte as it was.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "kiosk/core/store/schema.hpp"
#include "sync-server/core/schema.hpp"
#include "tests/e2e/kiosk/harness.hpp"
#include "ws/sqlite.hpp"

using namespace ws::e2e;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = std::string(WS_SOURCE_FIXTURES_DIR) + "/upgrade/server3-kiosk7";

void load_dump(const std::string& sql_file, const std::string& db_path) {
  auto db = ws::sql::Connection::open(db_path);
  REQUIRE(db.has_value());
  const std::string sql = read_file(sql_file);
  REQUIRE_FALSE(sql.empty());
  REQUIRE(db->exec(sql.c_str()).has_value());
}

void exec(const std::string& db_path, const std::string& sql) {
  auto db = ws::sql::Connection::open(db_path, ws::sql::OpenOptions{.read_only = false, .create = false});
  REQUIRE(db.has_value());
  REQUIRE(db->exec(sql.c_str()).has_value());
}

int user_version(const std::string& db_path) {
  auto db = ws::sql::Connection::open(db_path, ws::sql::OpenOptions{.read_only = true, .create = false});
  REQUIRE(db.has_value());
  auto st = db->prepare("PRAGMA user_version");
  REQUIRE(st.has_value());
  REQUIRE(st->step().value_or(false));
  return static_cast<int>(st->column_int(0));
}

std::set<std::string> ids_of(const std::vector<json>& records, const std::string& kind) {
  std::set<std::string> out;
  for (const auto& r : records) {
    if (r.value("kind", "") == kind) out.insert(r.at("id").get<std::string>());
  }
  return out;
}

struct UpgradedPair {
  TempDir dir{"ws-upgrade-"};
  std::string server_db = dir.file("server.db");
  Kiosk kiosk{dir.file("kiosk")};
  Server server{server_db};

  UpgradedPair() {
    load_dump(kFixtures + "/server.sql", server_db);
    fs::create_directory(kiosk.data_dir);
    ::chmod(kiosk.data_dir.c_str(), 0700);
    load_dump(kFixtures + "/kiosk.sql", kiosk.data_dir + "/kiosk.db");
    server.start();
    // The same server, moved to another port: only its address changed.
    exec(kiosk.data_dir + "/kiosk.db", "UPDATE meta SET value = '" + server.url() + "' WHERE key = 'server_url'");
  }
};

}  // namespace

TEST_CASE("a server database and a kiosk folder from the previous release upgrade and sync") {
  UpgradedPair p;
  CHECK(user_version(p.server_db) == ws::server::kSchemaVersion);

  // The server serves what the old release stored: one case, one intake (edited once).
  auto before = p.server.export_records();
  REQUIRE(ids_of(before, "case").size() == 1);
  REQUIRE(ids_of(before, "intake").size() == 1);

  // The kiosk sees its records, and the one saved offline is still waiting.
  auto status = p.kiosk.status();
  CHECK(status["pending"] == 1);
  CHECK(p.kiosk.list("intake").size() == 2);
  CHECK(user_version(p.kiosk.data_dir + "/kiosk.db") == ws::kiosk::schema::kLatest);

  auto synced = p.kiosk.cli({"sync"});
  REQUIRE_MESSAGE(synced.code == 0, synced.err);
  CHECK(p.kiosk.status()["pending"] == 0);
  auto after = p.server.export_records();
  CHECK(ids_of(after, "intake").size() == 2);
  CHECK(ids_of(after, "case") == ids_of(before, "case"));
  bool edit_kept = false;
  for (const auto& r : after) {
    if (r.dump().find("edited after the first sync") != std::string::npos) edit_kept = true;
  }
  CHECK(edit_kept);
}

TEST_CASE("files written by a newer release are refused and left untouched") {
  TempDir dir{"ws-upgrade-"};
  const std::string server_db = dir.file("server.db");
  load_dump(kFixtures + "/server.sql", server_db);
  exec(server_db, "PRAGMA user_version = 999");
  const std::string server_bytes = read_file(server_db);

  auto served = run({server_bin(), "serve", "--db", server_db, "--listen", "127.0.0.1:0", "--quiet"});
  CHECK(served.code != 0);
  CHECK(served.err.find("newer") != std::string::npos);
  CHECK(read_file(server_db) == server_bytes);

  Kiosk kiosk{dir.file("kiosk")};
  fs::create_directory(kiosk.data_dir);
  ::chmod(kiosk.data_dir.c_str(), 0700);
  load_dump(kFixtures + "/kiosk.sql", kiosk.data_dir + "/kiosk.db");
  exec(kiosk.data_dir + "/kiosk.db", "PRAGMA user_version = 999");
  const std::string kiosk_bytes = read_file(kiosk.data_dir + "/kiosk.db");
  auto shown = kiosk.cli({"status", "--json"});
  CHECK(shown.code != 0);
  CHECK(shown.err.find("newer") != std::string::npos);
  CHECK(read_file(kiosk.data_dir + "/kiosk.db") == kiosk_bytes);
}
