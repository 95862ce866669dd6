#pragma once
// A fresh server spends much of its first pushes in page faults: every push body, list of
// checked records and SQLite page lands in heap memory the process has never touched, one
// fault per 4 KB page (~5 us each on the machines measured). glibc can ask the kernel for 2 MB
// pages for its heaps (`glibc.malloc.hugetlb=1`: madvise(MADV_HUGEPAGE)), and they are used
// once its heaps also grow in steps that cover whole 2 MB ranges (`glibc.malloc.top_pad`). glibc
// reads both from GLIBC_TUNABLES when a process starts, never later, so `serve` starts itself
// again, once, with them added (docs/performance.md, session 31).
#include <optional>
#include <string>
#include <string_view>

namespace ws::server {

// The heap settings `serve` adds to GLIBC_TUNABLES.
inline constexpr std::string_view kHugeHeapTunables = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=4194304";

// GLIBC_TUNABLES `current` with kHugeHeapTunables added; nullopt when `current` already sets
// glibc.malloc.hugetlb (an operator's choice, e.g. =0 to opt out, or a server restarted once).
std::optional<std::string> tunables_with_huge_heap_pages(std::string_view current);

// Replaces the process by the same program with the same arguments and those tunables, when
// they are missing. Returns when nothing needs doing or the restart cannot be made: the server
// then runs with glibc's defaults. Call before any thread starts.
void restart_with_huge_heap_pages(char** argv);

}  // namespace ws::server
