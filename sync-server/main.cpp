// sync-server: argument parsing -> command. Everything else lives in core/ and http/.
#include <string>
#include <vector>

#include "sync-server/cli/commands.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return ws::server::cli::run(args);
}
