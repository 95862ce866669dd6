#include "kiosk/ui/font_texture.hpp"

#include <charconv>

#include <GLFW/glfw3.h>  // the GL 1.x API (texture objects) and glext.h's constants
#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>

#include "kiosk/ui/extension_list.hpp"

namespace ws::kiosk::ui {
namespace {

const char* gl_string(GLenum name) {
  const GLubyte* s = glGetString(name);
  return s ? reinterpret_cast<const char*>(s) : "";
}

}  // namespace

bool texture_swizzle_supported(std::string_view gl_version, std::string_view extensions) {
  // Desktop GL versions start "MAJOR.MINOR"; OpenGL ES ones ("OpenGL ES 3.0 ...") do not parse
  // here and fall back to the extension list.
  int major = 0, minor = 0;
  const char* begin = gl_version.data();
  const char* end = begin + gl_version.size();
  auto [dot, ec] = std::from_chars(begin, end, major);
  if (ec == std::errc() && dot < end && *dot == '.' && std::from_chars(dot + 1, end, minor).ec == std::errc()) {
    if (major > 3 || (major == 3 && minor >= 3)) return true;
  }
  return has_extension(extensions, "GL_ARB_texture_swizzle") || has_extension(extensions, "GL_EXT_texture_swizzle");
}

void FontTexture::create_backend_objects() {
  // The backend makes its font texture from whatever io.Fonts holds; give it an empty atlas
  // (it bakes ImGui's small default font into it) and delete that texture straight away.
  ImGuiIO& io = ImGui::GetIO();
  ImFontAtlas* real = io.Fonts;
  ImFontAtlas placeholder;
  io.Fonts = &placeholder;
  ImGui_ImplOpenGL3_CreateDeviceObjects();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  io.Fonts = real;
}

void FontTexture::upload() {
  release();
  ImGuiIO& io = ImGui::GetIO();
  // A core profile has no GL_EXTENSIONS string (""): there the version decides.
  if (!texture_swizzle_supported(gl_string(GL_VERSION), gl_string(GL_EXTENSIONS))) {
    ImGui_ImplOpenGL3_CreateFontsTexture();
    backend_owned_ = true;
  } else {
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &width, &height);
    GLint last_texture = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &last_texture);
    GLuint id = 0;
    glGenTextures(1, &id);
    glBindTexture(GL_TEXTURE_2D, id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    const GLint swizzle[] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
    glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);  // rows are `width` bytes
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, width, height, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last_texture));
    id_ = id;
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(id_)));
  }
  // The glyph tables stay (ImGui lays text out with them); the pixels and the font files'
  // copies (one per font and size, several MB) go. A new scale rebuilds from the files.
  io.Fonts->ClearTexData();
  io.Fonts->ClearInputData();
}

void FontTexture::release() {
  if (backend_owned_) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    backend_owned_ = false;
  }
  if (id_ != 0) {
    const GLuint id = id_;
    glDeleteTextures(1, &id);
    id_ = 0;
    ImGui::GetIO().Fonts->SetTexID(nullptr);
  }
}

}  // namespace ws::kiosk::ui
