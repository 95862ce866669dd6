#pragma once
// Dear ImGui widgets for text that ImGui cannot shape (Arabic script, Ethiopic, mixed
// directions): laid out by Pango into a cached texture, drawn as an image. Alignment follows
// the language's direction, so right-to-left text starts at the right edge.
#include <memory>
#include <string>

#include <imgui.h>

#include "kiosk/text/layout.hpp"
#include "kiosk/text/texture_cache.hpp"

namespace ws::kiosk::ui::text {

namespace kt = ws::kiosk::text;

// How a piece of text looks; the language decides font, shaping and direction.
struct Style {
  float size_px = 30.0f;  // already scaled
  bool bold = false;
  ImVec4 color{0.08f, 0.09f, 0.11f, 1.0f};
  kt::Align align = kt::Align::Start;
};

class TextPainter {
 public:
  explicit TextPainter(std::unique_ptr<kt::TextureSink> sink);
  ~TextPainter();

  // The spec for `text` in `language` (kiosk code) wrapped at `width` px (0 = one line).
  kt::TextSpec spec(const std::string& text, const std::string& language, const Style& style, float width) const;

  // Size the text takes when wrapped at `width` (0 = one line).
  ImVec2 measure(const std::string& text, const std::string& language, const Style& style, float width);

  // Draws into the current window at the cursor, wrapped to `width` (<= 0: the available
  // width), and advances the cursor. Returns the size used.
  ImVec2 paragraph(const std::string& text, const std::string& language, const Style& style, float width = 0.0f);

  // Draws at an absolute screen position into `list`; the box is `box_width` wide (0 = text width).
  ImVec2 draw_at(ImDrawList* list, ImVec2 screen_pos, const std::string& text, const std::string& language,
                 const Style& style, float box_width = 0.0f);

  // Draws a prepared spec with its layout box's top-left corner at `box_pos` (e.g. a text
  // field's own spec, whose direction comes from what was typed). Returns the box size.
  ImVec2 draw_spec(ImDrawList* list, ImVec2 box_pos, const kt::TextSpec& spec);
  // The layouter behind the cache, for caret geometry on the same context.
  kt::TextLayouter& layouter() { return layouter_; }

  // Bitmaps other than text (QR codes, pictures) through the same cache.
  kt::TextureCache& cache() { return *cache_; }
  // Once per frame: frees textures not drawn for a while.
  void end_frame() { cache_->collect(); }
  kt::TextureCache::Stats stats() const { return cache_->stats(); }

 private:
  std::unique_ptr<kt::TextureSink> sink_;
  kt::TextLayouter layouter_;
  std::unique_ptr<kt::TextureCache> cache_;
};

ImTextureID to_imgui(kt::TextureId id);

}  // namespace ws::kiosk::ui::text
