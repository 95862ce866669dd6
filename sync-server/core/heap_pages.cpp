#include "sync-server/core/heap_pages.hpp"

#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace ws::server {

std::optional<std::string> tunables_with_huge_heap_pages(std::string_view current) {
  // Tunables are name=value pairs joined by ':'.
  std::size_t start = 0;
  while (start <= current.size()) {
    const std::size_t end = std::min(current.find(':', start), current.size());
    const std::string_view pair = current.substr(start, end - start);
    if (pair.substr(0, pair.find('=')) == "glibc.malloc.hugetlb") return std::nullopt;
    start = end + 1;
  }
  std::string tunables(current);
  if (!tunables.empty()) tunables += ':';
  tunables += kHugeHeapTunables;
  return tunables;
}

void restart_with_huge_heap_pages(char** argv) {
  const char* current = std::getenv("GLIBC_TUNABLES");
  const std::optional<std::string> wanted = tunables_with_huge_heap_pages(current ? current : "");
  if (!wanted) return;
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return;
  self[n] = '\0';
  const std::string before = current ? current : "";
  if (setenv("GLIBC_TUNABLES", wanted->c_str(), 1) != 0) return;
  execv(self, argv);
  // Not restarted (no /proc, the program gone): run on as started, with the environment as given.
  if (current) {
    setenv("GLIBC_TUNABLES", before.c_str(), 1);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
}

}  // namespace ws::server
