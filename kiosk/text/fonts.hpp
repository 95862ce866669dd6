#pragma once
// Which installed font family draws which language. Named explicitly because fontconfig's
// generic "sans" picks DejaVu for Persian, whose Arabic letters read as foreign to Dari and
// Pashto readers; Noto (fonts-noto-core) covers every script we show.
#include <string>
#include <string_view>

namespace ws::kiosk::text {

// A Pango family list for body text in `language_code` (kiosk codes: en, nb, prs, ps, ar, ti,
// so, uk). Latin falls back to Noto Sans so mixed words and numbers match the body.
std::string font_family_for(std::string_view language_code);

// A family list for text typed by a person, which may mix scripts in any order: the fonts
// that cover Latin, Arabic script and Ethiopic, the base direction's script first.
std::string font_family_for_typed(bool rtl);

}  // namespace ws::kiosk::text
