#pragma once
// Everything between NewFrame and Render, without GL: the host window, the current screen,
// the idle prompt, and the intents applied after the frame. The window loop, screenshot mode
// and the headless tests all drive this one object.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/ui/intents.hpp"
#include "kiosk/ui/keyboard/on_screen_keyboard.hpp"
#include "kiosk/ui/registry.hpp"
#include "kiosk/ui/screen.hpp"
#include "kiosk/ui/theme.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::vm {
class Workspace;
}

namespace ws::kiosk::ui {

class Shell {
 public:
  // `workspace` may be null (a kiosk without staff functions); it must outlive the shell.
  Shell(ScreenRegistry registry, vm::Workspace* workspace, AppView view);

  // Switches screens now (used at start-up and by Navigate). Staff screens need a signed-in
  // counsellor; otherwise the shell goes to `login`.
  Status navigate(const std::string& screen, const std::string& param = {});

  // Draws one frame (call between ImGui::NewFrame and ImGui::Render) and then applies what the
  // screen asked for. Returns the intents that were applied (tests look at them).
  std::vector<Intent> frame(const Theme& theme, std::int64_t now_ms, ItemLog* log = nullptr);

  void apply(const Intent& intent);

  const std::string& current() const { return current_; }
  const std::string& param() const { return view_.param; }
  const AppView& view() const { return view_; }
  AppView& view() { return view_; }
  const ScreenRegistry& registry() const { return registry_; }
  // What the redraw rule needs from the last frame: did anything change (an intent applied,
  // the screen switched, a sync round's result arrived), and when does something on screen
  // change on its own next (a countdown second, the idle warning, the sign-in timeout).
  bool changed() const { return changed_; }
  std::optional<std::int64_t> next_deadline_ms() const { return deadline_ms_; }
  // The on-screen keyboard, open while a text field has focus.
  const keyboard::OnScreenKeyboard& keyboard() const { return *keyboard_; }

  // The staff sign-in goes back to the attract screen after this long untouched, so the list of
  // staff names does not stay up for whoever walks by.
  static constexpr std::int64_t kSignInTimeoutMs = 60'000;

 private:
  void draw_idle_prompt(Ui& ui);
  void guard_staff_screens();
  void go_back();
  bool user_input_this_frame() const;
  void leave_unused_sign_in(bool input);

  ScreenRegistry registry_;
  vm::Workspace* workspace_;
  AppView view_;
  std::string default_lang_;  // the kiosk's language, restored at the start screen
  std::string current_;
  std::unique_ptr<Screen> screen_;
  struct Place {
    std::string screen, param;
  };
  std::vector<Place> history_;
  std::string start_screen_;
  bool changed_ = true;
  std::optional<std::int64_t> deadline_ms_;
  std::int64_t sign_in_touched_ms_ = -1;  // last input on the staff sign-in (-1: not there)
  std::unique_ptr<keyboard::OnScreenKeyboard> keyboard_ = std::make_unique<keyboard::OnScreenKeyboard>();
};

}  // namespace ws::kiosk::ui
