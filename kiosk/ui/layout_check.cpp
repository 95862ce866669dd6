#include "kiosk/ui/layout_check.hpp"

#include <algorithm>
#include <cstdio>

namespace ws::kiosk::ui {
namespace {

// Half a pixel of slack: ImGui rounds positions, and touching edges are not an overlap.
constexpr float kSlack = 0.5f;

struct Box {
  float x0, y0, x1, y1;
  bool empty() const { return x1 - x0 <= kSlack || y1 - y0 <= kSlack; }
};

// The part of the widget its window actually shows (scrolled-away parts do not count).
Box visible(const ItemLog::Item& item) {
  return Box{std::max(item.min.x, item.clip_min.x), std::max(item.min.y, item.clip_min.y),
             std::min(item.max.x, item.clip_max.x), std::min(item.max.y, item.clip_max.y)};
}

bool overlaps(const Box& a, const Box& b) {
  return std::min(a.x1, b.x1) - std::max(a.x0, b.x0) > kSlack && std::min(a.y1, b.y1) - std::max(a.y0, b.y0) > kSlack;
}

std::string describe(const ItemLog::Item& item) {
  char text[96];
  std::snprintf(text, sizeof text, " [%.0f,%.0f %.0fx%.0f]", item.min.x, item.min.y, item.max.x - item.min.x,
                item.max.y - item.min.y);
  return "'" + item.label + "'" + text;
}

}  // namespace

std::vector<LayoutProblem> check_layout(const ItemLog& log, float screen_width) {
  std::vector<LayoutProblem> problems;
  const auto& items = log.items;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& a = items[i];
    const Box va = visible(a);
    if (va.empty()) continue;  // scrolled out of view
    if (a.label_width > a.label_room + kSlack) {
      char room[64];
      std::snprintf(room, sizeof room, ": label %.0f px wide in %.0f px", a.label_width, a.label_room);
      problems.push_back({"clipped label", describe(a) + room});
    }
    // Vertical overflow is what scrolling is for; sideways, nobody can reach it.
    if (a.interactive && (a.min.x < -kSlack || a.max.x > screen_width + kSlack))
      problems.push_back({"off screen", describe(a)});
    // Text (a label, a paragraph) wider than the window that shows it loses its ends.
    if (!a.interactive && (a.min.x < a.clip_min.x - kSlack || a.max.x > a.clip_max.x + kSlack))
      problems.push_back({"cut off", describe(a)});
    if (a.backdrop) continue;
    for (std::size_t j = i + 1; j < items.size(); ++j) {
      const auto& b = items[j];
      if (b.backdrop || b.window != a.window) continue;  // a popup may cover the page
      if (!a.interactive && !b.interactive) continue;    // text beside text is the screen's own business
      if (!overlaps(va, visible(b))) continue;
      // Two targets on top of each other take each other's taps; a target on a label hides it.
      problems.push_back({a.interactive && b.interactive ? "overlap" : "covers text", describe(a) + " and " + describe(b)});
    }
  }
  return problems;
}

}  // namespace ws::kiosk::ui
