// Counsellor sign-in: tap your name (only those who signed in on this kiosk lately are listed)
// or type it under "Someone else", type the PIN on a big keypad (or a passphrase on a keyboard),
// sign in. The secret lives in this screen only until it is submitted.
#include <cstdio>
#include <string>

#include <imgui.h>

#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/screens/staff_screens.hpp"
#include "kiosk/ui/widgets/active_field.hpp"
#include "kiosk/ui/widgets/panes.hpp"
#include "kiosk/ui/widgets/pin_pad.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui {
namespace {

class LoginScreen : public Screen {
 public:
  void draw(Ui& ui) override;

 private:
  void draw_first_setup(Ui& ui);
  void draw_accounts(Ui& ui, const vm::Session& session);
  void draw_keypad(Ui& ui, const vm::Session& session);
  void submit(Ui& ui);

  bool ready_to_check() const { return by_name_ ? !typed_name_.empty() : !selected_.empty(); }

  std::string selected_;  // account id tapped in the recent list
  bool by_name_ = false;  // "Someone else" is chosen: the name is typed
  std::string typed_name_;
  std::string secret_;
};

void LoginScreen::submit(Ui& ui) {
  ui.emit(by_name_ ? SubmitLogin{"", secret_, typed_name_} : SubmitLogin{selected_, secret_, ""});
  // Forget the secret at once: it must not outlive the attempt in UI memory.
  widgets::forget_secret(secret_);
}

void LoginScreen::draw(Ui& ui) {
  const Theme& t = ui.theme;
  widgets::title_bar(ui, "Staff sign-in", ui.view.can_go_back);
  const vm::Workspace* ws = ui.view.workspace;
  if (!ws) {
    widgets::message(ui, "This kiosk has no counsellor workspace.", true);
    return;
  }
  const vm::Session& session = ws->session();
  if (session.accounts().empty()) {
    draw_first_setup(ui);
    return;
  }
  const auto recent = session.recent_accounts();
  // Nobody signed in here lately (a new kiosk, or a long break): the name is typed.
  if (recent.empty()) by_name_ = true;
  else if (!by_name_ && selected_.empty() && recent.size() == 1) selected_ = recent.front()->id;

  // Names beside the keypad in landscape; in portrait the names above it, one column.
  const widgets::TwoPanes panes = widgets::two_panes(ImGui::GetContentRegionAvail(), t.gap(), 0.5f, 0.4f);
  ImGui::BeginChild("##accounts", panes.first, true);
  draw_accounts(ui, session);
  ImGui::EndChild();
  widgets::next_pane(panes, t.gap());
  ImGui::BeginChild("##pin", panes.second, true);
  draw_keypad(ui, session);
  ImGui::EndChild();
}

// No accounts at all (a new kiosk): an empty name picker would leave the admin guessing, so say
// how the first account is made. Both ways give a `counsellor` record that syncs.
void LoginScreen::draw_first_setup(Ui& ui) {
  widgets::heading(ui, "No counsellor accounts on this kiosk yet");
  widgets::log_item(ui, "No counsellor accounts on this kiosk yet");
  ImGui::Dummy(ImVec2(0, ui.theme.px(8)));
  ImGui::TextWrapped("The centre admin creates the first account, in one of two ways:");
  ImGui::Dummy(ImVec2(0, ui.theme.px(8)));
  ImGui::TextWrapped("On this kiosk, in a terminal (the PIN is asked for: at least 6 digits, or a passphrase of 8 characters):");
  ImGui::PushStyleColor(ImGuiCol_Text, ui.theme.colors().primary);
  ImGui::TextWrapped("kiosk --data-dir DIR counsellor-add --name \"NAME\" --role admin");
  ImGui::PopStyleColor();
  ImGui::Dummy(ImVec2(0, ui.theme.px(8)));
  ImGui::TextWrapped("Or on the sync server; the account arrives here with the next sync:");
  ImGui::PushStyleColor(ImGuiCol_Text, ui.theme.colors().primary);
  ImGui::TextWrapped("sync-server counsellor-add --db FILE --centre CODE --name \"NAME\" --role admin");
  ImGui::PopStyleColor();
  ImGui::Dummy(ImVec2(0, ui.theme.px(8)));
  widgets::caption(ui, "An admin who has signed in adds everyone else under Accounts.");
}

void LoginScreen::draw_accounts(Ui& ui, const vm::Session& session) {
  widgets::heading(ui, "Who are you?");
  const auto recent = session.recent_accounts();
  if (!recent.empty()) {
    widgets::caption(ui, "Tap your name.");
    ImGui::Dummy(ImVec2(0, ui.theme.px(8)));
    int index = 0;
    for (const auto* account : recent) {
      char label[256];
      std::snprintf(label, sizeof label, "%s###account%d", account->name.c_str(), index++);
      if (widgets::toggle(ui, label, !by_name_ && account->id == selected_, -1.0f)) {
        selected_ = account->id;
        by_name_ = false;
        widgets::forget_secret(secret_);
      }
    }
    if (widgets::toggle(ui, "Someone else###someone_else", by_name_, -1.0f)) {
      by_name_ = true;
      selected_.clear();
      widgets::forget_secret(secret_);
    }
  }
  if (!by_name_) return;
  ImGui::Dummy(ImVec2(0, ui.theme.px(8)));
  (void)widgets::text_field(ui, "Your name as HQ registered it###login_name", typed_name_);
  char note[160];
  std::snprintf(note, sizeof note, "Only people who signed in on this kiosk in the last %lld days are listed by name.",
                static_cast<long long>(session.recent_signin_window_ms() / (24 * 3600'000LL)));
  widgets::caption(ui, note);
}

void LoginScreen::draw_keypad(Ui& ui, const vm::Session& session) {
  const Theme& t = ui.theme;
  const std::int64_t wait_ms = by_name_ || selected_.empty() ? 0 : session.lockout_remaining_ms(selected_, ui.view.now_ms);
  const bool verifying = session.state() == vm::SessionState::Verifying;
  const bool blocked = verifying || wait_ms > 0 || !ready_to_check();

  widgets::heading(ui, "PIN or passphrase");
  const bool entered = widgets::pin_pad(ui, secret_, blocked, 96.0f);

  ImGui::Dummy(ImVec2(0, t.px(8)));
  ImGui::BeginDisabled(blocked || secret_.empty());
  if (widgets::button(ui, "Sign in###sign_in", -1.0f, widgets::Tone::Primary) || (entered && !secret_.empty()))
    submit(ui);
  ImGui::EndDisabled();

  if (verifying) {
    widgets::message(ui, "Checking\xe2\x80\xa6", false);
  } else if (wait_ms > 0) {
    char text[128];
    std::snprintf(text, sizeof text, "Too many wrong PINs. Try again in %lld s.",
                  static_cast<long long>((wait_ms + 999) / 1000));
    widgets::message(ui, text, true);
  } else {
    widgets::message(ui, session.last_error(), true);
  }
}

}  // namespace

std::unique_ptr<Screen> make_login_screen() { return std::make_unique<LoginScreen>(); }

}  // namespace ws::kiosk::ui
