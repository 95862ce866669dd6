#pragma once
// The on-screen keyboard's layouts as data: one table per script, testable without a window.
// A layout lists only its character rows; the keyboard adds shift, the layout switch, space,
// cursor keys, backspace, done and hide around them (keyboard_model.hpp).
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/ui/widgets/keyboard_hint.hpp"

namespace ws::kiosk::ui::keyboard {

enum class KeyKind {
  Char,       // inserts `text` (`upper` while shifted)
  Consonant,  // Ethiopic: opens the vowel orders of the consonant in `text`
  Syllable,   // Ethiopic: inserts `text`, one composed syllable
  Shift,
  Switch,     // the next script's layout
  Symbols,    // digits and punctuation
  Letters,    // back from the symbols to the letters
  Space,
  Backspace,
  Left,
  Right,
  Enter,
  Hide,
};

struct Key {
  KeyKind kind = KeyKind::Char;
  std::string text;   // UTF-8: what a Char or Syllable key inserts, a Consonant's base form
  std::string upper;  // what a Char key inserts while shifted (cased layouts)
  float width = 1.0f; // in standard key widths
};

struct Layout {
  std::string id;        // a kiosk language code ("prs") or a pad ("number", "phone", "date", "symbols")
  std::string label;     // the layout's short name in its own script, shown on the switch key
  std::string language;  // kiosk language used to shape the key labels
  bool has_case = false;
  bool syllabic = false;  // Ethiopic: consonant keys, then a row of their vowel orders
  std::vector<std::vector<Key>> rows;
};

// The script layouts in the order the switch key cycles through them.
const std::vector<Layout>& text_layouts();
const Layout* find_layout(std::string_view id);
// The layout for a kiosk language; English for a language without its own layout.
const Layout& layout_for_language(std::string_view lang);
// Digits and punctuation for text fields.
const Layout& symbols_layout();
// The pad for a number, phone or date field (a text field gets its script layout instead).
const Layout& numeric_pad(widgets::KeyboardKind kind);

// The kiosk language whose layout types the first letter of `utf8` ("prs" for Arabic script,
// "ti" for Ethiopic, "uk" for Cyrillic), or "" for Latin, digits or nothing.
std::string language_of_text(std::string_view utf8);

// UTF-8 helpers the layouts and tests share.
std::string utf8(char32_t cp);
std::vector<char32_t> code_points(std::string_view utf8);

}  // namespace ws::kiosk::ui::keyboard
