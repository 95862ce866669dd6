#include <doctest/doctest.h>

#include <filesystem>
#include <stdexcept>

#include "ws/ids.hpp"
#include "ws/sqlite.hpp"

namespace {
struct TempDb {
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("ws-sqlite-" + ws::new_uuid_v7() + ".db");
  ~TempDb() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix, ec);
  }
};

std::int64_t count_rows(ws::sql::Connection& db) {
  auto st = db.prepare("SELECT count(*) FROM t");
  REQUIRE(st);
  REQUIRE(*st->step());
  return st->column_int(0);
}
}  // namespace

TEST_CASE("sqlite: open, WAL, bind and read back values of every type") {
  TempDb tmp;
  auto db = ws::sql::Connection::open(tmp.path.string());
  REQUIRE(db);
  REQUIRE(db->exec("CREATE TABLE t(i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)"));
  auto ins = db->prepare("INSERT INTO t VALUES(?,?,?,?,?)");
  REQUIRE(ins);
  const std::string blob("\0\1\2", 3);
  ins->bind(1, std::int64_t{1} << 40).bind(2, 2.5).bind(3, "نام").bind_blob(4, blob).bind_null(5);
  REQUIRE(ins->run());
  auto sel = db->prepare("SELECT i, d, s, b, n FROM t");
  REQUIRE(sel);
  REQUIRE(*sel->step());
  CHECK(sel->column_int(0) == (std::int64_t{1} << 40));
  CHECK(sel->column_double(1) == 2.5);
  CHECK(sel->column_text(2) == "نام");
  CHECK(sel->column_blob(3) == blob);
  CHECK(sel->column_view(3) == blob);
  CHECK(sel->column_view(2) == "نام");
  CHECK(sel->is_null(4));
  CHECK_FALSE(sel->column_optional_text(4).has_value());
  CHECK(sel->column_view(4).empty());
  auto mode = db->prepare("PRAGMA journal_mode");
  REQUIRE(*mode->step());
  CHECK(mode->column_text(0) == "wal");
}

TEST_CASE("sqlite: bound values are data, never SQL") {
  TempDb tmp;
  auto db = ws::sql::Connection::open(tmp.path.string());
  REQUIRE(db->exec("CREATE TABLE t(s TEXT)"));
  auto ins = db->prepare("INSERT INTO t VALUES(?)");
  ins->bind(1, "x'); DROP TABLE t; --");
  REQUIRE(ins->run());
  CHECK(count_rows(*db) == 1);
}

TEST_CASE("sqlite: a transaction rolls back when an exception leaves its scope") {
  TempDb tmp;
  auto db = ws::sql::Connection::open(tmp.path.string());
  REQUIRE(db->exec("CREATE TABLE t(i INTEGER)"));
  auto insert = [&](int i) {
    auto st = db->prepare("INSERT INTO t VALUES(?)");
    st->bind(1, i);
    REQUIRE(st->run());
  };
  try {
    auto tx = ws::sql::Transaction::begin(*db);
    REQUIRE(tx);
    insert(1);
    insert(2);
    throw std::runtime_error("crash in the middle of a save");
  } catch (const std::runtime_error&) {
  }
  CHECK(count_rows(*db) == 0);

  {
    auto tx = ws::sql::Transaction::begin(*db);
    insert(3);
    REQUIRE(tx->commit());
  }
  CHECK(count_rows(*db) == 1);

  {
    auto tx = ws::sql::Transaction::begin(*db);
    insert(4);  // no commit: dropped on scope exit
  }
  CHECK(count_rows(*db) == 1);
}

TEST_CASE("sqlite: errors are values with a useful code") {
  TempDb tmp;
  auto db = ws::sql::Connection::open(tmp.path.string());
  auto bad = db->prepare("SELEKT 1");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == "db_error");
  REQUIRE(db->exec("CREATE TABLE t(i INTEGER PRIMARY KEY)"));
  auto ins = db->prepare("INSERT INTO t VALUES(1)");
  REQUIRE(ins->run());
  ins->reset();
  auto dup = ins->run();
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == "constraint");

  auto missing = ws::sql::Connection::open("/nonexistent-dir/x.db");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == "cant_open");
}

TEST_CASE("sqlite: a read-only connection cannot write") {
  TempDb tmp;
  {
    auto db = ws::sql::Connection::open(tmp.path.string());
    REQUIRE(db->exec("CREATE TABLE t(i INTEGER)"));
  }
  ws::sql::OpenOptions ro;
  ro.read_only = true;
  auto db = ws::sql::Connection::open(tmp.path.string(), ro);
  REQUIRE(db);
  auto w = db->exec("INSERT INTO t VALUES(1)");
  REQUIRE_FALSE(w);
  CHECK(w.error().code == "read_only");
}

TEST_CASE("sqlite: a new file takes the page size asked for, an existing one keeps its own") {
  TempDb tmp;
  {
    auto db = ws::sql::Connection::open(tmp.path.string(), ws::sql::OpenOptions{.page_size = 16384});
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE t(i INTEGER)"));
    auto size = ws::sql::page_size(*db);
    REQUIRE(size);
    CHECK(*size == 16384);
  }
  auto again = ws::sql::Connection::open(tmp.path.string(), ws::sql::OpenOptions{.page_size = 4096});
  REQUIRE(again);
  auto size = ws::sql::page_size(*again);
  REQUIRE(size);
  CHECK(*size == 16384);
  // The statement that read it is finished: a statement-free call such as a function
  // registration or a DDL succeeds right after.
  CHECK(again->exec("CREATE TABLE u(i INTEGER)"));
}
