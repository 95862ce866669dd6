#pragma once
// What to lay out: everything that changes the pixels is in TextSpec, so TextSpec equality is
// exactly "the rendered bitmap would be the same" and it can key a texture cache.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ws::kiosk::text {

// The paragraph's base direction. It comes from the page's language, never from guessing at
// the text: a Dari paragraph that starts with a Latin word is still right-to-left.
enum class Direction { Ltr, Rtl };

// Relative to the direction: Start is the right edge for Rtl.
enum class Align { Start, Center, End };

struct Rgba {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
  bool operator==(const Rgba&) const = default;
};

struct TextSpec {
  std::string text;        // UTF-8, shown as plain text (never parsed as markup)
  std::string language;    // BCP 47 tag for shaping and font choice, e.g. "fa-AF", "ti"
  Direction direction = Direction::Ltr;
  std::string font_family; // Pango family list, e.g. "Noto Naskh Arabic,Noto Sans"
  double size_px = 28.0;   // absolute pixel size of the em
  bool bold = false;
  int wrap_width_px = 0;   // > 0: wrap at this width and make the bitmap this wide
  Align align = Align::Start;
  Rgba color;
  double line_spacing = 1.25;  // factor of the font's line height

  bool operator==(const TextSpec&) const = default;
};

struct TextSpecHash {
  std::size_t operator()(const TextSpec& s) const;
};

// A CPU-side image: tightly packed rows, 4 bytes per pixel in R, G, B, A order, with straight
// (not premultiplied) alpha, which is what ImGui's default blending expects.
struct Bitmap {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;
  // The bitmap holds the ink and a transparent pixel round it; the layout box is where the
  // text takes its place among other things. origin_x/y: where the box's top-left corner lies
  // in the bitmap's coordinates (negative when the box starts left of or above the ink; ink may
  // also overhang the box, Arabic descenders and swashes, and is kept rather than clipped).
  int origin_x = 0;
  int origin_y = 0;
  int box_width = 0;   // the layout box: the wrap width, or the text's own width
  int box_height = 0;

  std::uint8_t alpha_at(int x, int y) const { return rgba[(static_cast<std::size_t>(y) * width + x) * 4 + 3]; }
};

}  // namespace ws::kiosk::text
