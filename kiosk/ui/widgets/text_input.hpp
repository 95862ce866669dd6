#pragma once
// The kiosk's text field, in place of ImGui::InputText for whatever a person types: the text
// shows in the field itself shaped by Pango (joined Arabic script, Ethiopic syllables) and in
// visual order, right-aligned when it starts with a right-to-left letter (dir="auto"), with a
// caret and selection that move through mixed directions as on screen. Editing is
// ws::kiosk::text::TextEdit; this file only feeds it ImGui's input and draws it.
//
// Input comes from ImGui IO (characters and keys), so a physical keyboard and the on-screen
// keyboard drive it alike; while it has focus it asks for that keyboard every frame
// (keyboard_hint.hpp). The caret does not blink: a still field draws nothing.
#include <cstddef>
#include <string>

#include "kiosk/ui/screen.hpp"
#include "kiosk/ui/widgets/keyboard_hint.hpp"

namespace ws::kiosk::ui::widgets {

// Which characters a field accepts (ImGui's CharsDecimal / CharsScientific, phone numbers).
enum class InputFilter { None, Decimal, Scientific, Phone };

struct TextInputOptions {
  float width = -1.0f;         // -1: the available width
  float height = 0.0f;         // > 0: a box this high with wrapped lines and newlines (notes)
  const char* hint = nullptr;  // shown muted while the field is empty
  std::string language;        // kiosk code for shaping; "" = the screen's language
  InputFilter filter = InputFilter::None;
  KeyboardKind keyboard = KeyboardKind::Text;
  std::size_t max_bytes = 4096;
  float size_px = 0.0f;        // Pango em size; 0 = as large as the current ImGui font's labels
};

// Draws the field at the cursor and edits `value`; true when the text changed this frame.
// `id` is an ImGui id ("##name"); the caller logs the item as before.
bool text_input(Ui& ui, const char* id, std::string& value, const TextInputOptions& options = {});

// True while any text_input holds keyboard focus.
bool text_input_active();

}  // namespace ws::kiosk::ui::widgets
