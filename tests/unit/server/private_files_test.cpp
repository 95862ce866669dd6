// The server's file, its WAL and shared-memory files, the epoch sidecar and backups are the
// owner's alone, whatever the umask; exports leave credentials out.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <string>

#include "sync-server/core/backup.hpp"
#include "sync-server/core/epoch.hpp"
#include "sync-server/core/export.hpp"
#include "sync-server/core/publish.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE_MESSAGE(::stat(path.c_str(), &st) == 0, path);
  return st.st_mode & 0777;
}

// Restores the process umask when the test ends.
struct Umask {
  mode_t old;
  explicit Umask(mode_t m) : old(::umask(m)) {}
  ~Umask() { ::umask(old); }
};

}  // namespace

TEST_CASE("the database, its -wal and -shm, the epoch sidecar and a backup are created 0600") {
  Umask open_umask(0);  // the most permissive umask: nothing may rely on it
  TempDir dir;
  const std::string path = dir.file("server.db");
  {
    DatabaseOptions serving;
    serving.serving = true;
    auto db = Database::open(path, serving);
    REQUIRE(db.has_value());
    REQUIRE(add_counsellor(**db, "OSLO", "Kari Nordmann", "counsellor", "482913").has_value());
    for (const std::string& file : {path, path + "-wal", path + "-shm", epoch_sidecar_path(path)}) {
      CHECK_MESSAGE(mode_of(file) == 0600, file);
    }
    REQUIRE(backup_database(path, dir.file("backup.db")).has_value());
    CHECK(mode_of(dir.file("backup.db")) == 0600);
  }
  // A file an older version left readable is tightened when it is opened.
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  REQUIRE(Database::open(path).has_value());
  CHECK(mode_of(path) == 0600);
}

TEST_CASE("an export leaves out counsellors' PIN hashes, in JSON and CSV") {
  TestDb t;
  auto kari = add_counsellor(*t.db, "OSLO", "Kari Nordmann", "admin", "482913");
  REQUIRE(kari.has_value());
  for (auto format : {ExportFormat::Json, ExportFormat::Csv}) {
    for (const std::optional<std::string>& kind : {std::optional<std::string>{}, std::optional<std::string>{"counsellor"}}) {
      std::string out;
      REQUIRE(export_records(*t.db, format, kind, [&](const std::string& chunk) { out += chunk; }).has_value());
      CHECK(out.find("Kari Nordmann") != std::string::npos);  // the account is there
      CHECK(out.find("pin_hash") == std::string::npos);
      CHECK(out.find("$argon2id$") == std::string::npos);
    }
  }
}
