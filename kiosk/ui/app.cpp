#include "kiosk/ui/app.hpp"

#include <chrono>
#include <cstdio>
#include <memory>

#include "kiosk/core/vm/store_data.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/options.hpp"
#include "kiosk/ui/screenshot.hpp"
#include "kiosk/ui/shell.hpp"
#include "kiosk/ui/window.hpp"

namespace ws::kiosk::ui {
namespace {

std::int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int run_interactive(const AppOptions& options) {
  if (options.data_dir.empty()) {
    std::fprintf(stderr, "kiosk: --data-dir DIR is required\n%s", usage().c_str());
    return 2;
  }
  // The store, the forms and (when enrolled) the sync engine thread.
  auto data = vm::StoreWorkspaceData::open(options.data_dir, options.assets_dir);
  if (!data) {
    std::fprintf(stderr, "kiosk: %s\n", data.error().message.c_str());
    return 1;
  }
  vm::Workspace workspace(**data);

  auto window = Window::open({options.width, options.height, options.fullscreen, true, "Waystation"});
  if (!window) {
    std::fprintf(stderr, "kiosk: %s\n", window.error().message.c_str());
    return 1;
  }
  AppView view;
  view.assets_dir = options.assets_dir;
  view.data_dir = options.data_dir;  // published content bundles are installed under it
  view.lang = options.lang;
  ScreenRegistry registry = make_registry();
  // Migrants see the attract screen first; staff reach the login through its staff button.
  const std::string start = registry.find("attract") ? "attract" : "login";
  Shell shell(std::move(registry), &workspace, view);
  if (auto s = shell.navigate(start); !s) {
    std::fprintf(stderr, "kiosk: %s\n", s.error().message.c_str());
    return 1;
  }

  Theme theme;
  std::int64_t last_sync_refresh = 0;
  while (!(*window)->should_close()) {
    // Sleep until input arrives; wake a few times a second only while something can change on
    // its own (a PIN check, the idle countdown, a sync round).
    if (const double wait = shell.wake_after_s(); wait > 0.0) (*window)->wait_events(wait);
    else (*window)->poll_events();
    const std::int64_t now = monotonic_ms();
    if (now - last_sync_refresh >= 1000) {
      workspace.refresh_sync();
      last_sync_refresh = now;
    }
    (*window)->new_frame(theme);
    (void)shell.frame(theme, now);
    (*window)->draw(theme.colors().background);
    (*window)->present();
  }
  workspace.session().logout();  // keeps unsaved answers as a draft before the store closes
  return 0;
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
