#pragma once
// Caret geometry of one laid-out paragraph, for a text field: where the caret stands for a
// byte index, where it goes on a left/right arrow (visual order through bidirectional text),
// which index a tap lands on, the rectangles of a selection and the grapheme boundaries.
// Built on TextLayouter's Pango context from the same TextSpec the field renders, so the
// caret sits exactly between the pixels drawn. Coordinates are pixels in the layout box
// (the Bitmap's box_width x box_height, origin at its top-left).
#include <vector>

#include "kiosk/text/layout.hpp"
#include "kiosk/text/text_spec.hpp"

typedef struct _PangoLayout PangoLayout;

namespace ws::kiosk::text {

struct CaretRect {
  float x = 0, y = 0, height = 0;
};

struct SelectionRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

class CaretLayout {
 public:
  // An invalid spec (e.g. text over 64 KiB) lays out empty text instead.
  CaretLayout(TextLayouter& layouter, const TextSpec& spec);
  ~CaretLayout();
  CaretLayout(const CaretLayout&) = delete;
  CaretLayout& operator=(const CaretLayout&) = delete;

  // One step on screen: direction < 0 left, > 0 right. Stays put at the visual edges.
  int move_visually(int index, int direction) const;
  // The strong caret: where typed text of the paragraph's direction would appear.
  CaretRect caret(int index) const;
  // The grapheme boundary nearest to a tap at (x, y).
  int index_at(float x, float y) const;
  // The highlighted areas of the logical range [start, end), one or more per line.
  std::vector<SelectionRect> selection(int start, int end) const;

  // Grapheme boundaries (Pango's cursor positions) around `index`; 0 and size at the ends.
  int previous_boundary(int index) const;
  int next_boundary(int index) const;
  // Logical start and end of the line that holds `index`, for Home and End.
  int line_start(int index) const;
  int line_end(int index) const;

  float width() const { return width_; }
  float height() const { return height_; }
  int size() const { return size_; }

 private:
  PangoLayout* layout_ = nullptr;
  std::vector<int> boundaries_;  // byte offsets of cursor positions, ascending
  int size_ = 0;
  float width_ = 0, height_ = 0;
};

}  // namespace ws::kiosk::text
