#include "kiosk/ui/png_writer.hpp"

#include <algorithm>
#include <fstream>

#include <stb_image_write.h>

namespace ws::kiosk::ui {
namespace {

void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::string*>(context);
  out->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

bool valid(int width, int height, const std::vector<std::uint8_t>& rgba) {
  return width > 0 && height > 0 &&
         rgba.size() == static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4;
}

}  // namespace

Result<std::string> encode_png(int width, int height, const std::vector<std::uint8_t>& rgba) {
  if (!valid(width, height, rgba)) return fail("invalid_image", "pixel buffer does not match the image size");
  std::string out;
  if (!stbi_write_png_to_func(append_bytes, &out, width, height, 4, rgba.data(), width * 4))
    return fail("png_failed", "could not encode the PNG");
  return out;
}

Status write_png(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgba) {
  auto bytes = encode_png(width, height, rgba);
  if (!bytes) return fail(bytes.error());
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  file.close();
  if (!file) return fail("write_failed", "could not write " + path);
  return ok();
}

void flip_rows(std::vector<std::uint8_t>& rgba, int width, int height) {
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  for (int y = 0; y < height / 2; ++y) {
    auto top = rgba.begin() + static_cast<std::ptrdiff_t>(row * static_cast<std::size_t>(y));
    auto bottom = rgba.begin() + static_cast<std::ptrdiff_t>(row * static_cast<std::size_t>(height - 1 - y));
    std::swap_ranges(top, top + static_cast<std::ptrdiff_t>(row), bottom);
  }
}

}  // namespace ws::kiosk::ui
