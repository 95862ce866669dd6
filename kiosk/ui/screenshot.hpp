#pragma once
// `kiosk --screenshot OUT.png --screen NAME`: one screen with fixture data into a PNG.
// With --check-layout, also reports overlapping or clipped widgets (layout_check.hpp); with
// `--screen all --check-layout`, checks every scenario at the given size and writes no PNG.
#include "kiosk/ui/options.hpp"

namespace ws::kiosk::ui {

// Exit codes: 0 written, 1 could not render or write, 2 unknown screen or bad arguments,
// 3 layout problems found (printed to stderr, one line each).
int run_screenshot(const AppOptions& options);

}  // namespace ws::kiosk::ui
