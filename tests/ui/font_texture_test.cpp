// When the kiosk may upload its font atlas as one byte per pixel: only where the driver can
// swizzle that channel into (1, 1, 1, coverage); anywhere else the backend's RGBA upload stays.
#include <doctest/doctest.h>

#include "kiosk/ui/font_texture.hpp"

using ws::kiosk::ui::texture_swizzle_supported;

TEST_CASE("texture swizzles: from OpenGL 3.3, or named in the extension list") {
  CHECK(texture_swizzle_supported("4.5 (Compatibility Profile) Mesa 22.3.6", ""));
  CHECK(texture_swizzle_supported("3.3 (Core Profile) Mesa 22.3.6", ""));
  CHECK(texture_swizzle_supported("3.10 Mesa", ""));
  CHECK_FALSE(texture_swizzle_supported("3.2 Mesa 10.0", ""));
  CHECK_FALSE(texture_swizzle_supported("3.0 Mesa 22.3.6", "GL_ARB_texture_rg GL_EXT_texture_swizzlex"));
  CHECK(texture_swizzle_supported("3.0 Mesa 22.3.6", "GL_ARB_texture_rg GL_EXT_texture_swizzle GL_ARB_sync"));
  CHECK(texture_swizzle_supported("2.1 Mesa", "GL_ARB_texture_swizzle"));
  // OpenGL ES and unreadable strings decide by the extension list alone.
  CHECK_FALSE(texture_swizzle_supported("OpenGL ES 3.2 Mesa", ""));
  CHECK_FALSE(texture_swizzle_supported("", ""));
  CHECK_FALSE(texture_swizzle_supported("4", ""));
}
