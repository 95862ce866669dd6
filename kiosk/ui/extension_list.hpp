#pragma once
// GL's and EGL's extension strings: names separated by single spaces.
#include <cstddef>
#include <string_view>

namespace ws::kiosk::ui {

// True when `name` is one whole entry of `list` (not a prefix of a longer name).
inline bool has_extension(std::string_view list, std::string_view name) {
  for (std::size_t at = list.find(name); at != std::string_view::npos; at = list.find(name, at + 1)) {
    const bool starts = at == 0 || list[at - 1] == ' ';
    const bool ends = at + name.size() == list.size() || list[at + name.size()] == ' ';
    if (starts && ends) return true;
  }
  return false;
}

}  // namespace ws::kiosk::ui
