#include <doctest/doctest.h>
#include <sqlite3.h>

#include <atomic>
#include <functional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sync-server/core/group_commit.hpp"
#include "sync-server/core/thread_priority.hpp"
#include "tests/unit/server/eventually.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;

namespace {

Status insert(sql::Connection& db, int n) {
  auto st = db.prepare("INSERT INTO t (n) VALUES (?1)");
  if (!st) return fail(st.error());
  return st->bind(1, n).run();
}

struct Table {
  TestDb t;
  GroupCommit group{*t.db};
  Table() {
    auto lease = t.db->acquire();
    REQUIRE(lease.has_value());
    REQUIRE((*lease)->exec("CREATE TABLE t (n INTEGER NOT NULL)"));
  }

  // A first job holds the writer until every one of `jobs` has queued behind it, so they
  // form the next group, in their order; returns each job's result.
  std::vector<Status> run_as_one_group(const std::vector<GroupCommit::Work>& jobs) {
    std::atomic<bool> release_first{false}, first_writing{false};
    std::thread first([&] {
      auto s = group.run([&](sql::Connection& db) -> Status {
        first_writing = true;
        CHECK(eventually([&] { return release_first.load(); }));
        return insert(db, 1);
      });
      CHECK(s.has_value());
    });
    REQUIRE(eventually([&] { return first_writing.load(); }));
    std::vector<Status> results(jobs.size(), ok());
    std::vector<std::thread> others;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      others.emplace_back([&, i] { results[i] = group.run(jobs[i]); });
      // One at a time, so the group holds them in this order.
      CHECK(eventually([&] { return group.queued() == i + 1; }));
    }
    release_first = true;
    first.join();
    for (auto& th : others) th.join();
    return results;
  }
};

}  // namespace

TEST_CASE("group commit: writes queued meanwhile share one commit, with no savepoint between them") {
  Table table;
  std::vector<GroupCommit::Work> jobs;
  for (int n = 2; n <= 4; ++n) {
    jobs.push_back([n](sql::Connection& db) -> Status {
      // A savepoint of the group's around this write would show as a nested transaction.
      CHECK(!sqlite3_get_autocommit(db.handle()));
      return insert(db, n);
    });
  }
  for (const auto& s : table.run_as_one_group(jobs)) CHECK(s.has_value());
  const auto stats = table.group.stats();
  CHECK(stats.commits == 2);  // the first job alone, then the three together
  CHECK(stats.shared_commits == 1);
  CHECK(stats.rolled_back_groups == 0);
  CHECK(db_count(*table.t.db, "SELECT COUNT(*) FROM t") == 4);
}

TEST_CASE("group commit: a failed write rolls its group back, and each of its writes is then written alone") {
  Table table;
  std::atomic<int> runs[5] = {0, 0, 0, 0, 0};
  std::vector<GroupCommit::Work> jobs;
  for (int n = 2; n <= 4; ++n) {
    jobs.push_back([&, n](sql::Connection& db) -> Status {
      ++runs[n];
      if (auto w = insert(db, n); !w) return w;
      if (n == 3) return fail("invalid_request", "this job refuses after writing");
      return ok();
    });
  }
  const auto results = table.run_as_one_group(jobs);
  CHECK(results[0].has_value());
  CHECK((!results[1] && results[1].error().code == "invalid_request"));
  CHECK(results[2].has_value());

  const auto stats = table.group.stats();
  CHECK(stats.rolled_back_groups == 1);
  CHECK(stats.shared_commits == 0);
  CHECK(stats.commits == 3);  // the first job, then 2 and 4 each alone
  CHECK(runs[2] == 2);        // in the group, then alone
  CHECK(runs[3] == 2);
  CHECK(runs[4] == 1);        // the group stopped at 3's failure
  CHECK(db_count(*table.t.db, "SELECT COUNT(*) FROM t") == 3);
  CHECK(db_count(*table.t.db, "SELECT COUNT(*) FROM t WHERE n = 3") == 0);
  CHECK(db_count(*table.t.db, "SELECT COUNT(*) FROM t WHERE n = 2") == 1);  // not doubled by its rerun
}

TEST_CASE("group commit: a write that throws fails alone, and the others of its group commit") {
  Table table;
  std::vector<GroupCommit::Work> jobs;
  jobs.push_back([](sql::Connection& db) -> Status { return insert(db, 2); });
  jobs.push_back([](sql::Connection& db) -> Status {
    if (auto w = insert(db, 3); !w) return w;
    throw std::runtime_error("a bug in the write");
  });
  const auto results = table.run_as_one_group(jobs);
  CHECK(results[0].has_value());
  CHECK((!results[1] && results[1].error().code == "internal"));
  CHECK(db_count(*table.t.db, "SELECT COUNT(*) FROM t") == 2);
  CHECK(db_count(*table.t.db, "SELECT COUNT(*) FROM t WHERE n = 3") == 0);
}

TEST_CASE("group commit: writes run on the writer's own thread, at the priority the process started with") {
  Table table;
  std::thread::id first_writer, second_writer;
  int writer_nice = -100;
  // A caller that checks pushes runs lowered, as a push's request thread does; its write must not.
  std::thread caller([&] {
    run_below_writer();
    auto s = table.group.run([&](sql::Connection& db) -> Status {
      first_writer = std::this_thread::get_id();
      writer_nice = thread_nice();
      return insert(db, 1);
    });
    CHECK(s.has_value());
    CHECK(first_writer != std::this_thread::get_id());
  });
  caller.join();
  auto s = table.group.run([&](sql::Connection& db) -> Status {
    second_writer = std::this_thread::get_id();
    return insert(db, 2);
  });
  CHECK(s.has_value());
  CHECK(second_writer != std::this_thread::get_id());
  CHECK(first_writer == second_writer);
  CHECK(writer_nice == process_nice());
  CHECK(db_count(*table.t.db, "SELECT COUNT(*) FROM t") == 2);
}
