// The X screen grabbed as a person in front of it sees it (Xlib kept out of the shared header:
// its macros, e.g. Status, clash with ws::Status).
#include <cstdint>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "kiosk/ui/png_writer.hpp"
#include "tests/ui/touch/touch_harness.hpp"

#include <X11/Xlib.h>
#include <X11/Xutil.h>

namespace touch_test {

void screenshot(const std::string& png_path) {
  Display* display = XOpenDisplay(nullptr);
  REQUIRE_MESSAGE(display, "cannot open the X display to take a screenshot");
  const Window root = DefaultRootWindow(display);
  XWindowAttributes attributes;
  XGetWindowAttributes(display, root, &attributes);
  XImage* image = XGetImage(display, root, 0, 0, static_cast<unsigned>(attributes.width),
                            static_cast<unsigned>(attributes.height), AllPlanes, ZPixmap);
  REQUIRE_MESSAGE(image, "XGetImage failed");
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(attributes.width) * static_cast<std::size_t>(attributes.height) * 4);
  std::size_t i = 0;
  for (int y = 0; y < attributes.height; ++y) {
    for (int x = 0; x < attributes.width; ++x) {
      const unsigned long pixel = XGetPixel(image, x, y);
      rgba[i++] = static_cast<std::uint8_t>((pixel & image->red_mask) >> 16);
      rgba[i++] = static_cast<std::uint8_t>((pixel & image->green_mask) >> 8);
      rgba[i++] = static_cast<std::uint8_t>(pixel & image->blue_mask);
      rgba[i++] = 255;
    }
  }
  XDestroyImage(image);
  XCloseDisplay(display);
  const auto written = ws::kiosk::ui::write_png(png_path, attributes.width, attributes.height, rgba);
  REQUIRE_MESSAGE(static_cast<bool>(written), "cannot write " << png_path);
}

}  // namespace touch_test
