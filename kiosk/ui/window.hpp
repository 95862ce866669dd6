#pragma once
// The GLFW window, its OpenGL context and Dear ImGui's GLFW/OpenGL3 backends, set up in the
// order of Dear ImGui's example_glfw_opengl3 and torn down in reverse.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/ui/font_texture.hpp"
#include "kiosk/ui/input_queue.hpp"
#include "kiosk/ui/theme.hpp"
#include "ws/result.hpp"

struct GLFWwindow;

namespace ws::kiosk::ui {

class FrameTrace;

struct WindowConfig {
  int width = 1920;
  int height = 1080;
  bool fullscreen = false;
  bool vsync = true;
  std::string title = "Waystation";
  // Shrinks a windowed kiosk to the primary monitor's work area (keeping 16:9 or the asked
  // shape), so a 1920x1080 request still fits a 1280x800 screen.
  bool fit_monitor = false;
};

class StartupTrace;

// Work for another thread while the window and its GL context are made (loading the driver
// takes tens of milliseconds): it gets the framebuffer size the window is asked for and may
// use ImGui's context, which this thread leaves alone until the work returns. Start-up
// bakes the font atlas there.
using BesideWindow = std::function<void(int width, int height)>;

class Window {
 public:
  static Result<std::unique_ptr<Window>> open(const WindowConfig& config, const BesideWindow& beside = {},
                                              StartupTrace* trace = nullptr);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  bool should_close() const;
  // Sleeps until an event arrives or `timeout_s` passes: the kiosk idles at ~0% CPU.
  void wait_events(double timeout_s);
  void poll_events();
  // Blocks for `ms` (0 = only collect pending events, nullopt = until an event or wake()).
  void wait(std::optional<std::int64_t> ms);
  // Ends a wait() from any thread (e.g. the sync engine reporting a finished round).
  static void wake();
  // Pointer events not yet handed to ImGui (a tap's release waits for the frame after its press).
  bool input_pending() const { return input_.pending(); }
  // True when this frame fed ImGui any input (pointer, key, text, wheel); then cleared.
  bool take_input_fed();
  std::size_t button_transitions() const { return input_.transitions(); }
  // Screenshot mode: the pointer must not hover anything, wherever the X server put it.
  void ignore_pointer(bool ignore) { ignore_pointer_ = ignore; }
  // A tap at (x, y) through the same queue as the window system's events (screenshot scenarios).
  void queue_tap(float x, float y) {
    input_.push_move(x, y);
    input_.push_button(0, true);
    input_.push_button(0, false);
  }
  // Starts an ImGui frame; rebuilds fonts and sizes first when the framebuffer size asks for
  // another scale (or the theme has no fonts yet), and uploads the atlas when it is new.
  void new_frame(Theme& theme);
  // Renders the ImGui frame into the back buffer; present() shows it.
  void draw(const ImVec4& clear_colour);
  void present();
  // Waits until the GPU has drawn everything (a frame trace times the picture, not the call).
  void finish();
  // Every input event is noted in `trace` as it arrives (null: none). It must outlive the window.
  void set_trace(FrameTrace* trace) { trace_ = trace; }
  // The back buffer as RGBA rows top to bottom (call after draw, before present).
  std::vector<std::uint8_t> read_pixels(int& width, int& height) const;

 private:
  explicit Window(GLFWwindow* w) : window_(w) {}
  void install_input_callbacks();
  void feed_pointer();
  GLFWwindow* window_ = nullptr;
  int font_width_ = 0, font_height_ = 0;  // framebuffer size the fonts were built for
  FontTexture font_texture_;
  bool backend_objects_ = false;  // the OpenGL3 backend's shaders and buffers exist
  bool fonts_uploaded_ = false;
  InputQueue input_;
  bool other_input_ = false;  // a key, character or wheel event arrived since the last frame
  bool input_fed_ = false;
  bool ignore_pointer_ = false;
  FrameTrace* trace_ = nullptr;
};

}  // namespace ws::kiosk::ui
