#pragma once
// How many heaps (glibc malloc arenas) the server's threads share. glibc gives every thread
// that allocates a heap of its own until there are 8 per core, and each heap fills with fresh
// pages (a page fault each, an mprotect per step of growth) the first time a request's
// allocations land in it: with 256 request threads a new server fills 16 heaps on 2 cores
// before its pages are reused (docs/performance.md, session 21).
#include "ws/result.hpp"

namespace ws::server {

// One heap per core: no more threads allocate at once than there are cores, and each thread
// keeps its own small-block cache (tcache) in front of the heap it shares. Call before the
// request threads start; the heaps that exist already stay. `cores` 0 (unknown) changes nothing.
Status cap_heap_arenas(unsigned cores);

// The heaps the process has now (the main one included), from malloc_info.
Result<int> heap_arena_count();

}  // namespace ws::server
