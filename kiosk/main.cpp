// Glue only: headless operator commands go to the CLI, everything else opens the window.
#include <string>
#include <vector>

#include "kiosk/cli/cli.hpp"
#include "kiosk/cli/config.hpp"
#include "kiosk/ui/app.hpp"

int main(int argc, char** argv) {
  return ws::kiosk::cli::run_configured(argc, argv, [](const std::vector<std::string>& args) {
    if (ws::kiosk::is_cli_command(args)) return ws::kiosk::run_cli(args);
    return ws::kiosk::ui::run_app(args);
  });
}
