#include "kiosk/text/text_edit.hpp"

#include <glib.h>

#include <algorithm>

#include "kiosk/text/bidi.hpp"
#include "kiosk/text/fonts.hpp"

namespace ws::kiosk::text {
namespace {

// Keeps what a person may type: valid UTF-8 without control characters (a newline only in
// wrapped text), so a pasted or injected byte sequence cannot break the layout or the record.
std::string clean(std::string_view in, bool multiline) {
  std::string out;
  const char* p = in.data();
  const char* const end = p + in.size();
  while (p < end) {
    const gunichar c = g_utf8_get_char_validated(p, end - p);
    if (c == static_cast<gunichar>(-1) || c == static_cast<gunichar>(-2)) {
      ++p;  // a stray byte: skip it
      continue;
    }
    const char* next = g_utf8_next_char(p);
    const bool newline = c == '\n';
    const bool control = (c < 0x20 || (c >= 0x7F && c < 0xA0)) && !newline;
    if (!control && (!newline || multiline)) out.append(p, next);
    p = next;
  }
  return out;
}

// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
std::size_t utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s.size();
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

}  // namespace

TextEdit::TextEdit(TextLayouter& layouter, EditStyle style) : layouter_(layouter), style_(std::move(style)) {
  rebuild_spec();
}

void TextEdit::set_style(const EditStyle& style) {
  if (style == style_) return;
  style_ = style;
  rebuild_spec();
}

void TextEdit::set_text(std::string_view text) {
  const std::string cleaned = clean(text, style_.wrap_width_px > 0);
  text_ = cleaned.substr(0, utf8_prefix(cleaned, style_.max_bytes));
  caret_ = anchor_ = static_cast<int>(text_.size());
  rebuild_spec();
}

std::pair<int, int> TextEdit::selection() const { return {std::min(caret_, anchor_), std::max(caret_, anchor_)}; }

std::string TextEdit::selected_text() const {
  const auto [from, to] = selection();
  return text_.substr(from, to - from);
}

Direction TextEdit::direction() const { return first_strong_direction(text_).value_or(style_.fallback); }

TextSpec typed_text_spec(const std::string& text, const EditStyle& style) {
  TextSpec spec;
  spec.text = text;
  spec.language = style.language.empty() ? "en" : style.language;
  spec.direction = first_strong_direction(text).value_or(style.fallback);
  spec.font_family = font_family_for_typed(spec.direction == Direction::Rtl);
  spec.size_px = style.size_px;
  spec.wrap_width_px = style.wrap_width_px;
  spec.align = Align::Start;  // the start of the base direction: right for right-to-left
  spec.color = style.color;
  return spec;
}

void TextEdit::rebuild_spec() {
  spec_ = typed_text_spec(text_, style_);
  layout_.reset();
}

const CaretLayout& TextEdit::layout() {
  if (!layout_) layout_ = std::make_unique<CaretLayout>(layouter_, spec_);
  return *layout_;
}

void TextEdit::set_caret(int index, bool extend) {
  caret_ = std::clamp(index, 0, static_cast<int>(text_.size()));
  if (!extend) anchor_ = caret_;
}

void TextEdit::erase(int from, int to) {
  text_.erase(from, to - from);
  caret_ = anchor_ = from;
  rebuild_spec();
}

bool TextEdit::insert(std::string_view utf8) {
  const std::string add = clean(utf8, style_.wrap_width_px > 0);
  const auto [from, to] = selection();
  if (add.empty() && from == to) return false;
  const std::size_t room = style_.max_bytes - std::min(style_.max_bytes, text_.size() - (to - from));
  const std::string fitted = add.substr(0, utf8_prefix(add, room));
  if (fitted.empty() && from == to) return false;
  text_.replace(from, to - from, fitted);
  caret_ = anchor_ = from + static_cast<int>(fitted.size());
  rebuild_spec();
  return true;
}

bool TextEdit::backspace() {
  if (has_selection()) return erase_selection();
  if (caret_ == 0) return false;
  erase(layout().previous_boundary(caret_), caret_);
  return true;
}

bool TextEdit::delete_forward() {
  if (has_selection()) return erase_selection();
  if (caret_ >= static_cast<int>(text_.size())) return false;
  erase(caret_, layout().next_boundary(caret_));
  return true;
}

bool TextEdit::erase_selection() {
  const auto [from, to] = selection();
  erase(from, to);
  return true;
}

void TextEdit::move_visually(int direction, bool extend) {
  // Without shift, a selection collapses to its visual edge in the direction of the arrow.
  if (has_selection() && !extend) {
    const CaretRect a = layout().caret(anchor_), c = layout().caret(caret_);
    const bool anchor_first = a.y < c.y || (a.y == c.y && a.x < c.x);
    set_caret((direction < 0) == anchor_first ? anchor_ : caret_, false);
    return;
  }
  set_caret(layout().move_visually(caret_, direction), extend);
}

void TextEdit::move_line(int direction, bool extend) {
  const CaretRect c = layout().caret(caret_);
  const float y = direction < 0 ? c.y - c.height / 2 : c.y + c.height * 1.5f;
  if (y < 0) return set_caret(0, extend);
  if (y > layout().height()) return set_caret(static_cast<int>(text_.size()), extend);
  set_caret(layout().index_at(c.x, y), extend);
}

void TextEdit::home(bool extend) { set_caret(layout().line_start(caret_), extend); }
void TextEdit::end(bool extend) { set_caret(layout().line_end(caret_), extend); }

void TextEdit::select_all() {
  anchor_ = 0;
  caret_ = static_cast<int>(text_.size());
}

void TextEdit::place(float x, float y, bool extend) { set_caret(layout().index_at(x, y), extend); }

}  // namespace ws::kiosk::text
