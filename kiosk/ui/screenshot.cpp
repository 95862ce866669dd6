#include "kiosk/ui/screenshot.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <optional>

#include <imgui.h>
#include <imgui_internal.h>

#include "kiosk/ui/layout_check.hpp"
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

struct Rendered {
  std::vector<std::uint8_t> pixels;
  int width = 0, height = 0;
  ItemLog log;  // the widgets of the last frame
};

// Draws one scenario on a fresh fixture world. Exit-code style errors: 1 render, 2 unknown.
// `theme` lives as long as the window: the window applies its scale only when the size changes.
Result<Rendered> render(Window& window, Theme& theme, const AppOptions& options, const std::string& scenario,
                        bool read_pixels) {
  auto world = vm::make_fixture_world(options.assets_dir);
  if (!world) return fail("render", "cannot load fixtures: " + world.error().message);
  ScreenRegistry registry = make_registry();
  auto target = prepare_scenario(scenario, registry, **world, kFixtureNowMs);
  if (!target) {
    if (target.error().code == "unknown_screen") print_known(scenario_names(registry, **world));
    return fail(target.error());
  }
  AppView view;
  const ScenarioScript script = scenario_script(scenario);
  view.lang = script.lang.empty() ? options.lang : script.lang;
  view.assets_dir = options.assets_dir;
  view.screenshot = true;
  Shell shell(std::move(registry), (*world)->workspace.get(), view);
  if (auto s = shell.navigate(target->screen, target->param); !s) return fail(s.error());
  // The ImGui context outlives each scenario (one window for `--screen all`): a field the last
  // scenario left focused must not keep the keyboard's focus in this one.
  ImGui::ClearActiveID();
  if (!script.taps.empty()) {
    window.ignore_pointer(false);
    if (auto tapped = play_taps(window, shell, theme, script.taps, target->now_ms); !tapped) return fail(tapped.error());
  }
  Rendered out;
  for (int i = 0; i < kFrames; ++i) {
    const bool last = i == kFrames - 1;
    out.log.items.clear();
    window.poll_events();
    window.new_frame(theme);
    (void)shell.frame(theme, target->now_ms, &out.log);
    window.draw(theme.colors().background);
    if (last && read_pixels) out.pixels = window.read_pixels(out.width, out.height);
    window.present();
  }
  if (shell.current() != target->screen)
    return fail("render", "screen '" + target->screen + "' left for '" + shell.current() + "' while rendering");
  return out;
}

// Prints every layout problem of `scenario`; true when there was none.
bool report_layout(const AppOptions& options, const std::string& scenario, const ItemLog& log) {
  const auto problems = check_layout(log, static_cast<float>(options.width));
  for (const auto& p : problems)
    std::fprintf(stderr, "layout: %s at %dx%d (%s): %s: %s\n", scenario.c_str(), options.width, options.height,
                 options.lang.c_str(), p.what.c_str(), p.detail.c_str());
  return problems.empty();
}

// The scenarios of a group: "all", or "migrant" (the visitor's screens, for the other
// languages; scenarios that type in a language of their own are left out).
std::vector<std::string> group_scenarios(const std::string& group, const vm::FixtureWorld& world) {
  const ScreenRegistry registry = make_registry();
  std::vector<std::string> names;
  for (const auto& name : scenario_names(registry, world)) {
    const ScreenSpec* spec = registry.find(name.substr(0, name.find(':')));
    const bool migrant = spec && spec->audience == Audience::Migrant && scenario_script(name).lang.empty();
    if (group == "all" || migrant) names.push_back(name);
  }
  return names;
}

// docs/screenshots/<scenario, ':' as '-'>[-<lang>]-<W>x<H>.png: English is the default.
std::string picture_name(const AppOptions& options, const std::string& scenario) {
  std::string name = scenario;
  std::replace(name.begin(), name.end(), ':', '-');
  if (options.lang != "en") name += "-" + options.lang;
  return name + "-" + std::to_string(options.width) + "x" + std::to_string(options.height) + ".png";
}

// Every scenario of a group at this size in one process: into a folder as PNGs unless the
// path is "-", and through the layout check when asked.
int render_group(Window& window, Theme& theme, const AppOptions& options) {
  auto world = vm::make_fixture_world(options.assets_dir);
  if (!world) return 1;
  const bool write = options.screenshot_path != "-";
  if (write) {
    std::error_code ec;
    std::filesystem::create_directories(options.screenshot_path, ec);
  }
  int problems = 0, screens = 0;
  for (const auto& name : group_scenarios(options.screen, **world)) {
    auto rendered = render(window, theme, options, name, write);
    if (!rendered) {
      std::fprintf(stderr, "kiosk: %s: %s\n", name.c_str(), rendered.error().message.c_str());
      return 1;
    }
    ++screens;
    if (options.check_layout && !report_layout(options, name, rendered->log)) ++problems;
    if (!write) continue;
    const std::string path = (std::filesystem::path(options.screenshot_path) / picture_name(options, name)).string();
    if (auto written = write_png(path, rendered->width, rendered->height, rendered->pixels); !written) {
      std::fprintf(stderr, "kiosk: %s\n", written.error().message.c_str());
      return 1;
    }
    std::printf("%s: %dx%d %s\n", path.c_str(), rendered->width, rendered->height, name.c_str());
  }
  if (options.check_layout)
    std::printf("layout: %d screens at %dx%d, %d with problems\n", screens, options.width, options.height, problems);
  return problems == 0 ? 0 : 3;
}

int run_in_window(Window& window, const AppOptions& options) {
  Theme theme;
  if (options.screen == "all" || options.screen == "migrant") return render_group(window, theme, options);
  auto rendered = render(window, theme, options, options.screen, true);
  if (!rendered) {
    std::fprintf(stderr, "kiosk: %s\n", rendered.error().message.c_str());
    return rendered.error().code == "unknown_screen" ? 2 : 1;
  }
  const bool layout_ok = !options.check_layout || report_layout(options, options.screen, rendered->log);
  if (auto written = write_png(options.screenshot_path, rendered->width, rendered->height, rendered->pixels); !written) {
    std::fprintf(stderr, "kiosk: %s\n", written.error().message.c_str());
    return 1;
  }
  std::printf("%s: %dx%d %s\n", options.screenshot_path.c_str(), rendered->width, rendered->height, options.screen.c_str());
  return layout_ok ? 0 : 3;
}

}  // namespace

int run_screenshot(const AppOptions& options) {
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
  auto window = Window::open({options.width, options.height, false, false, "Waystation screenshot"});
  if (!window) {
    std::fprintf(stderr, "kiosk: %s\n", window.error().message.c_str());
    return 1;
  }
  (*window)->ignore_pointer(true);
  return run_in_window(**window, options);  // the window closes before the X server goes away
}

}  // namespace ws::kiosk::ui
