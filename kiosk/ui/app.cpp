#include "kiosk/ui/app.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

#include <imgui.h>

#include "kiosk/core/vm/store_data.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/options.hpp"
#include "kiosk/ui/redraw_policy.hpp"
#include "kiosk/ui/screenshot.hpp"
#include "kiosk/ui/shell.hpp"
#include "kiosk/ui/window.hpp"

namespace ws::kiosk::ui {
namespace {

std::int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Lets the sync engine's thread wake the window loop, and only while the window exists.
class LoopWaker {
 public:
  void wake() {
    std::lock_guard lock(mutex_);
    if (open_) Window::wake();
  }
  void set_open(bool open) {
    std::lock_guard lock(mutex_);
    open_ = open;
  }

 private:
  std::mutex mutex_;
  bool open_ = false;
};

// What the frame just drawn did, for the redraw rule.
FrameActivity frame_activity(Window& window, const Shell& shell) {
  const ImGuiIO& io = ImGui::GetIO();
  bool held = false;
  for (bool down : io.MouseDown) held = held || down;
  // A focused text field is "active" for as long as it has focus; it changes only on input.
  const bool dragging = ImGui::IsAnyItemActive() && !io.WantTextInput;
  FrameActivity a;
  a.input = window.take_input_fed();
  a.ui_busy = held || dragging;
  a.changed = shell.changed();
  a.deadline_ms = shell.next_deadline_ms();
  return a;
}

// The window loop: a frame only when something changed, else asleep in glfwWaitEvents until
// input, the next deadline, or a wake from the sync engine. KIOSK_DEBUG_FRAMES=1 prints one
// line per frame (frame number, button transitions fed) for the real-window tests.
int run_loop(Window& window, Shell& shell, vm::Workspace& workspace) {
  const bool debug_frames = std::getenv("KIOSK_DEBUG_FRAMES") != nullptr;
  Theme theme;
  RedrawPolicy policy;
  while (!window.should_close()) {
    window.wait(policy.wait_ms(monotonic_ms(), window.input_pending()));
    const std::int64_t now = monotonic_ms();
    window.new_frame(theme);
    (void)shell.frame(theme, now);
    window.draw(theme.colors().background);
    window.present();
    policy.frame_drawn(frame_activity(window, shell));
    if (debug_frames) {
      std::printf("frame %d transitions %zu screen %s\n", policy.frames_drawn(), window.button_transitions(),
                  shell.current().c_str());
      std::fflush(stdout);
    }
  }
  workspace.session().logout();  // keeps unsaved answers as a draft before the store closes
  return 0;
}

int run_interactive(const AppOptions& options) {
  if (options.data_dir.empty()) {
    std::fprintf(stderr, "kiosk: --data-dir DIR is required\n%s", usage().c_str());
    return 2;
  }
  // The store, the forms and (when enrolled) the sync engine thread, which wakes the window
  // after every round so badges and the sync panel show its outcome at once.
  auto waker = std::make_shared<LoopWaker>();
  auto data = vm::StoreWorkspaceData::open(options.data_dir, options.assets_dir, [waker] { waker->wake(); });
  if (!data) {
    std::fprintf(stderr, "kiosk: %s\n", data.error().message.c_str());
    return 1;
  }
  vm::Workspace workspace(**data);

  WindowConfig config{options.width, options.height, options.fullscreen, true, "Waystation", true};
  auto window = Window::open(config);
  if (!window) {
    std::fprintf(stderr, "kiosk: %s\n", window.error().message.c_str());
    return 1;
  }
  waker->set_open(true);
  AppView view;
  view.assets_dir = options.assets_dir;
  view.data_dir = options.data_dir;  // published content bundles are installed under it
  view.lang = options.lang;
  ScreenRegistry registry = make_registry();
  // Migrants see the attract screen first; staff reach the login through its staff button.
  const std::string start = registry.find("attract") ? "attract" : "login";
  Shell shell(std::move(registry), &workspace, view);
  if (auto s = shell.navigate(start); !s) {
    waker->set_open(false);
    std::fprintf(stderr, "kiosk: %s\n", s.error().message.c_str());
    return 1;
  }
  const int code = run_loop(**window, shell, workspace);
  waker->set_open(false);  // before the window (and GLFW) go away
  return code;
}

}  // namespace

int run_app(const std::vector<std::string>& args) {
  auto options = parse_options(args);
  if (!options) {
    std::fprintf(stderr, "kiosk: %s\n%s", options.error().message.c_str(), usage().c_str());
    return 2;
  }
  if (!options->screenshot_path.empty()) return run_screenshot(*options);
  return run_interactive(*options);
}

}  // namespace ws::kiosk::ui
