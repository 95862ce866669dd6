#include "kiosk/text/fonts.hpp"

namespace ws::kiosk::text {

std::string font_family_for(std::string_view language_code) {
  // Naskh is the style of schoolbooks and newspapers in Afghanistan and the Arab world; it
  // also carries Pashto's extra letters (ښ ږ ځ څ ډ ټ ړ ګ ڼ ۍ ې).
  if (language_code == "prs" || language_code == "ps" || language_code == "ar" ||
      language_code == "fa")
    return "Noto Naskh Arabic,Noto Sans";
  if (language_code == "ti" || language_code == "am") return "Noto Sans Ethiopic,Noto Sans";
  return "Noto Sans";
}

std::string font_family_for_typed(bool rtl) {
  return rtl ? "Noto Naskh Arabic,Noto Sans,Noto Sans Ethiopic" : "Noto Sans,Noto Naskh Arabic,Noto Sans Ethiopic";
}

}  // namespace ws::kiosk::text
