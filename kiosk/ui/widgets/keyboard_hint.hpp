#pragma once
// What the text field holding keyboard focus wants from the on-screen keyboard this frame.
// Text widgets report it while they are active; the keyboard reads it once the screen has been
// drawn. One slot per frame keeps the widgets and the keyboard ignorant of each other.
#include <optional>
#include <string>

namespace ws::kiosk::ui::widgets {

enum class KeyboardKind { Text, Number, Phone, Date };

struct KeyboardHint {
  KeyboardKind kind = KeyboardKind::Text;
  // BCP-47 language of the text expected ("prs", "ti", "" = follow the visitor's language).
  std::string language;
  // The field's rectangle in screen pixels, so the keyboard can keep it in view.
  float x = 0, y = 0, width = 0, height = 0;
};

// Called by the active text field while it has focus (the last call in a frame wins).
void hint_keyboard(const KeyboardHint& hint);
// What this frame asked for; clears the slot for the next frame.
std::optional<KeyboardHint> take_keyboard_hint();

}  // namespace ws::kiosk::ui::widgets
