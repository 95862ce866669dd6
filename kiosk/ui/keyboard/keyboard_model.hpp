#pragma once
// What the on-screen keyboard shows and what a key press does, without a window: the layout in
// use, shift, the Ethiopic consonant waiting for its vowel order, and the effect of each key.
#include <string>
#include <vector>

#include "kiosk/ui/keyboard/layouts.hpp"
#include "kiosk/ui/widgets/keyboard_hint.hpp"

namespace ws::kiosk::ui::keyboard {

// What a key press asks of the text field (the keyboard's own keys change only the model).
struct Effect {
  enum class Kind { None, Text, Backspace, Left, Right, Enter, Hide };
  Kind kind = Kind::None;
  std::string text;  // UTF-8, for Text
};

class KeyboardModel {
 public:
  // A field took focus: the pad for its kind, or the script layout of `language`.
  void open(widgets::KeyboardKind kind, const std::string& language);

  const Layout& layout() const { return *layout_; }
  widgets::KeyboardKind kind() const { return kind_; }
  bool shifted() const { return shift_; }
  char32_t pending_consonant() const { return consonant_; }

  // Every row to draw now: the picker row (syllabic layouts), the layout's rows, the controls.
  std::vector<std::vector<Key>> rows() const;
  // The label a key shows (its character, shifted if need be, or a control's symbol).
  std::string label(const Key& key) const;

  Effect press(const Key& key);

 private:
  std::vector<Key> control_row() const;
  const Layout* next_layout() const;

  widgets::KeyboardKind kind_ = widgets::KeyboardKind::Text;
  const Layout* layout_ = &text_layouts().front();
  const Layout* letters_ = &text_layouts().front();  // where "ABC" returns from the symbols
  bool shift_ = false;
  char32_t consonant_ = 0;
};

}  // namespace ws::kiosk::ui::keyboard
