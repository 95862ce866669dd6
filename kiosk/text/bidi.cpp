#include "kiosk/text/bidi.hpp"

#include <fribidi.h>
#include <glib.h>

namespace ws::kiosk::text {

std::optional<Direction> first_strong_direction(std::string_view utf8) {
  const char* p = utf8.data();
  const char* const end = p + utf8.size();
  while (p < end) {
    const gunichar c = g_utf8_get_char_validated(p, end - p);
    if (c == static_cast<gunichar>(-1) || c == static_cast<gunichar>(-2)) return std::nullopt;
    const FriBidiCharType type = fribidi_get_bidi_type(c);
    if (type == FRIBIDI_TYPE_LTR) return Direction::Ltr;
    if (type == FRIBIDI_TYPE_RTL || type == FRIBIDI_TYPE_AL) return Direction::Rtl;
    p = g_utf8_next_char(p);
  }
  return std::nullopt;
}

}  // namespace ws::kiosk::text
