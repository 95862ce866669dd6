#include "kiosk/ui/app.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <malloc.h>

#include <imgui.h>

#include "kiosk/core/vm/store_data.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/frame_trace.hpp"
#include "kiosk/ui/options.hpp"
#include "kiosk/ui/redraw_policy.hpp"
#include "kiosk/ui/screenshot.hpp"
#include "kiosk/ui/shell.hpp"
#include "kiosk/ui/startup_trace.hpp"
#include "kiosk/ui/stop_signals.hpp"
#include "kiosk/ui/text/gl_texture_sink.hpp"
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

bool id_like(const std::string& s) {
  return !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_#") == std::string::npos;
}

// KIOSK_DEBUG_FRAMES=1: one line per frame drawn (its number, the button transitions fed so
// far, the screen and its parameter as drawn) and the rectangles of the labelled widgets, so a
// real-window test can tap them and count frames. Never a typed value: migrant screens name
// widgets by lowercase ids ("topic_what", "touch_to_start"); on staff screens, whose visible
// labels may be a person's name, only the "###id" part the code chose is printed.
void print_frame(int frame, std::size_t transitions, const std::string& drawn_screen, const std::string& drawn_param,
                 bool migrant, const ItemLog& log) {
  std::printf("frame %d transitions %zu screen %s param %s\n", frame, transitions, drawn_screen.c_str(),
              id_like(drawn_param) ? drawn_param.c_str() : "-");
  for (const auto& item : log.items) {
    const std::string& name = migrant ? item.label : item.id;
    if (!id_like(name)) continue;
    std::printf("item %s %.0f %.0f %.0f %.0f\n", name.c_str(), item.min.x, item.min.y, item.max.x, item.max.y);
  }
  std::fflush(stdout);
}

// --trace-frames: the frame is timed once the GPU has finished it, then hashed.
void trace_frame(Window& window, FrameTrace& trace, int number) {
  window.finish();
  const std::int64_t shown = FrameTrace::now_us();
  trace.frame(number, shown, draw_data_hash(ImGui::GetDrawData(), text::texture_uploads()), window.button_transitions());
}

// The window loop: a frame only when something changed, else asleep in glfwWaitEvents until
// input, the next deadline, or a wake from the sync engine or a stop signal.
int run_loop(Window& window, Theme& theme, Shell& shell, vm::Workspace& workspace, StartupTrace& trace,
             FrameTrace* frames, const StopSignals& stop) {
  const bool debug_frames = std::getenv("KIOSK_DEBUG_FRAMES") != nullptr;
  RedrawPolicy policy;
  ItemLog log;
  bool trimmed = false;
  while (!window.should_close() && !stop.requested()) {
    const std::optional<std::int64_t> wait = policy.wait_ms(monotonic_ms(), window.input_pending());
    const bool will_sleep = !wait || *wait > 0;
    if (!trimmed && will_sleep) {
      // Start-up is over (first frames drawn and settled): give back to the system what
      // building fonts, parsing forms and opening the store left free in the heap.
      malloc_trim(0);
      trimmed = true;
      trace.next("settled-and-trimmed");
    }
    if (frames && will_sleep) frames->sleep();
    window.wait(wait);
    const bool first = policy.frames_drawn() == 0;
    const std::int64_t now = monotonic_ms();
    const std::string drawn_screen = shell.current(), drawn_param = shell.param();
    window.new_frame(theme);
    if (first) trace.next("first-new-frame");
    const ScreenSpec* spec = shell.registry().find(drawn_screen);
    const bool migrant = spec && spec->audience == Audience::Migrant;
    (void)shell.frame(theme, now, debug_frames ? &log : nullptr);
    if (first) trace.next("first-screen-draw");
    window.draw(theme.colors().background);
    if (first) trace.next("first-render");
    window.present();
    if (first) trace.next("first-present");
    policy.frame_drawn(frame_activity(window, shell));
    if (frames) trace_frame(window, *frames, policy.frames_drawn());
    if (debug_frames) print_frame(policy.frames_drawn(), window.button_transitions(), drawn_screen, drawn_param, migrant, log);
  }
  workspace.session().logout();  // keeps unsaved answers as a draft before the store closes
  return 0;
}

int run_interactive(const AppOptions& options) {
  StartupTrace trace(StartupTrace::wanted());
  if (options.data_dir.empty()) {
    std::fprintf(stderr, "kiosk: --data-dir DIR is required\n%s", usage().c_str());
    return 2;
  }
  // The store, the forms and (when enrolled) the sync engine thread, which wakes the window
  // after every round so badges and the sync panel show its outcome at once. They open on
  // their own thread while the window opens; the first frame waits for both.
  auto waker = std::make_shared<LoopWaker>();
  // Installed before any thread starts work, so a stop signal during start-up is seen too: the
  // loop then ends before its first frame.
  auto stop = StopSignals::install([waker] { waker->wake(); });
  if (!stop) {
    std::fprintf(stderr, "kiosk: %s\n", stop.error().message.c_str());
    return 1;
  }
  auto opening = std::async(std::launch::async, [&options, waker, &trace] {
    const StartupTrace::Mark began = StartupTrace::mark();
    auto data = vm::StoreWorkspaceData::open(options.data_dir, options.assets_dir, [waker] { waker->wake(); });
    trace.phase("store-and-forms", began, true);
    return data;
  });
  // The fonts are baked beside the window's GL context, at the scale its size asks for.
  Theme theme;
  WindowConfig config{options.width, options.height, options.fullscreen, true, "Waystation", true};
  auto window = Window::open(
      config, [&theme](int width, int height) { theme.apply(Theme::scale_for_size(width, height)); }, &trace);
  auto data = opening.get();
  trace.next("waited-for-store");
  if (!data) {
    std::fprintf(stderr, "kiosk: %s\n", data.error().message.c_str());
    return 1;
  }
  vm::Workspace workspace(**data);
  if (!window) {
    std::fprintf(stderr, "kiosk: %s\n", window.error().message.c_str());
    return 1;
  }
  std::unique_ptr<FrameTrace> frames;
  if (!options.trace_frames.empty()) {
    auto opened = FrameTrace::open(options.trace_frames);
    if (!opened) {
      std::fprintf(stderr, "kiosk: %s\n", opened.error().message.c_str());
      return 1;
    }
    frames = std::move(*opened);
    (*window)->set_trace(frames.get());
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
  trace.next("shell");
  const int code = run_loop(**window, theme, shell, workspace, trace, frames.get(), **stop);
  (*window)->set_trace(nullptr);  // the frame trace closes before the window does
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
