// `kiosk-cli`: the kiosk's headless commands without the window (same arguments as `kiosk`).
#include <string>
#include <vector>

#include "kiosk/cli/cli.hpp"
#include "kiosk/cli/config.hpp"

int main(int argc, char** argv) {
  return ws::kiosk::cli::run_configured(argc, argv, [](const std::vector<std::string>& args) { return ws::kiosk::run_cli(args); });
}
