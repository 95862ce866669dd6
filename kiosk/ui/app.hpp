#pragma once
// The kiosk window: `kiosk [--data-dir DIR] [--fullscreen] [--screenshot OUT.png --screen NAME
// [--lang CODE]]`. Returns the process exit code.
#include <string>
#include <vector>

namespace ws::kiosk::ui {

int run_app(const std::vector<std::string>& args);

}  // namespace ws::kiosk::ui
