#include "kiosk/text/image.hpp"

#include <cairo.h>

#include <cstring>

#include "kiosk/text/layout.hpp"

namespace ws::kiosk::text {

Result<Bitmap> load_png(const std::string& path) {
  cairo_surface_t* surface = cairo_image_surface_create_from_png(path.c_str());
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return fail("invalid_image", "not a readable PNG image");
  }
  const int w = cairo_image_surface_get_width(surface);
  const int h = cairo_image_surface_get_height(surface);
  if (w < 1 || h < 1 || w > 4096 || h > 4096) {
    cairo_surface_destroy(surface);
    return fail("invalid_image", "image must be 1-4096 px on each side");
  }
  // PNGs load as ARGB32 or RGB24 (alpha byte undefined); normalise to ARGB32 first.
  cairo_surface_t* argb = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  cairo_t* cr = cairo_create(argb);
  cairo_set_source_surface(cr, surface, 0, 0);
  cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
  cairo_paint(cr);
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  cairo_surface_flush(argb);

  const int stride = cairo_image_surface_get_stride(argb);
  std::uint8_t* data = cairo_image_surface_get_data(argb);
  premultiplied_argb32_to_straight_rgba(data, w, h, stride);
  Bitmap out;
  out.width = out.box_width = w;
  out.height = out.box_height = h;
  out.rgba.resize(static_cast<std::size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y)
    std::memcpy(out.rgba.data() + static_cast<std::size_t>(y) * w * 4, data + static_cast<std::size_t>(y) * stride,
                static_cast<std::size_t>(w) * 4);
  cairo_surface_destroy(argb);
  return out;
}

}  // namespace ws::kiosk::text
