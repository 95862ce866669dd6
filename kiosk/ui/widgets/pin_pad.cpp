#include "kiosk/ui/widgets/pin_pad.hpp"

#include <algorithm>
#include <cstdio>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "kiosk/ui/widgets/active_field.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui::widgets {

bool pin_pad(Ui& ui, std::string& secret, bool blocked, float key_height_px) {
  const Theme& t = ui.theme;
  ImGui::SetNextItemWidth(-1);
  ImGui::PushFont(t.fonts().huge);
  ImGuiInputTextFlags flags = ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue;
  if (blocked) flags |= ImGuiInputTextFlags_ReadOnly;
  const bool entered = ImGui::InputText("##pin_pad_secret", &secret, flags);
  hint_active_field(KeyboardKind::Text, "en");
  log_item(ui, "##pin_pad_secret");

  // Three columns of keys, each far above the 48 px minimum.
  const float key_w = (ImGui::GetContentRegionAvail().x - 2 * t.gap()) / 3;
  const char* keys[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "Clear", "0", "Delete"};
  ImGui::BeginDisabled(blocked);
  for (int i = 0; i < 12; ++i) {
    if (i % 3 != 0) ImGui::SameLine(0, t.gap());
    char label[32];
    std::snprintf(label, sizeof label, "%s###pin_key%d", keys[i], i);
    if (ImGui::Button(label, ImVec2(key_w, t.px(key_height_px)))) {
      if (i == 9) forget_secret(secret);
      else if (i == 11) { if (!secret.empty()) secret.pop_back(); }
      else if (secret.size() < 128) secret += keys[i];
    }
    log_item(ui, label);
  }
  ImGui::EndDisabled();
  ImGui::PopFont();
  return entered && !blocked;
}

void forget_secret(std::string& secret) {
  std::fill(secret.begin(), secret.end(), '\0');
  secret.clear();
}

}  // namespace ws::kiosk::ui::widgets
