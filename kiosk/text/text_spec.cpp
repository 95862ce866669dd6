#include "kiosk/text/text_spec.hpp"

#include <functional>

namespace ws::kiosk::text {

std::size_t TextSpecHash::operator()(const TextSpec& s) const {
  std::size_t h = std::hash<std::string>{}(s.text);
  auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  mix(std::hash<std::string>{}(s.language));
  mix(std::hash<std::string>{}(s.font_family));
  mix(std::hash<double>{}(s.size_px));
  mix(std::hash<double>{}(s.line_spacing));
  mix(static_cast<std::size_t>(s.wrap_width_px));
  mix(static_cast<std::size_t>(s.direction) * 7 + static_cast<std::size_t>(s.align) * 3 + (s.bold ? 1 : 0));
  mix((static_cast<std::size_t>(s.color.r) << 24) | (static_cast<std::size_t>(s.color.g) << 16) |
      (static_cast<std::size_t>(s.color.b) << 8) | s.color.a);
  return h;
}

}  // namespace ws::kiosk::text
