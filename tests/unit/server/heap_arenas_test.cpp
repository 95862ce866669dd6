#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <latch>
#include <thread>
#include <vector>

#include "sync-server/core/heap_arenas.hpp"

// The server caps glibc's heaps at one per core: a new server filled 16 heaps with fresh pages
// on 2 cores before it reused any (docs/performance.md, session 21).

using namespace ws::server;

// Under AddressSanitizer the heap is the sanitizer's and glibc's arenas are not used.
#if !defined(__SANITIZE_ADDRESS__)
namespace {

// Threads that all hold an allocation at once, as concurrent requests do: a thread keeps the
// heap it first allocated from, and a heap is handed to a new thread only once its thread ends.
void allocate_together(int threads) {
  std::latch holding(threads);
  std::vector<std::thread> running;
  for (int i = 0; i < threads; ++i) {
    running.emplace_back([&] {
      auto* block = static_cast<volatile char*>(std::malloc(4096));
      block[0] = 1;
      holding.arrive_and_wait();
      std::free(const_cast<char*>(block));
    });
  }
  for (auto& t : running) t.join();
}

}  // namespace

TEST_CASE("threads allocating at once share at most one heap per core once capped") {
  auto before = heap_arena_count();
  REQUIRE(before);
  REQUIRE(cap_heap_arenas(2));
  allocate_together(24);
  auto after = heap_arena_count();
  REQUIRE(after);
  CHECK(*after <= std::max(*before, 2));
}
#endif
