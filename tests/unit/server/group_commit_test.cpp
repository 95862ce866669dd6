#include <doctest/doctest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "sync-server/core/group_commit.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;

namespace {

// Polls for a condition, with a generous bound.
template <typename F>
bool eventually(F&& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

int count_commit(void* counter) {
  ++*static_cast<int*>(counter);
  return 0;  // let it commit
}

Status insert(sql::Connection& db, int n) {
  auto st = db.prepare("INSERT INTO t (n) VALUES (?1)");
  if (!st) return fail(st.error());
  return st->bind(1, n).run();
}

}  // namespace

TEST_CASE("group commit: writes queued meanwhile share one commit, and a failed one is rolled back alone") {
  TestDb t;
  {
    auto lease = t.db->acquire();
    REQUIRE(lease.has_value());
    REQUIRE((*lease)->exec("CREATE TABLE t (n INTEGER NOT NULL)"));
  }
  GroupCommit group(*t.db);
  std::atomic<bool> release_first{false};
  std::atomic<sqlite3*> first_connection{nullptr};
  std::atomic<sqlite3*> second_group_connection{nullptr};
  int commits = 0;

  // The first job holds the writer until three more have queued; they form the next group.
  std::thread first([&] {
    auto s = group.run([&](sql::Connection& db) -> Status {
      first_connection = db.handle();
      CHECK(eventually([&] { return release_first.load(); }));
      return insert(db, 1);
    });
    CHECK(s.has_value());
  });
  REQUIRE(eventually([&] { return first_connection.load() != nullptr; }));

  std::vector<std::thread> others;
  std::atomic<int> ok_count{0}, failed{0};
  for (int n = 2; n <= 4; ++n) {
    others.emplace_back([&, n] {
      auto s = group.run([&, n](sql::Connection& db) -> Status {
        // The group's first job counts the commits of this connection.
        if (second_group_connection.exchange(db.handle()) == nullptr) sqlite3_commit_hook(db.handle(), count_commit, &commits);
        CHECK(second_group_connection == db.handle());
        if (auto w = insert(db, n); !w) return w;
        if (n == 3) return fail("invalid_request", "this job refuses after writing");
        return ok();
      });
      (s ? ok_count : failed)++;
      if (n == 3) CHECK((!s && s.error().code == "invalid_request"));
    });
  }
  CHECK(eventually([&] { return group.queued() == 3; }));
  release_first = true;
  first.join();
  for (auto& th : others) th.join();
  sqlite3_commit_hook(second_group_connection.load(), nullptr, nullptr);  // the connection is idle in the pool

  CHECK(ok_count == 2);
  CHECK(failed == 1);
  CHECK(commits == 1);  // three jobs, one transaction
  CHECK(db_count(*t.db, "SELECT COUNT(*) FROM t") == 3);
  CHECK(db_count(*t.db, "SELECT COUNT(*) FROM t WHERE n = 3") == 0);
}
