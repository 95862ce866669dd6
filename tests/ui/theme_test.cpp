// The font atlas the theme builds: the scripts people type names in have glyphs, so an input
// shows letters (unjoined for Arabic script, where labels are not shaped) instead of '?'.
#include <doctest/doctest.h>

#include "headless.hpp"

using ui_test::Headless;

TEST_CASE("the input fonts carry Arabic, Ethiopic and Cyrillic glyphs, and the atlas stays small") {
  Headless imgui;
  const auto& fonts = imgui.theme.fonts();
  for (ImFont* font : {fonts.body, fonts.small}) {
    REQUIRE(font != nullptr);
    CHECK(font->FindGlyphNoFallback(0x0627) != nullptr);  // ARABIC LETTER ALEF
    CHECK(font->FindGlyphNoFallback(0x0680) != nullptr);  // ARABIC LETTER BEHEH (Pashto/Sindhi block)
    CHECK(font->FindGlyphNoFallback(0x06CC) != nullptr);  // ARABIC LETTER FARSI YEH (Dari)
    CHECK(font->FindGlyphNoFallback(0xFEFB) != nullptr);  // LAM-ALEF ligature (presentation forms B)
    CHECK(font->FindGlyphNoFallback(0x1200) != nullptr);  // ETHIOPIC SYLLABLE HA
    CHECK(font->FindGlyphNoFallback(0x0454) != nullptr);  // CYRILLIC SMALL LETTER UKRAINIAN IE
    CHECK(font->FindGlyphNoFallback(0x0041) != nullptr);
  }
  // Headings are never typed into: they stay Latin/Cyrillic only.
  CHECK(fonts.heading->FindGlyphNoFallback(0x0627) == nullptr);
  // One texture a low-end kiosk GPU takes without trouble.
  const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  CHECK(atlas->TexWidth <= 4096);
  CHECK(atlas->TexHeight <= 4096);
  MESSAGE("font atlas " << atlas->TexWidth << " x " << atlas->TexHeight);
}
