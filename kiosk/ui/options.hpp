#pragma once
// Command-line options of the kiosk window (see app.hpp for the synopsis).
#include <optional>
#include <string>
#include <vector>

#include "ws/result.hpp"

namespace ws::kiosk::ui {

struct AppOptions {
  std::string data_dir;         // normal run: the store folder
  std::string assets_dir;       // forms/ and content/; defaults to the source tree's assets
  bool fullscreen = false;
  std::string screenshot_path;  // screenshot mode when set
  std::string screen;           // e.g. "login", "form:intake", "sync-offline"
  std::string lang = "en";
  bool check_layout = false;    // screenshot mode: report overlapping or clipped widgets
  std::string trace_frames;     // the window notes input events and presented frames here
  int width = 1920;
  int height = 1080;
};

// Refuses unknown flags and bad values with a message that names them.
Result<AppOptions> parse_options(const std::vector<std::string>& args);
std::string usage();

}  // namespace ws::kiosk::ui
