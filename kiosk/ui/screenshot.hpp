#pragma once
// `kiosk --screenshot OUT.png --screen NAME`: one screen with fixture data into a PNG.
#include "kiosk/ui/options.hpp"

namespace ws::kiosk::ui {

// Exit codes: 0 written, 1 could not render or write, 2 unknown screen or bad arguments.
int run_screenshot(const AppOptions& options);

}  // namespace ws::kiosk::ui
