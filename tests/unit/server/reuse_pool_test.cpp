#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "sync-server/core/reuse_pool.hpp"

using ws::server::ReusePool;

TEST_CASE("a leased buffer comes back empty with its memory to the next lease") {
  ReusePool<std::string> pool(4, 1 << 20);
  const char* memory = nullptr;
  {
    auto body = pool.lease();
    CHECK(body->empty());
    body->assign(200'000, 'x');
    memory = body->data();
  }
  CHECK(pool.kept() == 1);
  auto again = pool.lease();
  CHECK(again->empty());
  CHECK(again->capacity() >= 200'000);
  CHECK(again->data() == memory);
  CHECK(pool.kept() == 0);
}

TEST_CASE("the pool keeps no more items than asked, and none too large or without memory") {
  ReusePool<std::vector<int>> pool(2, 1000);
  {
    auto a = pool.lease();
    auto b = pool.lease();
    auto c = pool.lease();
    a->resize(10);
    b->resize(20);
    c->resize(30);
  }
  CHECK(pool.kept() == 2);

  ReusePool<std::vector<int>> strict(4, 1000);
  {
    auto huge = strict.lease();
    huge->resize(1001);
    auto unused = strict.lease();
  }
  CHECK(strict.kept() == 0);

  ReusePool<std::string> bodies(4, 1 << 20);
  {
    auto never_read = bodies.lease();
    auto short_one = bodies.lease();
    short_one->assign("{}");
  }
  CHECK(bodies.kept() == 0);
}

TEST_CASE("threads leasing at once each get a buffer of their own") {
  ReusePool<std::string> pool(3, 1 << 20);
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        auto body = pool.lease();
        if (!body->empty()) ++wrong[t];
        body->assign(100 + i % 50, static_cast<char>('a' + t));
        std::this_thread::yield();
        // Another thread writing into this buffer meanwhile would show here.
        if (body->find_first_not_of(static_cast<char>('a' + t)) != std::string::npos) ++wrong[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) CHECK(wrong[t] == 0);
  CHECK(pool.kept() <= 3);
  CHECK(pool.kept() >= 1);
}
