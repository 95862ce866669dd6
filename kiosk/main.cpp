// Glue only: headless operator commands go to the CLI, everything else opens the window.
#include <string>
#include <vector>

#include "kiosk/cli/cli.hpp"
#include "kiosk/ui/app.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (ws::kiosk::is_cli_command(args)) return ws::kiosk::run_cli(args);
  return ws::kiosk::ui::run_app(args);
}
