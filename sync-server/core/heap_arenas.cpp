#include "sync-server/core/heap_arenas.hpp"

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace ws::server {

Status cap_heap_arenas(unsigned cores) {
  if (cores == 0) return ok();
  if (mallopt(M_ARENA_MAX, static_cast<int>(cores)) != 1) return fail("internal", "malloc refused the arena cap");
  return ok();
}

Result<int> heap_arena_count() {
  char* text = nullptr;
  std::size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  if (out == nullptr) return fail("internal", "no memory stream for malloc_info");
  const int written = malloc_info(0, out);
  std::fclose(out);
  int heaps = 0;
  std::string_view xml(text, size);
  for (auto at = xml.find("<heap nr="); at != std::string_view::npos; at = xml.find("<heap nr=", at + 1)) ++heaps;
  std::free(text);
  if (written != 0) return fail("internal", "malloc_info failed");
  return heaps;
}

}  // namespace ws::server
