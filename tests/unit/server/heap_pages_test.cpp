#include <doctest/doctest.h>

#include "sync-server/core/heap_pages.hpp"

using ws::server::kHugeHeapTunables;
using ws::server::tunables_with_huge_heap_pages;

TEST_CASE("serve adds the huge heap pages to GLIBC_TUNABLES") {
  CHECK(tunables_with_huge_heap_pages("") == std::string(kHugeHeapTunables));
  CHECK(kHugeHeapTunables == "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=4194304");
}

TEST_CASE("serve keeps an operator's other tunables and adds the heap's after them") {
  CHECK(tunables_with_huge_heap_pages("glibc.malloc.arena_max=2") ==
        "glibc.malloc.arena_max=2:" + std::string(kHugeHeapTunables));
  CHECK(tunables_with_huge_heap_pages("glibc.malloc.hugetlbx=1") ==
        "glibc.malloc.hugetlbx=1:" + std::string(kHugeHeapTunables));
}

TEST_CASE("an operator's own glibc.malloc.hugetlb stands, and a restarted server is not restarted again") {
  CHECK_FALSE(tunables_with_huge_heap_pages("glibc.malloc.hugetlb=0"));
  CHECK_FALSE(tunables_with_huge_heap_pages("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=0"));
  CHECK_FALSE(tunables_with_huge_heap_pages(kHugeHeapTunables));
  const auto once = tunables_with_huge_heap_pages("glibc.malloc.arena_max=2");
  REQUIRE(once);
  CHECK_FALSE(tunables_with_huge_heap_pages(*once));
}
