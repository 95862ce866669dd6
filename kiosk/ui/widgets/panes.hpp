#pragma once
// Two panes side by side on a landscape screen and stacked on a portrait one (1080x1920), so
// neither is squeezed to a third of a narrow screen.
#include <imgui.h>

namespace ws::kiosk::ui::widgets {

struct TwoPanes {
  bool stacked = false;
  ImVec2 first, second;
};

// `share` is the first pane's part of the width (landscape) or of the height (portrait).
inline TwoPanes two_panes(ImVec2 avail, float gap, float share_landscape, float share_portrait) {
  TwoPanes p;
  p.stacked = avail.x < avail.y;
  if (p.stacked) {
    p.first = ImVec2(avail.x, avail.y * share_portrait);
    p.second = ImVec2(avail.x, avail.y - p.first.y - gap);
  } else {
    p.first = ImVec2(avail.x * share_landscape, avail.y);
    p.second = ImVec2(avail.x - p.first.x - gap, avail.y);
  }
  return p;
}

// Between the two BeginChild calls: beside the first pane, or below it.
inline void next_pane(const TwoPanes& p, float gap) {
  if (p.stacked) ImGui::Dummy(ImVec2(0, gap - ImGui::GetStyle().ItemSpacing.y));
  else ImGui::SameLine(0, gap);
}

}  // namespace ws::kiosk::ui::widgets
