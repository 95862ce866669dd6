#include "kiosk/ui/window.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include "kiosk/ui/frame_trace.hpp"
#include "kiosk/ui/gl_driver_warmup.hpp"
#include "kiosk/ui/png_writer.hpp"
#include "kiosk/ui/startup_trace.hpp"

namespace ws::kiosk::ui {
namespace {

void report_glfw_error(int code, const char* description) {
  std::fprintf(stderr, "kiosk: GLFW error %d: %s\n", code, description);
}

void terminate_glfw() {
  keep_gl_driver_mapped_for_leak_checks();
  glfwTerminate();
}

// A window asked for at `width` x `height` shrunk (same shape) to fit the primary monitor's
// work area; unchanged when it fits or there is no monitor to ask.
void fit_to_monitor(int& width, int& height) {
  GLFWmonitor* monitor = glfwGetPrimaryMonitor();
  if (!monitor) return;
  int x = 0, y = 0, avail_w = 0, avail_h = 0;
  glfwGetMonitorWorkarea(monitor, &x, &y, &avail_w, &avail_h);
  if (avail_w <= 0 || avail_h <= 0) {
    const GLFWvidmode* mode = glfwGetVideoMode(monitor);
    if (!mode) return;
    avail_w = mode->width;
    avail_h = mode->height;
  }
  if (width <= avail_w && height <= avail_h) return;
  const double k = std::min(static_cast<double>(avail_w) / width, static_cast<double>(avail_h) / height);
  width = std::max(320, static_cast<int>(std::floor(width * k)));
  height = std::max(320, static_cast<int>(std::floor(height * k)));
}

Window* owner(GLFWwindow* w) { return static_cast<Window*>(glfwGetWindowUserPointer(w)); }

// ImGui's context, made before the window so that work beside the window may use it.
void create_imgui_context() {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a kiosk keeps no window layout between runs
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  // A steady caret: a blinking one would need a frame every half second while a field has focus.
  io.ConfigInputTextCursorBlink = false;
  // The atlas is as tall as its glyphs need, not rounded up to a power of two (up to twice
  // the texture memory for nothing; every driver we run on takes any height).
  io.Fonts->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
}

// The context is made through EGL when the system has it, else through GLX. Both reach the
// same driver and draw the same pixels; GLX's way through libglvnd costs a start ~22,000
// getpid system calls and ~35 ms more CPU before the first frame (docs/performance.md).
// A missing libEGL, or a driver without EGL on X11, is not an error: the window is made the
// other way, and one line on stderr says why.
GLFWwindow* create_gl_window(int width, int height, const std::string& title, GLFWmonitor* monitor) {
  glfwWindowHint(GLFW_CONTEXT_CREATION_API, GLFW_EGL_CONTEXT_API);
  glfwSetErrorCallback(nullptr);
  GLFWwindow* w = glfwCreateWindow(width, height, title.c_str(), monitor, nullptr);
  glfwSetErrorCallback(report_glfw_error);
  if (w) return w;
  const char* why = nullptr;
  glfwGetError(&why);
  std::fprintf(stderr, "kiosk: no EGL context (%s); the window uses GLX\n", why ? why : "no reason given");
  glfwWindowHint(GLFW_CONTEXT_CREATION_API, GLFW_NATIVE_CONTEXT_API);
  return glfwCreateWindow(width, height, title.c_str(), monitor, nullptr);
}

void trace_input(FrameTrace* trace, const char* kind, int button = -1) {
  if (trace) trace->input(kind, button);
}

}  // namespace

Result<std::unique_ptr<Window>> Window::open(const WindowConfig& config, const BesideWindow& beside,
                                             StartupTrace* trace) {
  StartupTrace::Mark began = StartupTrace::mark();
  GlDriverWarmup warmup(trace);
  glfwSetErrorCallback(report_glfw_error);
  if (!glfwInit()) return fail("no_display", "cannot open a window (is DISPLAY set?)");
  if (trace) trace->phase("glfw-init", began);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  // ImGui draws with neither: without them the driver keeps no depth/stencil buffer the size
  // of the screen.
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  GLFWmonitor* monitor = nullptr;
  int width = config.width, height = config.height;
  if (config.fullscreen) {
    monitor = glfwGetPrimaryMonitor();
    if (const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr) {
      width = mode->width;
      height = mode->height;
    }
  } else if (config.fit_monitor) {
    fit_to_monitor(width, height);
  }
  create_imgui_context();
  std::thread helper;
  if (beside) {
    helper = std::thread([&beside, trace, width, height] {
      const StartupTrace::Mark t = StartupTrace::mark();
      beside(width, height);
      if (trace) trace->phase("beside-window", t, true);
    });
  }
  began = StartupTrace::mark();
  GLFWwindow* w = create_gl_window(width, height, config.title, monitor);
  warmup.finish();
  if (w) {
    glfwMakeContextCurrent(w);
    glfwSwapInterval(config.vsync ? 1 : 0);
  }
  if (trace) trace->phase("window-and-gl-context", began);
  if (helper.joinable()) helper.join();
  if (!w) {
    ImGui::DestroyContext();
    terminate_glfw();
    return fail("no_window", "cannot create an OpenGL 3 window");
  }
  ImGui_ImplGlfw_InitForOpenGL(w, true);
  ImGui_ImplOpenGL3_Init("#version 130");
  std::unique_ptr<Window> window(new Window(w));
  window->install_input_callbacks();
  return window;
}

// The backend's own callbacks stay for keys, text, wheel and focus (each also marks the frame
// as having input); pointer position and buttons go through the queue instead.
void Window::install_input_callbacks() {
  glfwSetWindowUserPointer(window_, this);
  glfwSetCursorPosCallback(window_, [](GLFWwindow* w, double x, double y) {
    trace_input(owner(w)->trace_, "move");
    owner(w)->input_.push_move(static_cast<float>(x), static_cast<float>(y));
  });
  glfwSetMouseButtonCallback(window_, [](GLFWwindow* w, int button, int action, int) {
    if (action != GLFW_PRESS && action != GLFW_RELEASE) return;
    trace_input(owner(w)->trace_, action == GLFW_PRESS ? "press" : "release", button);
    owner(w)->input_.push_button(button, action == GLFW_PRESS);
  });
  glfwSetCursorEnterCallback(window_, [](GLFWwindow* w, int entered) {
    ImGui_ImplGlfw_CursorEnterCallback(w, entered);
    if (!entered) owner(w)->input_.push_leave();
  });
  glfwSetScrollCallback(window_, [](GLFWwindow* w, double dx, double dy) {
    trace_input(owner(w)->trace_, "scroll");
    ImGui_ImplGlfw_ScrollCallback(w, dx, dy);
    owner(w)->other_input_ = true;
  });
  glfwSetKeyCallback(window_, [](GLFWwindow* w, int key, int scancode, int action, int mods) {
    trace_input(owner(w)->trace_, "key");
    ImGui_ImplGlfw_KeyCallback(w, key, scancode, action, mods);
    owner(w)->other_input_ = true;
  });
  glfwSetCharCallback(window_, [](GLFWwindow* w, unsigned int c) {
    trace_input(owner(w)->trace_, "char");
    ImGui_ImplGlfw_CharCallback(w, c);
    owner(w)->other_input_ = true;
  });
}

Window::~Window() {
  font_texture_.release();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  terminate_glfw();
}

bool Window::should_close() const { return glfwWindowShouldClose(window_); }
void Window::wait_events(double timeout_s) { glfwWaitEventsTimeout(timeout_s); }
void Window::poll_events() { glfwPollEvents(); }

void Window::wait(std::optional<std::int64_t> ms) {
  if (!ms) glfwWaitEvents();
  else if (*ms <= 0) glfwPollEvents();
  else glfwWaitEventsTimeout(static_cast<double>(*ms) / 1000.0);
}

void Window::wake() { glfwPostEmptyEvent(); }

bool Window::take_input_fed() { return std::exchange(input_fed_, false); }

// After the backend's NewFrame (which samples the live button state and cursor): what ImGui
// sees instead is the queue's next step, so a press and its release land in separate frames.
void Window::feed_pointer() {
  ImGuiIO& io = ImGui::GetIO();
  const InputQueue::Frame f = input_.next_frame();
  io.MousePos = (f.has_pos && !ignore_pointer_) ? ImVec2(f.x, f.y) : ImVec2(-FLT_MAX, -FLT_MAX);
  for (std::size_t i = 0; i < InputQueue::kButtons; ++i) io.MouseDown[i] = f.down[i];
  input_fed_ = f.fed || std::exchange(other_input_, false);
}

void Window::new_frame(Theme& theme) {
  if (!backend_objects_) {
    FontTexture::create_backend_objects();
    backend_objects_ = true;
  }
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  if (fb_h > 0 && fb_w > 0 && (fb_h != font_height_ || fb_w != font_width_)) {
    // Fonts are rasterised at their final pixel size (sharper than FontGlobalScale). They may
    // already be baked at this scale (beside the window, see open()).
    const float scale = Theme::scale_for_size(fb_w, fb_h);
    const bool rebuild = scale != theme.scale() || theme.fonts().body == nullptr;
    if (rebuild) theme.apply(scale);
    if (rebuild || !fonts_uploaded_) {
      font_texture_.upload();
      fonts_uploaded_ = true;
    }
    font_width_ = fb_w;
    font_height_ = fb_h;
  }
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  feed_pointer();
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
void Window::finish() { glFinish(); }

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
