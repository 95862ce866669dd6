#include "kiosk/ui/text/gl_texture_sink.hpp"

#include <atomic>

#include <GLFW/glfw3.h>  // includes the GL 1.x API we need (texture objects)

namespace ws::kiosk::ui::text {

namespace kt = ws::kiosk::text;

namespace {
std::atomic<std::uint64_t> uploads{0};
}  // namespace

std::uint64_t texture_uploads() { return uploads.load(std::memory_order_relaxed); }

kt::TextureId GlTextureSink::upload(const kt::Bitmap& bitmap) {
  if (!glfwGetCurrentContext() || bitmap.width <= 0 || bitmap.height <= 0) return 0;
  GLuint id = 0;
  glGenTextures(1, &id);
  if (id == 0) return 0;
  glBindTexture(GL_TEXTURE_2D, id);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);  // rows are width*4 bytes: always 4-aligned
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, bitmap.width, bitmap.height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
               bitmap.rgba.data());
  uploads.fetch_add(1, std::memory_order_relaxed);
  return id;
}

void GlTextureSink::release(kt::TextureId id) {
  // After the window is gone there is nothing to free (the context took its textures along).
  if (!glfwGetCurrentContext() || id == 0) return;
  const GLuint gl_id = static_cast<GLuint>(id);
  glDeleteTextures(1, &gl_id);
}

std::unique_ptr<kt::TextureSink> make_texture_sink() {
  if (glfwGetCurrentContext()) return std::make_unique<GlTextureSink>();
  return std::make_unique<kt::CountingTextureSink>();
}

}  // namespace ws::kiosk::ui::text
