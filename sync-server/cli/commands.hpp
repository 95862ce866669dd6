#pragma once
// The sync-server commands: `serve` and the admin commands, which print JSON on stdout.
#include <string>
#include <vector>

namespace ws::server::cli {

// argv without the program name. Returns the process exit code: 0 ok, 1 failed, 2 usage.
int run(const std::vector<std::string>& argv);

}  // namespace ws::server::cli
