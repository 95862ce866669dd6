#pragma once
// Headless operator commands: `kiosk --data-dir DIR <command> ...` (see README).
#include <string>
#include <vector>

namespace ws::kiosk {

// True when `args` name a headless command (enroll, add, edit, sync, status, list, ...).
bool is_cli_command(const std::vector<std::string>& args);

// Runs it; prints results on stdout, errors in words on stderr; returns the exit code.
int run_cli(const std::vector<std::string>& args);

}  // namespace ws::kiosk
