#pragma once
// Text in the person's own script. ImGui draws Latin, Cyrillic and Ethiopic itself; Arabic
// script (Dari, Pashto, Arabic) needs shaping and right-to-left layout, so it goes through the
// text engineer's Pango painter (kiosk/ui/text) instead.
#include <memory>
#include <string>

#include "kiosk/ui/screen.hpp"

namespace ws::kiosk::ui::text {
class TextPainter;
}

namespace ws::kiosk::ui::widgets {

// True when `utf8` holds a letter of the Arabic script blocks.
bool has_arabic_script(const std::string& utf8);

class NativeText {
 public:
  NativeText();
  ~NativeText();
  enum class Size { Small, Body, Heading };
  // Draws `text` wrapped to the available width; shaped when it needs shaping. Right-to-left
  // text shorter than the line starts where the screen's left-to-right text starts, under its
  // label's column, not at the far edge.
  void draw(Ui& ui, const std::string& text, Size size = Size::Body);
  // Once per frame after drawing: lets the painter free textures no longer shown.
  void end_frame();

 private:
  text::TextPainter& painter();
  std::unique_ptr<text::TextPainter> painter_;
};

}  // namespace ws::kiosk::ui::widgets
