#include "kiosk/ui/widgets/active_field.hpp"

#include <imgui.h>

namespace ws::kiosk::ui::widgets {

void hint_active_field(KeyboardKind kind, const std::string& language) {
  if (!ImGui::IsItemActive()) return;
  const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  hint_keyboard(KeyboardHint{kind, language, min.x, min.y, max.x - min.x, max.y - min.y});
}

}  // namespace ws::kiosk::ui::widgets
