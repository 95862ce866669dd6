// `kiosk-cli`: the kiosk's headless commands without the window (same arguments as `kiosk`).
#include <string>
#include <vector>

#include "kiosk/cli/cli.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return ws::kiosk::run_cli(args);
}
