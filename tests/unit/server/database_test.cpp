#include <doctest/doctest.h>
#include <sqlite3.h>

#include <string>
#include <utility>
#include <vector>

#include "sync-server/core/backup.hpp"
#include "sync-server/core/ingest.hpp"
#include "sync-server/core/records.hpp"
#include "sync-server/core/schema.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;

namespace {
Envelope oslo_case() {
  Envelope e;
  e.id = new_uuid_v7();
  e.kind = "case";
  e.centre = "OSLO";
  e.version = version_at(1000, "dev");
  e.payload = {{"a", 1}};
  return e;
}
}  // namespace

TEST_CASE("the schema migrates once and a reopened file keeps its data") {
  TempDir dir;
  const auto path = dir.file("s.db");
  {
    auto db = Database::open(path);
    REQUIRE(db.has_value());
    auto w = WriteScope::begin(**db);
    REQUIRE(w.has_value());
    const Envelope e = oslo_case();
    CHECK(write_record(w->conn(), e).value() == 1);
    CHECK(write_record(w->conn(), e).value() == 2);  // every write is a new change
    REQUIRE(w->commit().has_value());
  }
  auto db = Database::open(path);
  REQUIRE(db.has_value());
  auto lease = (*db)->acquire();
  REQUIRE(lease.has_value());
  CHECK(current_seq(**lease).value() == 2);
  CHECK(latest_stored_hlc(**lease).value() == Hlc{1000, 0});
}

TEST_CASE("a serving connection holds a write's dirty pages up to 32 MB, then spills them") {
  // SQLite reads `cache_spill=2048` (or 8192) as the threshold and, from its low byte (0), as
  // "off": it answers 0 then, and a transaction's memory has no bound.
  TempDir dir;
  auto db = Database::open(dir.file("s.db"));
  REQUIRE(db.has_value());
  CHECK(db_count(**db, "PRAGMA page_size") == 16384);
  CHECK(db_count(**db, "PRAGMA cache_spill") == 2048);
}

TEST_CASE("a new database has 16 KB pages, a file made with 4 KB keeps them, and a backup takes its source's") {
  TempDir dir;
  const auto older = dir.file("older.db");
  {
    auto conn = sql::Connection::open(older);  // as a server before session 26 made it
    REQUIRE(conn.has_value());
    REQUIRE(conn->exec("CREATE TABLE made_before (x)").has_value());
  }
  {
    auto db = Database::open(older);
    REQUIRE(db.has_value());
    CHECK(db_count(**db, "PRAGMA page_size") == 4096);
    CHECK(db_count(**db, "PRAGMA cache_spill") == 8192);  // the same 32 MB
  }
  const auto made_now = dir.file("new.db");
  {
    auto db = Database::open(made_now);
    REQUIRE(db.has_value());
    auto w = WriteScope::begin(**db);
    REQUIRE(w.has_value());
    REQUIRE(write_record(w->conn(), oslo_case()).has_value());
    REQUIRE(w->commit().has_value());
  }
  for (const auto& [from, size] : {std::pair{older, 4096}, std::pair{made_now, 16384}}) {
    const auto copy = from + ".backup";
    auto report = backup_database(from, copy);
    REQUIRE_MESSAGE(report.has_value(), (report ? "" : report.error().message));
    auto conn = sql::Connection::open(copy, sql::OpenOptions{.read_only = true, .create = false});
    REQUIRE(conn.has_value());
    auto st = conn->prepare("PRAGMA page_size");
    REQUIRE(st.has_value());
    REQUIRE(st->step().value());
    CHECK(st->column_int(0) == size);
  }
}

TEST_CASE("a file from a newer server is refused") {
  TempDir dir;
  const auto path = dir.file("s.db");
  {
    auto conn = sql::Connection::open(path);
    REQUIRE(conn.has_value());
    REQUIRE(conn->exec("PRAGMA user_version = 99").has_value());
  }
  auto db = Database::open(path);
  REQUIRE_FALSE(db.has_value());
  CHECK(db.error().code == "schema_too_new");
}

TEST_CASE("a write scope that is not committed leaves nothing behind") {
  TestDb t;
  {
    auto w = WriteScope::begin(*t.db);
    REQUIRE(w.has_value());
    const Envelope e = oslo_case();
    REQUIRE(write_record(w->conn(), e).has_value());
  }
  auto lease = t.db->acquire();
  REQUIRE(lease.has_value());
  CHECK(current_seq(**lease).value() == 0);
}

TEST_CASE("every write scope writes on one connection, which readers never get") {
  // A connection that another one's commit overtook drops its whole page cache at its next
  // transaction: the writer keeps its own so that its cache survives from one commit to the next.
  TestDb t;
  sqlite3* writer = nullptr;
  {
    auto w = WriteScope::begin(*t.db);
    REQUIRE(w.has_value());
    writer = w->conn().handle();
    REQUIRE(w->commit().has_value());
  }
  auto reader = t.db->acquire();  // the pool's most recently returned connection
  REQUIRE(reader.has_value());
  CHECK((*reader)->handle() != writer);
  CHECK(db_count(*t.db, "PRAGMA cache_size") == -2000);  // SQLite's default on the pool's
  {
    auto w = WriteScope::begin(*t.db);
    REQUIRE(w.has_value());
    CHECK(w->conn().handle() == writer);
  }  // rolled back: the connection still goes back to the writer's place
  auto w = WriteScope::begin(*t.db);
  REQUIRE(w.has_value());
  CHECK(w->conn().handle() == writer);
  auto cache = w->conn().prepare("PRAGMA cache_size");  // the writer's is 8 MB
  REQUIRE(cache.has_value());
  REQUIRE(cache->step().value());
  CHECK(cache->column_int(0) == -8192);
}

TEST_CASE("the writer's cache holds a whole group of kiosk batches: reading it back reads no page") {
  // A group is up to kPushGroupMax batches in one transaction (ingest.hpp), a kiosk's batch 500
  // records (its BatchLimits) of ~1.1 KB stored. A batch pushed again after a lost reply, or
  // edits of what was just pushed, read those rows back: with SQLite's 2 MB they had left the
  // cache by the commit, and each read was a pread of the file.
  constexpr std::size_t kKioskBatchRecords = 500;
  TestDb t;
  std::vector<std::string> ids;
  {
    auto w = WriteScope::begin(*t.db);
    REQUIRE(w.has_value());
    for (std::size_t i = 0; i < kPushGroupMax * kKioskBatchRecords; ++i) {
      Envelope e = oslo_case();
      e.kind = "intake";
      e.payload = {{"_case_id", "case-" + std::to_string(i / 4)},
                   {"notes", std::string(1000, static_cast<char>('a' + i % 26))},
                   {"n", i}};
      REQUIRE(write_record(w->conn(), e).has_value());
      ids.push_back(e.id);
    }
    int spilled = 0;
    int highwater = 0;
    REQUIRE(sqlite3_db_status(w->conn().handle(), SQLITE_DBSTATUS_CACHE_SPILL, &spilled, &highwater, 0) == SQLITE_OK);
    CHECK(spilled == 0);  // the group's pages stayed in memory until its commit
    REQUIRE(w->commit().has_value());
  }
  auto w = WriteScope::begin(*t.db);
  REQUIRE(w.has_value());
  int misses = 0;
  int highwater = 0;
  REQUIRE(sqlite3_db_status(w->conn().handle(), SQLITE_DBSTATUS_CACHE_MISS, &misses, &highwater, 1) == SQLITE_OK);
  for (const auto& id : ids) {
    auto stored = load_record(w->conn(), id);
    REQUIRE(stored.has_value());
    REQUIRE(stored->has_value());
  }
  REQUIRE(sqlite3_db_status(w->conn().handle(), SQLITE_DBSTATUS_CACHE_MISS, &misses, &highwater, 0) == SQLITE_OK);
  CHECK(misses == 0);
}

TEST_CASE("the writer's page cache stays valid from one commit to the next") {
  TestDb t;
  auto write_one = [&] {
    auto w = WriteScope::begin(*t.db);
    REQUIRE(w.has_value());
    const Envelope e = oslo_case();
    REQUIRE(write_record(w->conn(), e).has_value());
    REQUIRE(w->commit().has_value());
  };
  write_one();
  {
    // Another connection reads between the writes and goes back to the pool last: a writer
    // taken from the pool would be this one, its cache overtaken by the second write's commit.
    auto reader = t.db->acquire();
    REQUIRE(reader.has_value());
    CHECK(current_seq(**reader).value() == 1);
    write_one();
  }
  auto w = WriteScope::begin(*t.db);
  REQUIRE(w.has_value());
  int misses = 0;
  int highwater = 0;
  REQUIRE(sqlite3_db_status(w->conn().handle(), SQLITE_DBSTATUS_CACHE_MISS, &misses, &highwater, 1) == SQLITE_OK);
  CHECK(current_seq(w->conn()).value() == 2);
  REQUIRE(sqlite3_db_status(w->conn().handle(), SQLITE_DBSTATUS_CACHE_MISS, &misses, &highwater, 0) == SQLITE_OK);
  CHECK(misses == 0);
}
