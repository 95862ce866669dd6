#pragma once
// RGBA pixels to a PNG file (or bytes): per-row filters and zlib at its best level, RGB when opaque.
#include <cstdint>
#include <string>
#include <vector>

#include "ws/result.hpp"

namespace ws::kiosk::ui {

// `rgba` is width*height*4 bytes, rows top to bottom.
Status write_png(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgba);
Result<std::string> encode_png(int width, int height, const std::vector<std::uint8_t>& rgba);

// OpenGL reads rows bottom-up; images want them top-down.
void flip_rows(std::vector<std::uint8_t>& rgba, int width, int height);

}  // namespace ws::kiosk::ui
