#include "kiosk/text/caret_layout.hpp"

#include <algorithm>

#include "kiosk/text/layout_impl.hpp"

namespace ws::kiosk::text {
namespace {

float px(int pango_units) { return static_cast<float>(pango_units) / PANGO_SCALE; }

}  // namespace

CaretLayout::CaretLayout(TextLayouter& layouter, const TextSpec& spec) {
  TextSpec checked = spec;
  if (!check_spec(checked)) checked.text.clear();
  if (!check_spec(checked)) checked = TextSpec{};
  layout_ = layouter.impl_->make_layout(checked);
  const std::string& text = checked.text;
  size_ = static_cast<int>(text.size());

  int n_attrs = 0;
  const PangoLogAttr* attrs = pango_layout_get_log_attrs_readonly(layout_, &n_attrs);
  const char* p = text.c_str();
  for (int i = 0; i < n_attrs; ++i) {
    if (attrs[i].is_cursor_position || i == 0 || i == n_attrs - 1)
      boundaries_.push_back(static_cast<int>(p - text.c_str()));
    if (*p) p = g_utf8_next_char(p);
  }
  PangoRectangle logical{};
  pango_layout_get_pixel_extents(layout_, nullptr, &logical);
  width_ = static_cast<float>(checked.wrap_width_px > 0 ? checked.wrap_width_px : std::max(logical.width + logical.x, 0));
  height_ = static_cast<float>(std::max(logical.height + logical.y, 0));
}

CaretLayout::~CaretLayout() {
  if (layout_) g_object_unref(layout_);
}

int CaretLayout::move_visually(int index, int direction) const {
  int new_index = 0, trailing = 0;
  pango_layout_move_cursor_visually(layout_, TRUE, index, 0, direction < 0 ? -1 : 1, &new_index, &trailing);
  if (new_index < 0 || new_index >= G_MAXINT) return index;  // off the start or end of the line
  const char* text = pango_layout_get_text(layout_);
  const char* at = text + new_index;
  // `trailing` counts characters past the grapheme's start: the caret stands after them.
  for (int i = 0; i < trailing && *at; ++i) at = g_utf8_next_char(at);
  return static_cast<int>(at - text);
}

CaretRect CaretLayout::caret(int index) const {
  PangoRectangle strong{};
  pango_layout_get_cursor_pos(layout_, std::clamp(index, 0, size_), &strong, nullptr);
  return {px(strong.x), px(strong.y), px(strong.height)};
}

int CaretLayout::index_at(float x, float y) const {
  int index = 0, trailing = 0;
  pango_layout_xy_to_index(layout_, static_cast<int>(x * PANGO_SCALE), static_cast<int>(y * PANGO_SCALE), &index,
                           &trailing);
  const char* text = pango_layout_get_text(layout_);
  const char* at = text + index;
  for (int i = 0; i < trailing && *at; ++i) at = g_utf8_next_char(at);
  const int result = static_cast<int>(at - text);
  // Snap to a grapheme boundary (a tap on a combining mark lands after its base).
  auto it = std::lower_bound(boundaries_.begin(), boundaries_.end(), result);
  return it == boundaries_.end() ? size_ : *it;
}

std::vector<SelectionRect> CaretLayout::selection(int start, int end) const {
  std::vector<SelectionRect> out;
  if (start > end) std::swap(start, end);
  if (start == end) return out;
  PangoLayoutIter* iter = pango_layout_get_iter(layout_);
  do {
    PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
    if (line->start_index + line->length <= start || line->start_index >= end) continue;
    int y0 = 0, y1 = 0;
    pango_layout_iter_get_line_yrange(iter, &y0, &y1);
    int* ranges = nullptr;
    int n = 0;
    pango_layout_line_get_x_ranges(line, std::max(start, line->start_index), std::min(end, line->start_index + line->length),
                                   &ranges, &n);
    for (int i = 0; i < n; ++i) {
      // In layout coordinates: the alignment offset of the line is included.
      out.push_back({px(ranges[2 * i]), px(y0), px(ranges[2 * i + 1]), px(y1)});
    }
    g_free(ranges);
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  return out;
}

int CaretLayout::previous_boundary(int index) const {
  auto it = std::lower_bound(boundaries_.begin(), boundaries_.end(), index);
  return it == boundaries_.begin() ? 0 : *std::prev(it);
}

int CaretLayout::next_boundary(int index) const {
  auto it = std::upper_bound(boundaries_.begin(), boundaries_.end(), index);
  return it == boundaries_.end() ? size_ : *it;
}

int CaretLayout::line_start(int index) const {
  int line_no = 0, x = 0;
  pango_layout_index_to_line_x(layout_, std::clamp(index, 0, size_), FALSE, &line_no, &x);
  PangoLayoutLine* line = pango_layout_get_line_readonly(layout_, line_no);
  return line ? line->start_index : 0;
}

int CaretLayout::line_end(int index) const {
  int line_no = 0, x = 0;
  pango_layout_index_to_line_x(layout_, std::clamp(index, 0, size_), FALSE, &line_no, &x);
  PangoLayoutLine* line = pango_layout_get_line_readonly(layout_, line_no);
  if (!line) return size_;
  const int end = line->start_index + line->length;
  // At a soft wrap the line's end is the next line's start, where the caret would show on
  // the next line: stop before the space the line wrapped at instead.
  PangoLayoutLine* next = pango_layout_get_line_readonly(layout_, line_no + 1);
  if (next && next->start_index == end && end > line->start_index) return previous_boundary(end);
  return end;
}

}  // namespace ws::kiosk::text
