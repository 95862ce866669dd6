// Accounts (centre admins only): the counsellors who can sign in at this kiosk, and a form to
// add one — first setup before any account came from the server, or a new colleague between
// syncs. The PIN is typed twice and leaves this screen as soon as it is submitted. An account
// without a copy of the vault key here gets one through the local grant's dialog
// (vm/local_grant.hpp): the admin confirms, the account's holder types their own PIN.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/screens/staff_screens.hpp"
#include "kiosk/ui/widgets/panes.hpp"
#include "kiosk/ui/widgets/pin_pad.hpp"
#include "kiosk/ui/widgets/staff_bar.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui {
namespace {

const char* role_label(const std::string& role) { return role == "admin" ? "Admin" : "Counsellor"; }

// The dialog's question names the account, so it may need two lines on a narrow screen.
void dialog_heading(Ui& ui, const char* text) {
  ImGui::PushFont(ui.theme.fonts().heading);
  ImGui::TextWrapped("%s", text);
  ImGui::PopFont();
  widgets::log_item(ui, text);
}

void dialog_message(Ui& ui, const std::string& text, bool error) {
  widgets::message(ui, text, error);
  if (!text.empty()) widgets::log_item(ui, text.c_str());
}

class AccountsScreen : public Screen {
 public:
  void draw(Ui& ui) override;

 private:
  void draw_list(Ui& ui, const vm::Workspace& ws);
  void draw_form(Ui& ui, const vm::Workspace& ws);
  void submit(Ui& ui);
  void draw_copy_state(Ui& ui, const vm::Workspace& ws, const vm::CounsellorAccount& account);
  void draw_grant(Ui& ui, const vm::Workspace& ws);
  void draw_grant_confirm(Ui& ui, const vm::LocalGrant& grant);
  void draw_grant_pin(Ui& ui, const vm::Workspace& ws, const vm::LocalGrant& grant);

  std::string name_;
  std::string role_ = "counsellor";
  std::string pin_;
  std::string pin_again_;
  std::string holder_pin_;  // the grant dialog's: the account holder's PIN until submitted
  float dialog_height_ = 0;  // its content's height in the last frame (0: fill the screen)
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
  const vm::Workspace* ws = ui.view.workspace;
  if (ws && ws->grant().step() != vm::GrantStep::Closed) {
    draw_grant(ui, *ws);
    return;
  }
  widgets::forget_secret(holder_pin_);
  widgets::staff_bar(ui, "Accounts", ui.view.can_go_back);
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
    draw_copy_state(ui, ws, a);
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

// An account with no copy of the vault key here signs in but sees no records: say so, and offer
// the admin the grant (only possible while the admin's own sign-in opened the vault).
void AccountsScreen::draw_copy_state(Ui& ui, const vm::Workspace& ws, const vm::CounsellorAccount& account) {
  if (!ws.kiosk_has_vault() || ws.has_vault_copy(account.id)) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ui.theme.colors().warning);
  ImGui::TextWrapped("Cannot open this kiosk's records yet");
  ImGui::PopStyleColor();
  widgets::log_item(ui, "Cannot open this kiosk's records yet");
  const bool can = ws.can_give_vault_copies();
  ImGui::BeginDisabled(!can);
  if (widgets::button(ui, "Give access on this kiosk###give_access", -1.0f)) ui.emit(StartVaultGrant{account.id});
  ImGui::EndDisabled();
  if (!can) widgets::caption(ui, "Only an admin whose own sign-in opened this kiosk's records can give access.");
}

// The dialog takes the whole screen: the account's holder stands at the kiosk while it shows,
// so nothing of the admin's session (other screens, the staff bar's menu) is within reach.
void AccountsScreen::draw_grant(Ui& ui, const vm::Workspace& ws) {
  const vm::LocalGrant& grant = ws.grant();
  widgets::title_bar(ui, "Give access on this kiosk", false);
  const Theme& t = ui.theme;
  // A column in landscape; the whole width on a portrait screen, where the keys need it.
  const float avail = ImGui::GetContentRegionAvail().x;
  const bool portrait = ImGui::GetWindowHeight() > ImGui::GetWindowWidth();
  const float width = portrait ? avail : std::min(avail, t.px(900));
  ImGui::SetCursorPosX((ImGui::GetWindowWidth() - width) / 2);
  // As tall as what it held last frame (ImGui 1.86 children cannot fit their content).
  ImGui::BeginChild("##grant_dialog", ImVec2(width, dialog_height_), true);
  if (grant.step() == vm::GrantStep::Confirm) draw_grant_confirm(ui, grant);
  else draw_grant_pin(ui, ws, grant);
  dialog_height_ = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y;
  ImGui::EndChild();
}

void AccountsScreen::draw_grant_confirm(Ui& ui, const vm::LocalGrant& grant) {
  const Theme& t = ui.theme;
  const char* name = grant.account().name.c_str();
  char text[512];
  std::snprintf(text, sizeof text, "Give %s access to this kiosk's records?", name);
  dialog_heading(ui, text);
  std::snprintf(text, sizeof text,
                "%s can sign in here but cannot open the records: the account was made at HQ or on another "
                "kiosk. After this, %s's own PIN opens them on this kiosk, also when it is offline.",
                name, name);
  ImGui::TextWrapped("%s", text);
  ImGui::Dummy(ImVec2(0, t.px(8)));
  std::snprintf(text, sizeof text,
                "Hand the kiosk to %s: they type their PIN on the next screen. You never see it.", name);
  ImGui::TextWrapped("%s", text);
  ImGui::Dummy(ImVec2(0, t.px(16)));
  const float half = (ImGui::GetContentRegionAvail().x - t.gap()) / 2;
  if (widgets::button(ui, "Continue###grant_continue", half, widgets::Tone::Primary)) ui.emit(ConfirmVaultGrant{});
  ImGui::SameLine(0, t.gap());
  if (widgets::button(ui, "Cancel###grant_cancel", half)) ui.emit(CancelVaultGrant{});
}

void AccountsScreen::draw_grant_pin(Ui& ui, const vm::Workspace& ws, const vm::LocalGrant& grant) {
  const Theme& t = ui.theme;
  const bool working = grant.step() == vm::GrantStep::Working;
  const std::int64_t wait_ms = ws.session().lockout_remaining_ms(grant.account().id, ui.view.now_ms);
  const bool blocked = working || wait_ms > 0;
  char text[512];
  std::snprintf(text, sizeof text, "%s, type your PIN", grant.account().name.c_str());
  dialog_heading(ui, text);
  widgets::caption(ui, "Your PIN protects your own copy of this kiosk's key. Nobody else sees it.");
  const bool entered = widgets::pin_pad(ui, holder_pin_, blocked);
  ImGui::Dummy(ImVec2(0, t.px(8)));
  const float half = (ImGui::GetContentRegionAvail().x - t.gap()) / 2;
  ImGui::BeginDisabled(blocked || holder_pin_.empty());
  if (widgets::button(ui, "Give access###grant_submit", half, widgets::Tone::Primary) || (entered && !holder_pin_.empty())) {
    ui.emit(SubmitVaultGrantPin{holder_pin_});
    widgets::forget_secret(holder_pin_);  // a refused PIN is typed again
  }
  ImGui::EndDisabled();
  ImGui::SameLine(0, t.gap());
  ImGui::BeginDisabled(working);
  if (widgets::button(ui, "Cancel###grant_cancel", half)) {
    widgets::forget_secret(holder_pin_);
    ui.emit(CancelVaultGrant{});
  }
  ImGui::EndDisabled();
  if (working) {
    // The check runs on another thread that cannot wake the window: look again shortly.
    ui.intents.redraw_at(ui.view.now_ms + 50);
    dialog_message(ui, "Checking the PIN and protecting the copy\xe2\x80\xa6", false);
  } else if (wait_ms > 0) {
    ui.intents.redraw_at(ui.view.now_ms + (wait_ms % 1000 == 0 ? 1000 : wait_ms % 1000));
    std::snprintf(text, sizeof text, "Too many wrong PINs. Try again in %lld s.",
                  static_cast<long long>((wait_ms + 999) / 1000));
    dialog_message(ui, text, true);
  } else {
    dialog_message(ui, grant.problem(), true);
  }
}

}  // namespace

std::unique_ptr<Screen> make_accounts_screen() { return std::make_unique<AccountsScreen>(); }

}  // namespace ws::kiosk::ui
