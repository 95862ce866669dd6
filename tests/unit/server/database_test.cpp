#include <doctest/doctest.h>

#include "sync-server/core/records.hpp"
#include "sync-server/core/schema.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;

TEST_CASE("the schema migrates once and a reopened file keeps its data") {
  TempDir dir;
  const auto path = dir.file("s.db");
  {
    auto db = Database::open(path);
    REQUIRE(db.has_value());
    auto w = WriteScope::begin(**db);
    REQUIRE(w.has_value());
    Envelope e;
    e.id = new_uuid_v7();
    e.kind = "case";
    e.centre = "OSLO";
    e.version = version_at(1000, "dev");
    e.payload = {{"a", 1}};
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
  // SQLite reads `cache_spill=8192` as the threshold and, from its low byte (0), as "off": it
  // answers 0 then, and a transaction's memory has no bound.
  TempDir dir;
  auto db = Database::open(dir.file("s.db"));
  REQUIRE(db.has_value());
  CHECK(db_count(**db, "PRAGMA cache_spill") == 8192);
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
    Envelope e;
    e.id = new_uuid_v7();
    e.kind = "case";
    e.centre = "OSLO";
    e.version = version_at(1000, "dev");
    REQUIRE(write_record(w->conn(), e).has_value());
  }
  auto lease = t.db->acquire();
  REQUIRE(lease.has_value());
  CHECK(current_seq(**lease).value() == 0);
}
