#pragma once
// Pango + HarfBuzz text layout into RGBA bitmaps: shaping (joined Arabic letters, ligatures,
// Ethiopic syllables), bidi ordering, wrapping and alignment. No GL and no ImGui here, so it
// runs in tests and headless tools.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/text/text_spec.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::text {

struct Extents {
  int width = 0;
  int height = 0;
  int line_count = 0;
};

// One shaped glyph as laid out: `cluster` is the byte offset in TextSpec::text of the
// character(s) it draws (HarfBuzz's cluster value for a UTF-8 buffer).
struct ShapedGlyph {
  std::uint32_t glyph = 0;
  std::uint32_t cluster = 0;
  bool operator==(const ShapedGlyph&) const = default;
};

// A run: consecutive glyphs in one font, one direction, on one line, in visual order.
struct ShapedRun {
  int line = 0;
  bool rtl = false;
  std::string font_file;  // the file the font map chose, for checking against HarfBuzz
  std::vector<ShapedGlyph> glyphs;
};

// Holds a Pango context on its own font map. Not thread-safe: one per thread (the UI thread).
class TextLayouter {
 public:
  TextLayouter();
  ~TextLayouter();
  TextLayouter(const TextLayouter&) = delete;
  TextLayouter& operator=(const TextLayouter&) = delete;

  Result<Bitmap> render(const TextSpec& spec);
  Result<Extents> measure(const TextSpec& spec);
  Result<std::vector<ShapedRun>> shape(const TextSpec& spec);

 private:
  friend class CaretLayout;  // lays out on the same context, so carets match rendered pixels
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Cairo's ARGB32 is premultiplied, native-endian; ImGui blends straight RGBA. In place over
// `pixels` (width*height 32-bit words), written as R,G,B,A bytes.
void premultiplied_argb32_to_straight_rgba(std::uint8_t* pixels, int width, int height, int stride);

}  // namespace ws::kiosk::text
