// The pieces the sync's speed work added to the shared library: reused prepared statements,
// hand-formatted clock stamps and the level-1 gzip helper. Each must behave exactly as what it
// replaced.
#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

#include "tests/support/temp_dir.hpp"
#include "ws/gzip.hpp"
#include "ws/hlc.hpp"
#include "ws/sqlite.hpp"

using ws::test::TempDir;

TEST_CASE("sqlite: a statement prepared again is reused reset, without the bindings or the rows of its last use") {
  TempDir dir;
  auto db = ws::sql::Connection::open(dir.file("t.db"));
  REQUIRE(db);
  REQUIRE(db->exec("CREATE TABLE t(n INTEGER, s TEXT)"));
  const char* insert = "INSERT INTO t VALUES(?1, ?2)";
  sqlite3_stmt* first_handle = nullptr;
  {
    auto st = db->prepare(insert);
    REQUIRE(st);
    REQUIRE(st->bind(1, 1).bind(2, "one").run());
    first_handle = sqlite3_next_stmt(db->handle(), nullptr);
  }
  {
    auto again = db->prepare(insert);
    REQUIRE(again);
    CHECK(sqlite3_next_stmt(db->handle(), nullptr) == first_handle);  // the same compiled statement
    REQUIRE(again->bind(1, 2).run());  // ?2 unbound: NULL, not "one"
  }
  {
    // Two live at once: the second is compiled anew; both go back.
    auto a = db->prepare("SELECT n, s FROM t ORDER BY n");
    auto b = db->prepare("SELECT n, s FROM t ORDER BY n");
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(*a->step());
    CHECK(a->column_int(0) == 1);
    REQUIRE(*b->step());
    REQUIRE(*b->step());
    CHECK(b->is_null(1));
    // `a` is left mid-result: returned reset, it holds no snapshot that would block a checkpoint.
  }
  auto count = db->prepare("SELECT count(*) FROM t");
  REQUIRE(count);
  REQUIRE(*count->step());
  CHECK(count->column_int(0) == 2);
  // A statement that outlives its connection is finalized, not cached.
  auto orphan = db->prepare("SELECT 1");
  REQUIRE(orphan);
  *db = ws::sql::Connection();
  *orphan = ws::sql::Statement();
}

TEST_CASE("sqlite: a moved connection keeps its statements, and a failed prepare is still an error") {
  TempDir dir;
  auto opened = ws::sql::Connection::open(dir.file("t.db"));
  REQUIRE(opened);
  ws::sql::Connection db = std::move(*opened);
  REQUIRE(db.exec("CREATE TABLE t(n INTEGER)"));
  { REQUIRE(db.prepare("INSERT INTO t VALUES(1)")->run()); }
  ws::sql::Connection moved = std::move(db);
  REQUIRE(moved.prepare("INSERT INTO t VALUES(1)")->run());
  auto bad = moved.prepare("SELECT missing FROM nowhere");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("no such table") != std::string::npos);
}

TEST_CASE("hlc: stamps print as 13 hex digits, '-', 8 hex digits, as before") {
  CHECK(ws::Hlc{0x18c0d1e2f3a, 5}.to_string() == "0018c0d1e2f3a-00000005");
  CHECK(ws::Hlc{0, 0}.to_string() == "0000000000000-00000000");
  CHECK(ws::Hlc{0xfffffffffffff, 0xffffffffu}.to_string() == "fffffffffffff-ffffffff");
  CHECK(ws::Hlc{0x10000000000000, 1}.to_string() == "10000000000000-00000001");  // wider: printed whole
  const ws::Version v{ws::Hlc{1767225600000, 3}, "dev-1"};
  auto parsed = ws::Version::parse(v.to_string());
  REQUIRE(parsed);
  CHECK(*parsed == v);
}

TEST_CASE("gzip_fast: a gzip stream that inflates to the input, and accepts_gzip reads Accept-Encoding") {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += R"({"field":"value )" + std::to_string(i) + R"("},)";
  auto gz = ws::gzip_fast(text);
  REQUIRE(gz);
  CHECK(gz->size() < text.size() / 4);
  z_stream z{};
  REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
  std::string out(text.size() + 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(gz->data());
  z.avail_in = static_cast<uInt>(gz->size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  CHECK(inflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  CHECK(out == text);
  CHECK(ws::accepts_gzip("gzip"));
  CHECK(ws::accepts_gzip("br, gzip, deflate"));
  CHECK_FALSE(ws::accepts_gzip(""));
  CHECK_FALSE(ws::accepts_gzip("identity"));
}
