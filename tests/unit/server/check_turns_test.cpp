#include <doctest/doctest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "sync-server/core/check_turns.hpp"
#include "tests/unit/server/eventually.hpp"

// Pushes take turns to be checked: no more at once than the gate allows, in the order they came.

using namespace ws::server;
using namespace ws::server::testing;

TEST_CASE("a caller blocks while every turn is held, and gets the next one given back") {
  CheckTurns turns(2);
  auto first = turns.take();
  auto second = turns.take();
  CHECK(turns.held() == 2);

  bool third_has_turn = false;
  std::mutex mutex;
  std::thread third([&] {
    auto turn = turns.take();
    std::lock_guard lock(mutex);
    third_has_turn = turn.held();
  });
  REQUIRE(eventually([&] { return turns.waiting() == 1; }));
  {
    std::lock_guard lock(mutex);
    CHECK_FALSE(third_has_turn);
  }
  first.release();
  third.join();
  CHECK(third_has_turn);
  CHECK(turns.waiting() == 0);
  CHECK(turns.held() == 1);  // the third's turn went back when it returned; the second's is held
  second.release();
  CHECK(turns.held() == 0);
}

TEST_CASE("waiting callers get their turns in the order they asked") {
  CheckTurns turns(1);
  auto holder = turns.take();
  std::mutex mutex;
  std::vector<int> order;
  std::vector<std::thread> callers;
  for (int i = 0; i < 6; ++i) {
    callers.emplace_back([&, i] {
      auto turn = turns.take();
      std::lock_guard lock(mutex);
      order.push_back(i);
    });
    // The next caller starts only once this one is in the queue.
    REQUIRE(eventually([&] { return turns.waiting() == static_cast<std::size_t>(i + 1); }));
  }
  holder.release();
  for (auto& c : callers) c.join();
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4, 5});
  CHECK(turns.held() == 0);
}

TEST_CASE("a turn is given back exactly once, whether released, moved or dropped") {
  CheckTurns turns(3);
  {
    auto a = turns.take();
    CheckTurns::Turn b = std::move(a);
    CHECK_FALSE(a.held());
    CHECK(b.held());
    CHECK(turns.held() == 1);
    a.release();  // holds nothing: gives nothing back
    CHECK(turns.held() == 1);

    auto c = turns.take();
    CHECK(turns.held() == 2);
    c = std::move(b);  // c's own turn goes back, b's moves in
    CHECK(turns.held() == 1);
    CHECK(c.held());
    c.release();
    c.release();
    CHECK(turns.held() == 0);

    auto d = turns.take();
    CHECK(turns.held() == 1);
  }
  CHECK(turns.held() == 0);  // d went back when it was dropped
  CheckTurns::Turn empty;
  CHECK_FALSE(empty.held());
}

TEST_CASE("there is at least one turn, and one per core by default") {
  CHECK(CheckTurns(0).at_once() == 1);
  CHECK(CheckTurns::default_at_once() >= 1);
  CHECK(CheckTurns().at_once() == CheckTurns::default_at_once());
}
