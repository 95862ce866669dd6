// Accounts (centre admins only): the counsellors who can sign in at this kiosk, and a form to
// add one — first setup before any account came from the server, or a new colleague between
// syncs. The PIN is typed twice and leaves this screen as soon as it is submitted.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/screens/staff_screens.hpp"
#include "kiosk/ui/widgets/panes.hpp"
#include "kiosk/ui/widgets/staff_bar.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui {
namespace {

const char* role_label(const std::string& role) { return role == "admin" ? "Admin" : "Counsellor"; }

class AccountsScreen : public Screen {
 public:
  void draw(Ui& ui) override;

 private:
  void draw_list(Ui& ui, const vm::Workspace& ws);
  void draw_form(Ui& ui, const vm::Workspace& ws);
  void submit(Ui& ui);

  std::string name_;
  std::string role_ = "counsellor";
  std::string pin_;
  std::string pin_again_;
  std::uint64_t seen_added_ = 0;
  bool first_frame_ = true;
};

void forget(std::string& secret) {
  std::fill(secret.begin(), secret.end(), '\0');
  secret.clear();
}

void AccountsScreen::submit(Ui& ui) {
  ui.emit(AddCounsellor{name_, role_, pin_, pin_again_});
  // The PINs must not outlive the attempt in UI memory; a refused one is typed again.
  forget(pin_);
  forget(pin_again_);
}

void AccountsScreen::draw(Ui& ui) {
  widgets::staff_bar(ui, "Accounts", ui.view.can_go_back);
  const vm::Workspace* ws = ui.view.workspace;
  if (!ws) return;
  // A new account was saved: clear the form for the next one.
  if (first_frame_) seen_added_ = ws->accounts_added();
  first_frame_ = false;
  if (ws->accounts_added() != seen_added_) {
    seen_added_ = ws->accounts_added();
    name_.clear();
    role_ = "counsellor";
  }
  const Theme& t = ui.theme;
  // The list beside the form in landscape; in portrait the list above the form, one column.
  const widgets::TwoPanes panes = widgets::two_panes(ImGui::GetContentRegionAvail(), t.gap(), 0.45f, 0.4f);
  ImGui::BeginChild("##account_list", panes.first, true);
  draw_list(ui, *ws);
  ImGui::EndChild();
  widgets::next_pane(panes, t.gap());
  ImGui::BeginChild("##account_form", panes.second, true);
  draw_form(ui, *ws);
  ImGui::EndChild();
}

void AccountsScreen::draw_list(Ui& ui, const vm::Workspace& ws) {
  const auto& accounts = ws.session().accounts();
  char heading[96];
  std::snprintf(heading, sizeof heading, "Accounts at this centre (%zu)", accounts.size());
  widgets::heading(ui, heading);
  widgets::caption(ui, "Everyone listed can sign in at this kiosk. Accounts made here reach the server with the "
                       "next sync; the server's admin can disable them there.");
  ImGui::Dummy(ImVec2(0, ui.theme.px(8)));
  for (const auto& a : accounts) {
    ImGui::PushID(a.id.c_str());
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(a.name.c_str());
    widgets::log_item(ui, a.name.c_str());
    ImGui::SameLine(ImGui::GetContentRegionAvail().x * 0.65f);
    widgets::badge(ui, role_label(a.role), a.role == "admin" ? ui.theme.colors().primary : ui.theme.colors().text_muted);
    ImGui::Separator();
    ImGui::PopID();
  }
}

void AccountsScreen::draw_form(Ui& ui, const vm::Workspace& ws) {
  const Theme& t = ui.theme;
  const vm::AccountCreator& creator = ws.account_creator();
  const bool busy = creator.busy();
  widgets::heading(ui, "Add an account");
  ImGui::BeginDisabled(busy);

  (void)widgets::text_field(ui, "Name###account_name", name_);
  widgets::message(ui, creator.problem("name"), true);

  ImGui::TextUnformatted("Role");
  const float half = (ImGui::GetContentRegionAvail().x - t.gap()) / 2;
  if (widgets::toggle(ui, "Counsellor###role_counsellor", role_ == "counsellor", half)) role_ = "counsellor";
  ImGui::SameLine(0, t.gap());
  if (widgets::toggle(ui, "Admin (can add accounts)###role_admin", role_ == "admin", half)) role_ = "admin";
  widgets::message(ui, creator.problem("role"), true);

  (void)widgets::text_field(ui, "PIN or passphrase (at least 6 digits or 8 characters)###account_pin", pin_, -1.0f,
                            ImGuiInputTextFlags_Password);
  widgets::message(ui, creator.problem("pin"), true);
  (void)widgets::text_field(ui, "PIN again###account_pin_again", pin_again_, -1.0f, ImGuiInputTextFlags_Password);
  widgets::message(ui, creator.problem("pin_again"), true);

  ImGui::Dummy(ImVec2(0, t.px(8)));
  if (widgets::button(ui, "Add account###add_account", -1.0f, widgets::Tone::Primary)) submit(ui);
  ImGui::EndDisabled();
  if (busy) widgets::message(ui, "Protecting the PIN\xe2\x80\xa6", false);
  else widgets::message(ui, ws.notice(), ws.notice_is_error());
}

}  // namespace

std::unique_ptr<Screen> make_accounts_screen() { return std::make_unique<AccountsScreen>(); }

}  // namespace ws::kiosk::ui
