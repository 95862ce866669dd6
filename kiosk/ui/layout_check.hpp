#pragma once
// Finds what a person would see as a broken layout in one drawn frame: two tappable widgets
// on top of each other, a tappable widget over a piece of text, a button whose label ImGui cut
// off, a widget pushed off the side of the screen, text wider than the window showing it.
// Runs on the ItemLog a frame filled in; the screenshot mode and tests use it.
#include <string>
#include <vector>

#include "kiosk/ui/screen.hpp"

namespace ws::kiosk::ui {

struct LayoutProblem {
  std::string what;  // "overlap", "covers text", "clipped label", "off screen", "cut off"
  std::string detail;  // the widgets' labels and rectangles
};

std::vector<LayoutProblem> check_layout(const ItemLog& log, float screen_width);

}  // namespace ws::kiosk::ui
