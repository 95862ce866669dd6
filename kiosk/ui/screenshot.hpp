#pragma once
// `kiosk --screenshot OUT.png --screen NAME`: one screen with fixture data into a PNG.
// With --check-layout, also reports overlapping or clipped widgets (layout_check.hpp).
// `--screen all` (every scenario) or `--screen migrant` (the visitor's screens) draws a group
// in one process into the folder DIR as <scenario>[-<lang>]-<W>x<H>.png (scripts/screenshots),
// or with `--screenshot -` only checks their layout.
#include "kiosk/ui/options.hpp"

namespace ws::kiosk::ui {

// Exit codes: 0 written, 1 could not render or write, 2 unknown screen or bad arguments,
// 3 layout problems found (printed to stderr, one line each).
int run_screenshot(const AppOptions& options);

}  // namespace ws::kiosk::ui
