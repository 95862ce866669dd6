#pragma once
// The GLFW window, its OpenGL context and Dear ImGui's GLFW/OpenGL3 backends, set up in the
// order of Dear ImGui's example_glfw_opengl3 and torn down in reverse.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/ui/theme.hpp"
#include "ws/result.hpp"

struct GLFWwindow;

namespace ws::kiosk::ui {

struct WindowConfig {
  int width = 1920;
  int height = 1080;
  bool fullscreen = false;
  bool vsync = true;
  std::string title = "Waystation";
};

class Window {
 public:
  static Result<std::unique_ptr<Window>> open(const WindowConfig& config);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  bool should_close() const;
  // Sleeps until an event arrives or `timeout_s` passes: the kiosk idles at ~0% CPU.
  void wait_events(double timeout_s);
  void poll_events();
  // Screenshot mode: the pointer must not hover anything, wherever the X server put it.
  void ignore_pointer(bool ignore) { ignore_pointer_ = ignore; }
  // Starts an ImGui frame; rebuilds fonts and sizes first when the framebuffer height changed.
  void new_frame(Theme& theme);
  // Renders the ImGui frame into the back buffer; present() shows it.
  void draw(const ImVec4& clear_colour);
  void present();
  // The back buffer as RGBA rows top to bottom (call after draw, before present).
  std::vector<std::uint8_t> read_pixels(int& width, int& height) const;

 private:
  explicit Window(GLFWwindow* w) : window_(w) {}
  GLFWwindow* window_ = nullptr;
  int font_height_ = 0;  // framebuffer height the fonts were built for
  bool ignore_pointer_ = false;
};

}  // namespace ws::kiosk::ui
