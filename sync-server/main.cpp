// sync-server: argument parsing -> command. Everything else lives in core/ and http/.
#include <string>
#include <string_view>
#include <vector>

#include "sync-server/cli/commands.hpp"
#include "sync-server/core/heap_pages.hpp"

int main(int argc, char** argv) {
  // Before anything else runs: the server may start itself again with its heap settings.
  if (argc >= 2 && std::string_view(argv[1]) == "serve") ws::server::restart_with_huge_heap_pages(argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  return ws::server::cli::run(args);
}
