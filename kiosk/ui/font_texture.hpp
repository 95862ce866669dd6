#pragma once
// Dear ImGui's font atlas on the GPU at one byte per pixel. The OpenGL3 backend's own upload
// converts the atlas to RGBA (four bytes per pixel) and keeps both copies in our heap besides
// the driver's: with llvmpipe every copy is resident memory. Here the atlas goes up as a
// one-channel texture that samples as (1, 1, 1, coverage), exactly what the RGBA upload
// sampled, and the CPU copies are freed once it is up. Needs texture swizzles (GL 3.3 or
// ARB_texture_swizzle); without them the backend's RGBA upload is used as before.
#include <string_view>

namespace ws::kiosk::ui {

// True when a context reporting `gl_version` (glGetString(GL_VERSION), e.g. "4.5 (Compatibility
// Profile) Mesa 22.3.6") or `extensions` (GL_EXTENSIONS) can swizzle texture channels.
bool texture_swizzle_supported(std::string_view gl_version, std::string_view extensions);

class FontTexture {
 public:
  FontTexture() = default;
  FontTexture(const FontTexture&) = delete;
  FontTexture& operator=(const FontTexture&) = delete;

  // Creates the backend's shaders and buffers without letting it upload the font atlas (its
  // first NewFrame would otherwise make them, RGBA atlas included). Once, after the backend's
  // Init, with the context current.
  static void create_backend_objects();
  // Uploads the built io.Fonts atlas (replacing an earlier upload), sets its TexID and frees
  // the atlas pixels. The context must be current.
  void upload();
  // Deletes the texture; call it while the context still exists (the destructor does not).
  void release();

 private:
  unsigned int id_ = 0;        // our one-channel texture, 0 = none
  bool backend_owned_ = false;  // the backend's RGBA texture is in use instead
};

}  // namespace ws::kiosk::ui
