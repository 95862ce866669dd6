#include "tests/fuzz/fuzz.hpp"

#include <cstdio>
#include <cstdlib>

namespace ws::fuzz {

void invariant_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz invariant broken: %s (%s:%d)\n", what, file, line);
  std::abort();
}

}  // namespace ws::fuzz
