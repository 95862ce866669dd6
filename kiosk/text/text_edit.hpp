#pragma once
// The editing model of a text field, without a window: logical text in UTF-8, a caret and a
// selection anchor as byte indices on grapheme boundaries, and the operations a keyboard or a
// finger performs. Motion that depends on what is on screen (left/right through mixed
// directions, taps, Home/End of a wrapped line) asks a CaretLayout of the very spec that is
// rendered, so the field and its caret always agree.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/text/caret_layout.hpp"
#include "kiosk/text/layout.hpp"
#include "kiosk/text/text_spec.hpp"

namespace ws::kiosk::text {

struct EditStyle {
  std::string language = "en";          // BCP 47, for shaping and font choice
  Direction fallback = Direction::Ltr;  // base direction while the text has no strong letter
  double size_px = 30.0;
  Rgba color;
  int wrap_width_px = 0;  // > 0: several lines wrapped at this width (notes); 0: one line
  std::size_t max_bytes = 4096;
  bool operator==(const EditStyle&) const = default;
};

// What typed `text` looks like in `style`: direction from its first strong letter, a font list
// that covers every script a person may mix, aligned to the start of that direction.
TextSpec typed_text_spec(const std::string& text, const EditStyle& style);

class TextEdit {
 public:
  explicit TextEdit(TextLayouter& layouter, EditStyle style = {});

  void set_style(const EditStyle& style);
  const EditStyle& style() const { return style_; }
  // Replaces the text (e.g. from the view-model); the caret goes to its end.
  void set_text(std::string_view text);
  const std::string& text() const { return text_; }

  int caret() const { return caret_; }
  int anchor() const { return anchor_; }
  bool has_selection() const { return caret_ != anchor_; }
  std::pair<int, int> selection() const;  // logical [start, end)
  std::string selected_text() const;
  // From the first strong letter (dir="auto"), else the style's fallback.
  Direction direction() const;

  // Each returns true when the text changed.
  bool insert(std::string_view utf8);  // replaces the selection; drops control characters
  bool backspace();                    // the selection, else the grapheme before the caret
  bool delete_forward();               // the selection, else the grapheme after the caret

  void move_visually(int direction, bool extend);  // arrow left (< 0) or right (> 0)
  void move_line(int direction, bool extend);      // arrow up (< 0) or down (> 0) in wrapped text
  void home(bool extend);
  void end(bool extend);
  void select_all();
  // A tap or drag at (x, y) in layout-box pixels.
  void place(float x, float y, bool extend);

  // What to render, and the geometry drawn over it.
  const TextSpec& spec() const { return spec_; }
  const CaretLayout& layout();
  CaretRect caret_rect() { return layout().caret(caret_); }
  std::vector<SelectionRect> selection_rects() { return layout().selection(anchor_, caret_); }

 private:
  void rebuild_spec();
  void set_caret(int index, bool extend);
  void erase(int from, int to);
  bool erase_selection();

  TextLayouter& layouter_;
  EditStyle style_;
  std::string text_;
  int caret_ = 0;
  int anchor_ = 0;
  TextSpec spec_;
  std::unique_ptr<CaretLayout> layout_;  // of spec_, made on first use after a change
};

}  // namespace ws::kiosk::text
