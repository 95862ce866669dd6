#pragma once
// kiosk.conf: the options that describe an installation rather than one run (the data folder,
// the assets, full screen), so the kiosk session starts the window with no arguments. Same
// format and parser as the server's file (ws/config_file.hpp); the command line wins.
#include <functional>
#include <string>
#include <vector>

#include "ws/result.hpp"

namespace ws::kiosk::cli {

inline constexpr const char* kDefaultConfigPath = "/etc/waystation/kiosk.conf";

struct ConfiguredArgs {
  std::vector<std::string> args;  // the command line with `--config` taken out and the file's options added
  bool print_config = false;      // `--print-config` was given: show `printed` and exit
  std::string printed;
};

// Reads `--config FILE` (or the default file when it exists) and adds each of its options the
// command line does not give.
Result<ConfiguredArgs> apply_config(std::vector<std::string> args);

// What both kiosk executables do first: apply the configuration, answer --print-config, report a
// configuration error (exit 2), else hand the arguments to `run`.
int run_configured(int argc, char** argv, const std::function<int(const std::vector<std::string>&)>& run);

}  // namespace ws::kiosk::cli
