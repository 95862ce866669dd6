#include "kiosk/ui/window.hpp"

#include <cfloat>
#include <cstdio>
#include <cstring>

#if defined(__SANITIZE_ADDRESS__)
#include <dlfcn.h>
#include <link.h>
#endif

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include "kiosk/ui/png_writer.hpp"

namespace ws::kiosk::ui {
namespace {

void report_glfw_error(int code, const char* description) {
  std::fprintf(stderr, "kiosk: GLFW error %d: %s\n", code, description);
}

// LeakSanitizer looks for leaks at exit, after glfwTerminate has unloaded Mesa's driver.
// Memory the driver keeps in its globals then has no owner LSan can see and is reported as a
// leak from "<unknown module>". Sanitizer builds keep the driver mapped, so those references
// stay visible and real leaks stay reported; release builds unload it as usual.
void keep_gl_driver_mapped_for_leak_checks() {
#if defined(__SANITIZE_ADDRESS__)
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void*) -> int {
        const char* name = info->dlpi_name;
        if (name && (std::strstr(name, "_dri.so") || std::strstr(name, "libgallium"))) {
          dlopen(name, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
        }
        return 0;
      },
      nullptr);
#endif
}

void terminate_glfw() {
  keep_gl_driver_mapped_for_leak_checks();
  glfwTerminate();
}

}  // namespace

Result<std::unique_ptr<Window>> Window::open(const WindowConfig& config) {
  glfwSetErrorCallback(report_glfw_error);
  if (!glfwInit()) return fail("no_display", "cannot open a window (is DISPLAY set?)");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWmonitor* monitor = nullptr;
  int width = config.width, height = config.height;
  if (config.fullscreen) {
    monitor = glfwGetPrimaryMonitor();
    if (const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr) {
      width = mode->width;
      height = mode->height;
    }
  }
  GLFWwindow* w = glfwCreateWindow(width, height, config.title.c_str(), monitor, nullptr);
  if (!w) {
    terminate_glfw();
    return fail("no_window", "cannot create an OpenGL 3 window");
  }
  glfwMakeContextCurrent(w);
  glfwSwapInterval(config.vsync ? 1 : 0);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a kiosk keeps no window layout between runs
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplGlfw_InitForOpenGL(w, true);
  ImGui_ImplOpenGL3_Init("#version 130");
  return std::unique_ptr<Window>(new Window(w));
}

Window::~Window() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  terminate_glfw();
}

bool Window::should_close() const { return glfwWindowShouldClose(window_); }
void Window::wait_events(double timeout_s) { glfwWaitEventsTimeout(timeout_s); }
void Window::poll_events() { glfwPollEvents(); }

void Window::new_frame(Theme& theme) {
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  if (fb_h > 0 && fb_h != font_height_) {
    // Fonts are rasterised at their final pixel size (sharper than FontGlobalScale).
    theme.apply(Theme::scale_for_height(fb_h));
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    font_height_ = fb_h;
  }
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (ignore_pointer_) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  ImGui::NewFrame();
}

void Window::draw(const ImVec4& clear_colour) {
  ImGui::Render();
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(clear_colour.x, clear_colour.y, clear_colour.z, clear_colour.w);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void Window::present() { glfwSwapBuffers(window_); }

std::vector<std::uint8_t> Window::read_pixels(int& width, int& height) const {
  glfwGetFramebufferSize(window_, &width, &height);
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  flip_rows(rgba, width, height);
  for (std::size_t i = 3; i < rgba.size(); i += 4) rgba[i] = 255;  // the window is opaque
  return rgba;
}

}  // namespace ws::kiosk::ui
