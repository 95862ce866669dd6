#include "kiosk/ui/widgets/staff_bar.hpp"

#include <string>

#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui::widgets {
namespace {

// The right-hand group: [Accounts]  name  [Sync: n waiting]  [Sign out], measured before drawing
// so the bar can decide whether the title shares its row.
struct Account {
  std::string who, sync_label;
  bool admin = false, problem = false;
  float accounts_w = 0, name_w = 0, sync_w = 0, sign_out_w = 0;
  float width(float gap) const { return (admin ? accounts_w + gap : 0.0f) + name_w + gap + sync_w + gap + sign_out_w; }
};

Account measure_account(const vm::Workspace& ws) {
  Account a;
  a.who = ws.session().counsellor()->name;
  const auto& sync = ws.sync().status;
  a.sync_label = ws.sync().headline();
  if (sync.pending > 0) a.sync_label += " \xc2\xb7 " + std::to_string(sync.pending) + " waiting";
  if (sync.quarantined > 0) a.sync_label += " \xc2\xb7 " + std::to_string(sync.quarantined) + " refused";
  a.sync_label += "###open_sync";
  a.problem = sync.quarantined > 0 || (!sync.online && sync.enrolled);
  const float pad = ImGui::GetStyle().FramePadding.x * 3;
  a.sign_out_w = ImGui::CalcTextSize("Sign out").x + pad;
  a.sync_w = ImGui::CalcTextSize(visible_label(a.sync_label.c_str()).c_str()).x + pad;
  a.name_w = ImGui::CalcTextSize(a.who.c_str()).x;
  // Admins get [Accounts] first: adding a colleague's account is their job, nobody else's.
  a.admin = ws.admin_signed_in();
  a.accounts_w = a.admin ? ImGui::CalcTextSize("Accounts").x + pad : 0.0f;
  return a;
}

// Right-aligned in the row from `top`, `row_h` high, ending at `right`.
void draw_account(Ui& ui, const Account& a, float right, float top, float row_h) {
  const Theme& t = ui.theme;
  const float button_y = top + (row_h - t.touch()) / 2;
  float x = right - a.width(t.gap());
  if (a.admin) {
    ImGui::SetCursorScreenPos(ImVec2(x, button_y));
    if (button(ui, "Accounts###open_accounts", a.accounts_w)) ui.emit(Navigate{"accounts", ""});
    x += a.accounts_w + t.gap();
  }
  ImGui::SetCursorScreenPos(ImVec2(x, top + (row_h - ImGui::GetFontSize()) / 2));
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
  ImGui::TextUnformatted(a.who.c_str());
  ImGui::PopStyleColor();
  x += a.name_w + t.gap();
  ImGui::SetCursorScreenPos(ImVec2(x, button_y));
  if (button(ui, a.sync_label.c_str(), a.sync_w, a.problem ? Tone::Danger : Tone::Neutral)) ui.emit(Navigate{"sync", ""});
  x += a.sync_w + t.gap();
  ImGui::SetCursorScreenPos(ImVec2(x, button_y));
  if (button(ui, "Sign out###sign_out", a.sign_out_w)) ui.emit(Logout{});
}

}  // namespace

void staff_bar(Ui& ui, const char* title, bool back_button) {
  const Theme& t = ui.theme;
  const vm::Workspace* ws = ui.view.workspace;
  const bool signed_in = ws && ws->session().counsellor();
  const Account account = signed_in ? measure_account(*ws) : Account{};
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float title_row = t.px(96);
  const float back_w = back_button ? ImGui::CalcTextSize("\xe2\x86\x90 Back").x + ImGui::GetStyle().FramePadding.x * 3 : 0;
  ImGui::PushFont(t.fonts().heading);
  const float title_w = ImGui::CalcTextSize(title).x;
  ImGui::PopFont();
  // Title and account share one row when both fit; on a narrow (portrait) screen the account
  // group gets a row of its own under the title instead of running over it.
  const float left_w = t.px(24) + (back_button ? back_w + t.gap() + t.px(8) : 0.0f) + title_w;
  const bool two_rows = signed_in && left_w + t.px(32) + account.width(t.gap()) + t.px(16) > width;
  const float height = two_rows ? title_row + t.touch() + t.px(16) : title_row;
  ImGui::GetWindowDrawList()->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + height),
                                            ImGui::ColorConvertFloat4ToU32(t.colors().header_bar), t.px(8));
  ImGui::SetCursorScreenPos(ImVec2(pos.x + t.px(16), pos.y + (title_row - t.touch()) / 2));
  float title_x = pos.x + t.px(24);
  if (back_button) {
    if (button(ui, "\xe2\x86\x90 Back###back", back_w)) ui.emit(GoBack{});
    // Not SameLine(): that would move the title down by the button's text offset.
    title_x = ImGui::GetItemRectMax().x + t.gap() + t.px(8);
  }
  // A title longer than its row (a form's name and case number in portrait) in the body font.
  const bool fits = title_x + title_w + t.px(24) <= pos.x + width;
  ImGui::PushFont(fits ? t.fonts().heading : t.fonts().body);
  ImGui::SetCursorScreenPos(ImVec2(title_x, pos.y + (title_row - ImGui::GetFontSize()) / 2));
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::PopFont();

  const float right = pos.x + width - t.px(16);
  if (signed_in) {
    if (two_rows) draw_account(ui, account, right, pos.y + title_row - t.px(8), t.touch() + t.px(16));
    else draw_account(ui, account, right, pos.y, title_row);
  }
  ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + height + t.gap()));
  ImGui::Dummy(ImVec2(0, 0));
}

}  // namespace ws::kiosk::ui::widgets
