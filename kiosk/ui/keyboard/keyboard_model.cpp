#include "kiosk/ui/keyboard/keyboard_model.hpp"

#include "kiosk/ui/keyboard/ethiopic.hpp"

namespace ws::kiosk::ui::keyboard {
namespace {

Key control(KeyKind kind, float width) { return Key{kind, "", "", width}; }

bool is_pad(const Layout& l) { return l.id == "number" || l.id == "phone" || l.id == "date"; }

}  // namespace

void KeyboardModel::open(widgets::KeyboardKind kind, const std::string& language) {
  kind_ = kind;
  letters_ = &layout_for_language(language);
  layout_ = kind == widgets::KeyboardKind::Text ? letters_ : &numeric_pad(kind);
  shift_ = false;
  consonant_ = 0;
}

const Layout* KeyboardModel::next_layout() const {
  const auto& all = text_layouts();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (&all[i] == letters_) return &all[(i + 1) % all.size()];
  return &all.front();
}

std::vector<Key> KeyboardModel::control_row() const {
  std::vector<Key> keys;
  if (is_pad(*layout_)) {
    // A number, phone or date field takes nothing else: no switch, no space.
    for (KeyKind k : {KeyKind::Left, KeyKind::Right, KeyKind::Backspace, KeyKind::Enter, KeyKind::Hide})
      keys.push_back(control(k, 1.0f));
    return keys;
  }
  if (layout_->has_case) keys.push_back(control(KeyKind::Shift, 1.25f));
  keys.push_back(control(KeyKind::Switch, 1.25f));
  keys.push_back(control(layout_ == &symbols_layout() ? KeyKind::Letters : KeyKind::Symbols, 1.25f));
  keys.push_back(control(KeyKind::Space, layout_->has_case ? 3.5f : 4.75f));
  for (KeyKind k : {KeyKind::Left, KeyKind::Right, KeyKind::Backspace}) keys.push_back(control(k, 1.0f));
  keys.push_back(control(KeyKind::Enter, 1.25f));
  keys.push_back(control(KeyKind::Hide, 1.0f));
  return keys;
}

std::vector<std::vector<Key>> KeyboardModel::rows() const {
  std::vector<std::vector<Key>> out;
  if (layout_->syllabic) {
    std::vector<Key> picker;
    if (const ethiopic::Consonant* c = ethiopic::find_consonant(consonant_))
      for (char32_t s : ethiopic::syllables(*c)) picker.push_back(Key{KeyKind::Syllable, utf8(s), "", 1.0f});
    out.push_back(std::move(picker));  // empty until a consonant is chosen: the rows below stay put
  }
  for (const auto& r : layout_->rows) out.push_back(r);
  out.push_back(control_row());
  return out;
}

std::string KeyboardModel::label(const Key& key) const {
  switch (key.kind) {
    case KeyKind::Char: return shift_ && layout_->has_case ? key.upper : key.text;
    case KeyKind::Consonant:
    case KeyKind::Syllable: return key.text;
    case KeyKind::Shift: return "\xe2\x87\xa7";        // ⇧
    case KeyKind::Switch: return next_layout()->label;  // the script it switches to
    case KeyKind::Symbols: return "123";
    case KeyKind::Letters: return letters_->label;
    case KeyKind::Space: return layout_->label;  // the layout in use, as phone keyboards do
    case KeyKind::Backspace: return "\xe2\x8c\xab";  // ⌫
    case KeyKind::Left: return "\xe2\x97\x80";       // ◀
    case KeyKind::Right: return "\xe2\x96\xb6";      // ▶
    case KeyKind::Enter: return "\xe2\x9c\x93";      // ✓
    case KeyKind::Hide: return "\xe2\x96\xbc";       // ▼
  }
  return key.text;
}

Effect KeyboardModel::press(const Key& key) {
  using K = Effect::Kind;
  switch (key.kind) {
    case KeyKind::Char: {
      Effect e{K::Text, shift_ && layout_->has_case ? key.upper : key.text};
      shift_ = false;  // one capital, as touch keyboards do
      return e;
    }
    case KeyKind::Consonant: {
      const auto cps = code_points(key.text);
      consonant_ = cps.empty() ? 0 : cps.front();
      return {};
    }
    case KeyKind::Syllable: consonant_ = 0; return {K::Text, key.text};
    case KeyKind::Shift: shift_ = !shift_; return {};
    case KeyKind::Switch:
      letters_ = next_layout();
      layout_ = letters_;
      shift_ = false;
      consonant_ = 0;
      return {};
    case KeyKind::Symbols: layout_ = &symbols_layout(); consonant_ = 0; return {};
    case KeyKind::Letters: layout_ = letters_; return {};
    case KeyKind::Space: return {K::Text, " "};
    case KeyKind::Backspace: return {K::Backspace, ""};
    case KeyKind::Left: return {K::Left, ""};
    case KeyKind::Right: return {K::Right, ""};
    case KeyKind::Enter: return {K::Enter, ""};
    case KeyKind::Hide: return {K::Hide, ""};
  }
  return {};
}

}  // namespace ws::kiosk::ui::keyboard
