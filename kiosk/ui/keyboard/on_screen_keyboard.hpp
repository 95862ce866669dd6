#pragma once
// The kiosk's on-screen keyboard: opens while a text field has focus (the field's hint), types
// through Dear ImGui's own input (characters and key presses, exactly as a physical keyboard
// does), so every text field works with it without knowing about it.
//
// Order within a frame (the Shell does this): before_draw() right after ImGui::NewFrame, then
// the screen (moved up by offset()), then after_draw(). Pointer input over the keyboard never
// reaches the widgets under it: a tap on a key must not take the focus from the field.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "kiosk/ui/keyboard/keyboard_model.hpp"
#include "kiosk/ui/screen.hpp"

namespace ws::kiosk::ui::text {
class TextPainter;
}

namespace ws::kiosk::ui::keyboard {

class OnScreenKeyboard {
 public:
  OnScreenKeyboard();
  ~OnScreenKeyboard();
  OnScreenKeyboard(const OnScreenKeyboard&) = delete;
  OnScreenKeyboard& operator=(const OnScreenKeyboard&) = delete;

  // Handles a tap on the keyboard drawn last frame and hides that pointer input from ImGui.
  void before_draw();
  // How far up the screen is drawn so the field being typed into stays above the keyboard.
  float offset() const { return offset_; }
  // Follows this frame's keyboard hint (opens, closes, keeps the field in view) and draws.
  void after_draw(Ui& ui, bool migrant_screen);

  bool visible() const { return visible_; }
  // Something the keyboard shows changed in this frame (it opened, closed, moved, switched).
  bool changed() const { return changed_; }
  const KeyboardModel& model() const { return model_; }

 private:
  struct Placed {
    Key key;
    std::string id;  // "kb_u067e", "kb_space": the test and debug name
    ImVec2 min, max;
  };
  int key_at(ImVec2 pos) const;
  void activate(const Key& key);
  void place_keys(const Theme& theme);
  void draw_keys(Ui& ui);
  void keep_field_visible(const Theme& theme, const widgets::KeyboardHint& hint);
  text::TextPainter& painter();

  KeyboardModel model_;
  std::unique_ptr<text::TextPainter> painter_;
  std::vector<Placed> keys_;
  ImVec2 panel_min_{0, 0}, panel_max_{0, 0};  // what the keyboard covers (nothing when closed)
  unsigned field_ = 0;     // ImGui id of the field the keyboard is open for
  bool visible_ = false;
  bool hidden_ = false;    // put away by its hide key until another field takes focus
  bool physical_ = false;  // put away because a physical keyboard is typing
  bool was_down_ = false;  // the pointer's button in the previous frame
  bool capturing_ = false; // a press that began on the keyboard, until its release
  int pressed_ = -1;       // the key under that press
  int held_key_ = -1;      // io.KeysDown index pressed for the field this frame
  float offset_ = 0.0f;
  std::optional<ImVec2> hidden_pos_;  // the pointer position hidden from this frame's widgets
  bool changed_ = false;
  std::string last_state_;  // what was drawn last frame, to tell a change
};

}  // namespace ws::kiosk::ui::keyboard
