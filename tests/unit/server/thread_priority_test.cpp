#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

#include "sync-server/core/check_pool.hpp"
#include "sync-server/core/thread_priority.hpp"

// The threads that check pushes run below the group commit's writer (thread_priority.hpp); the
// writer's own thread is tested in group_commit_test.cpp.

using namespace ws::server;

namespace {

int lowered_nice() { return std::min(process_nice() + kCheckNiceSteps, 19); }

}  // namespace

TEST_CASE("a thread that checks pushes runs below the process's priority, lowered once however often it asks") {
  const int before = thread_nice();
  int first = 0, second = 0;
  std::thread checker([&] {
    CHECK(thread_nice() == process_nice());
    run_below_writer();
    first = thread_nice();
    run_below_writer();
    second = thread_nice();
  });
  checker.join();
  CHECK(first == lowered_nice());
  CHECK(second == first);
  CHECK(thread_nice() == before);  // the thread that made the checker is not touched
}

TEST_CASE("a thread made by a lowered thread is not lowered twice") {
  int nested = 0;
  std::thread checker([&] {
    run_below_writer();
    std::thread child([&] {
      run_below_writer();
      nested = thread_nice();
    });
    child.join();
  });
  checker.join();
  CHECK(nested == lowered_nice());
}

TEST_CASE("the check pool's helpers run below the writer") {
  CheckPool pool(1);
  REQUIRE(pool.helpers() == 1);
  int helper_nice = process_nice();
  auto handoff = pool.try_hand_off([&] { helper_nice = thread_nice(); });
  REQUIRE(handoff.has_value());
  handoff->wait();
  CHECK(helper_nice == lowered_nice());
}
