#include "kiosk/ui/widgets/staff_bar.hpp"

#include <string>

#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui::widgets {

void staff_bar(Ui& ui, const char* title, bool back_button) {
  const Theme& t = ui.theme;
  const vm::Workspace* ws = ui.view.workspace;
  const float height = t.px(96);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + height), ImGui::ColorConvertFloat4ToU32(t.colors().header_bar),
                      t.px(8));
  const float button_y = pos.y + (height - t.touch()) / 2;
  ImGui::SetCursorScreenPos(ImVec2(pos.x + t.px(16), button_y));
  float title_x = pos.x + t.px(24);
  if (back_button) {
    if (button(ui, "\xe2\x86\x90 Back###back")) ui.emit(GoBack{});
    // Not SameLine(): that would move the title down by the button's text offset.
    title_x = ImGui::GetItemRectMax().x + t.gap() + t.px(8);
  }
  ImGui::PushFont(t.fonts().heading);
  ImGui::SetCursorScreenPos(ImVec2(title_x, pos.y + (height - ImGui::GetFontSize()) / 2));
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::PopFont();

  if (ws && ws->session().counsellor()) {
    // Right-aligned: [name]  [Sync: n waiting]  [Sign out]
    const std::string who = ws->session().counsellor()->name;
    const auto& sync = ws->sync().status;
    std::string sync_label = ws->sync().headline();
    if (sync.pending > 0) sync_label += " \xc2\xb7 " + std::to_string(sync.pending) + " waiting";
    if (sync.quarantined > 0) sync_label += " \xc2\xb7 " + std::to_string(sync.quarantined) + " refused";
    sync_label += "###open_sync";
    const ImGuiStyle& style = ImGui::GetStyle();
    const float sign_out_w = ImGui::CalcTextSize("Sign out").x + style.FramePadding.x * 3;
    const float sync_w = ImGui::CalcTextSize(visible_label(sync_label.c_str()).c_str()).x + style.FramePadding.x * 3;
    const float name_w = ImGui::CalcTextSize(who.c_str()).x;
    // Admins get [Accounts] first: adding a colleague's account is their job, nobody else's.
    const bool admin = ws->admin_signed_in();
    const float accounts_w = admin ? ImGui::CalcTextSize("Accounts").x + style.FramePadding.x * 3 : 0.0f;
    float x = pos.x + width - t.px(16) - sign_out_w - t.gap() - sync_w - t.gap() - name_w;
    if (admin) {
      x -= accounts_w + t.gap();
      ImGui::SetCursorScreenPos(ImVec2(x, button_y));
      if (button(ui, "Accounts###open_accounts", accounts_w)) ui.emit(Navigate{"accounts", ""});
      x += accounts_w + t.gap();
    }
    ImGui::SetCursorScreenPos(ImVec2(x, pos.y + (height - ImGui::GetFontSize()) / 2));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    ImGui::TextUnformatted(who.c_str());
    ImGui::PopStyleColor();
    x += name_w + t.gap();
    ImGui::SetCursorScreenPos(ImVec2(x, button_y));
    const bool problem = sync.quarantined > 0 || (!sync.online && sync.enrolled);
    if (button(ui, sync_label.c_str(), sync_w, problem ? Tone::Danger : Tone::Neutral)) ui.emit(Navigate{"sync", ""});
    x += sync_w + t.gap();
    ImGui::SetCursorScreenPos(ImVec2(x, button_y));
    if (button(ui, "Sign out###sign_out", sign_out_w)) ui.emit(Logout{});
  }
  ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + height + t.gap()));
  ImGui::Dummy(ImVec2(0, 0));
}

}  // namespace ws::kiosk::ui::widgets
