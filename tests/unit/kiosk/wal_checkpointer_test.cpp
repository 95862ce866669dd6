// The push's WAL checkpoints, taken off its commits (kiosk/core/store/wal_checkpointer.hpp).
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <thread>

#include "kiosk/core/store/wal_checkpointer.hpp"
#include "kiosk/core/sync/sync_round.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "tests/unit/kiosk/test_server.hpp"

using ws::kiosk::WalCheckpointer;
using ws::kiosk::test::TempDir;

namespace {

std::int64_t pragma_int(ws::sql::Connection& db, const char* sql) {
  auto st = db.prepare(sql);
  REQUIRE(st);
  REQUIRE(st->step().value_or(false));
  return st->column_int(0);
}

// More than 1,000 pages (the automatic checkpoint's threshold) in one transaction.
void write_pages(ws::sql::Connection& db) {
  REQUIRE(db.exec("CREATE TABLE IF NOT EXISTS t(v BLOB)"));
  REQUIRE(db.exec("BEGIN"));
  REQUIRE(db.exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) "
      "INSERT INTO t SELECT randomblob(2000) FROM n"));
  REQUIRE(db.exec("COMMIT"));
}

// Everything committed is in the database file itself: the WAL was checkpointed to its end.
bool in_database_file(ws::sql::Connection& db, const std::string& path) {
  const auto pages = pragma_int(db, "PRAGMA page_count");
  const auto size = pragma_int(db, "PRAGMA page_size");
  return static_cast<std::int64_t>(std::filesystem::file_size(path)) >= pages * size;
}

}  // namespace

TEST_CASE("while a checkpointer runs, the writer's commits leave the WAL to it, and stopping catches up") {
  TempDir dir;
  const std::string path = dir.file("kiosk.db");
  auto writer = ws::sql::Connection::open(path);
  REQUIRE(writer);
  REQUIRE(writer->exec("CREATE TABLE t(v BLOB)"));
  {
    auto checkpoints = WalCheckpointer::start(*writer, path);
    REQUIRE(checkpoints);
    CHECK(pragma_int(*writer, "PRAGMA wal_autocheckpoint") == 0);
    write_pages(*writer);
    CHECK_FALSE(in_database_file(*writer, path));  // the commit did not checkpoint
    (*checkpoints)->nudge();
    // The thread copies the pages into the database file beside the writer; polled, bounded.
    bool copied = false;
    for (int i = 0; i < 2000 && !copied; ++i) {
      copied = in_database_file(*writer, path);
      if (!copied) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(copied);
    write_pages(*writer);  // not nudged: left for the last checkpoint
  }
  CHECK(in_database_file(*writer, path));
  CHECK(pragma_int(*writer, "PRAGMA wal_autocheckpoint") == 1000);
}

TEST_CASE("a push with its checkpoints beside it delivers every record and leaves the WAL checkpointed") {
  ws::kiosk::test::TestServer srv;
  ws::kiosk::test::EnrolledKiosk k(srv, "OSLO");
  for (int i = 0; i < 300; ++i) REQUIRE(k.store->save("intake", ws::kiosk::test::intake_payload(i)));
  ws::kiosk::RoundOptions o;
  o.batch.max_records = 50;
  auto report = ws::kiosk::SyncRound(*k.store, k.transport, o).push({});
  REQUIRE(report);
  CHECK(report->accepted == 300);
  CHECK(srv.records().size() == 300);
  CHECK(k.store->pending_count().value() == 0);
  auto reader = ws::sql::Connection::open(ws::kiosk::Store::database_path(k.dir.path()));
  REQUIRE(reader);
  CHECK(in_database_file(*reader, ws::kiosk::Store::database_path(k.dir.path())));
}
