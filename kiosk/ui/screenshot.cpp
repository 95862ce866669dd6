#include "kiosk/ui/screenshot.hpp"

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "kiosk/ui/png_writer.hpp"
#include "kiosk/ui/scenarios.hpp"
#include "kiosk/ui/shell.hpp"
#include "kiosk/ui/window.hpp"
#include "kiosk/ui/xvfb.hpp"

namespace ws::kiosk::ui {
namespace {

// A fixed instant so that countdowns and dates in screenshots do not change between runs.
constexpr std::int64_t kFixtureNowMs = 1'000'000;
// Enough frames for ImGui to settle auto-sized layouts and for the shaped-text cache to fill.
constexpr int kFrames = 6;

void print_known(const std::vector<std::string>& names) {
  std::fprintf(stderr, "known screens:");
  for (const auto& n : names) std::fprintf(stderr, " %s", n.c_str());
  std::fprintf(stderr, "\n");
}

// Taps the scenario's widgets one after the other, each found where the last frame drew it.
Status play_taps(Window& window, Shell& shell, Theme& theme, const std::vector<std::string>& taps,
                 std::int64_t now_ms) {
  ItemLog log;
  auto frame = [&] {
    window.poll_events();
    window.new_frame(theme);
    (void)shell.frame(theme, now_ms, &log);
    window.draw(theme.colors().background);
    window.present();
  };
  for (const auto& id : taps) {
    for (int i = 0; i < 2; ++i) frame();
    const ItemLog::Item* item = log.find(id);
    if (!item) return fail("no_widget", "no widget '" + id + "' to tap on " + shell.current());
    window.queue_tap((item->min.x + item->max.x) / 2, (item->min.y + item->max.y) / 2);
    while (window.input_pending()) frame();
  }
  window.ignore_pointer(true);  // the picture shows no hover where the last tap was
  return ok();
}

}  // namespace

int run_screenshot(const AppOptions& options) {
  auto world = vm::make_fixture_world(options.assets_dir);
  if (!world) {
    std::fprintf(stderr, "kiosk: cannot load fixtures: %s\n", world.error().message.c_str());
    return 1;
  }
  ScreenRegistry registry = make_registry();
  auto target = prepare_scenario(options.screen, registry, **world, kFixtureNowMs);
  if (!target) {
    std::fprintf(stderr, "kiosk: %s\n", target.error().message.c_str());
    if (target.error().code == "unknown_screen") {
      print_known(scenario_names(registry, **world));
      return 2;
    }
    return 1;
  }

  // Our own X server when there is none; the VirtualDisplay kills it on every return path.
  std::optional<VirtualDisplay> display;
  const char* env_display = std::getenv("DISPLAY");
  if (!env_display || !*env_display) {
    auto started = VirtualDisplay::start(options.width, options.height);
    if (!started) {
      std::fprintf(stderr, "kiosk: %s\n", started.error().message.c_str());
      return 1;
    }
    display.emplace(std::move(*started));
  }

  int status = 1;
  {
    auto window = Window::open({options.width, options.height, false, false, "Waystation screenshot"});
    if (!window) {
      std::fprintf(stderr, "kiosk: %s\n", window.error().message.c_str());
      return 1;
    }
    (*window)->ignore_pointer(true);
    AppView view;
    const ScenarioScript script = scenario_script(options.screen);
    view.lang = script.lang.empty() ? options.lang : script.lang;
    view.assets_dir = options.assets_dir;
    view.screenshot = true;
    Shell shell(std::move(registry), (*world)->workspace.get(), view);
    if (auto s = shell.navigate(target->screen, target->param); !s) {
      std::fprintf(stderr, "kiosk: %s\n", s.error().message.c_str());
      return 1;
    }
    Theme theme;
    if (!script.taps.empty()) (*window)->ignore_pointer(false);
    if (auto tapped = play_taps(**window, shell, theme, script.taps, target->now_ms); !tapped) {
      std::fprintf(stderr, "kiosk: %s\n", tapped.error().message.c_str());
      return 1;
    }
    std::vector<std::uint8_t> pixels;
    int width = 0, height = 0;
    for (int i = 0; i < kFrames; ++i) {
      (*window)->poll_events();
      (*window)->new_frame(theme);
      (void)shell.frame(theme, target->now_ms);
      (*window)->draw(theme.colors().background);
      if (i == kFrames - 1) pixels = (*window)->read_pixels(width, height);
      (*window)->present();
    }
    if (shell.current() != target->screen) {
      std::fprintf(stderr, "kiosk: screen '%s' left for '%s' while rendering\n", target->screen.c_str(),
                   shell.current().c_str());
      return 1;
    }
    if (auto written = write_png(options.screenshot_path, width, height, pixels); !written) {
      std::fprintf(stderr, "kiosk: %s\n", written.error().message.c_str());
    } else {
      std::printf("%s: %dx%d %s\n", options.screenshot_path.c_str(), width, height, options.screen.c_str());
      status = 0;
    }
  }  // the window closes before the X server goes away
  return status;
}

}  // namespace ws::kiosk::ui
