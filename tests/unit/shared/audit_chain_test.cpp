#include <doctest/doctest.h>

#include "tests/support/audit_tamper.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/audit_chain.hpp"

namespace {

using ws::audit::Event;

struct AuditDb {
  ws::test::TempDir dir;
  ws::sql::Connection db;
  AuditDb() {
    auto opened = ws::sql::Connection::open(dir.file("audit.db"));
    REQUIRE(opened);
    db = std::move(*opened);
    REQUIRE(db.exec(ws::audit::kSchemaSql));
    for (int i = 1; i <= 5; ++i) {
      REQUIRE(ws::audit::append(db, Event{"cli", "thing.done", "obj-" + std::to_string(i), {{"n", i}}}, 1000 * i));
    }
  }
  ws::audit::Verdict verdict() {
    auto v = ws::audit::verify(db);
    REQUIRE(v);
    return *v;
  }
};

}  // namespace

TEST_CASE("audit chain: entries are numbered, chained and verify") {
  AuditDb a;
  auto entries = ws::audit::list(a.db);
  REQUIRE(entries);
  REQUIRE(entries->size() == 5);
  CHECK(entries->front().seq == 1);
  CHECK(entries->front().prev_hash == ws::audit::kGenesisHash);
  CHECK((*entries)[1].prev_hash == entries->front().hash);
  CHECK(entries->back().details == R"({"n":5})");
  const auto v = a.verdict();
  CHECK(v.ok);
  CHECK(v.entries == 5);
  CHECK(v.head_hash == entries->back().hash);
  auto since = ws::audit::list(a.db, 3000);
  REQUIRE(since);
  CHECK(since->size() == 3);
}

TEST_CASE("audit chain: the triggers refuse UPDATE and DELETE") {
  AuditDb a;
  CHECK_FALSE(a.db.exec("UPDATE audit_log SET actor = 'x' WHERE seq = 2"));
  CHECK_FALSE(a.db.exec("DELETE FROM audit_log WHERE seq = 5"));
  CHECK(a.verdict().ok);
}

TEST_CASE("audit chain: verify names the first changed entry") {
  AuditDb a;
  ws::test::tamper_change(a.db, 3);
  const auto v = a.verdict();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 3);
  CHECK(v.entries == 2);
}

TEST_CASE("audit chain: verify finds a removed entry, first or in the middle") {
  AuditDb a;
  ws::test::tamper_remove(a.db, 4);
  auto v = a.verdict();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 4);
  ws::test::tamper_remove(a.db, 1);
  v = a.verdict();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 1);
}

TEST_CASE("audit chain: verify finds reordered entries") {
  AuditDb a;
  ws::test::tamper_swap(a.db, 2, 4);
  const auto v = a.verdict();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 2);
}

TEST_CASE("audit chain: an entry rewritten with a fresh hash still breaks the next link") {
  AuditDb a;
  ws::test::drop_audit_triggers(a.db);
  auto entries = ws::audit::list(a.db);
  REQUIRE(entries);
  ws::audit::Entry forged = (*entries)[2];
  forged.object_id = "someone-else";
  forged.hash = ws::audit::entry_hash(forged);
  auto st = a.db.prepare("UPDATE audit_log SET object_id = ?, hash = ? WHERE seq = 3");
  REQUIRE(st);
  REQUIRE(st->bind(1, forged.object_id).bind(2, forged.hash).run());
  const auto v = a.verdict();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_seq == 4);
}
