#include "kiosk/ui/options.hpp"

#include <charconv>

namespace ws::kiosk::ui {
namespace {

std::optional<int> parse_dimension(const std::string& text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 320 || value > 8192) return std::nullopt;
  return value;
}

}  // namespace

std::string usage() {
  return "usage: kiosk --data-dir DIR [--assets DIR] [--fullscreen] [--trace-frames FILE]\n"
         "       kiosk --screenshot OUT.png --screen NAME [--lang CODE] [--width W --height H] [--assets DIR] [--check-layout]\n"
         "       kiosk --screenshot DIR|- --screen all|migrant [--check-layout] [--lang CODE] [--width W --height H]\n"
         "       kiosk --help     (every command with its options)\n";
}

Result<AppOptions> parse_options(const std::vector<std::string>& args) {
  AppOptions o;
#ifdef WS_SOURCE_ASSETS_DIR
  o.assets_dir = WS_SOURCE_ASSETS_DIR;
#endif
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* flag) -> Result<std::string> {
      if (i + 1 >= args.size()) return fail("usage", std::string(flag) + " needs a value");
      return args[++i];
    };
    if (a == "--fullscreen") {
      o.fullscreen = true;
      continue;
    }
    if (a == "--check-layout") {
      o.check_layout = true;
      continue;
    }
    std::string* target = nullptr;
    int* dimension = nullptr;
    if (a == "--data-dir") target = &o.data_dir;
    else if (a == "--assets") target = &o.assets_dir;
    else if (a == "--screenshot") target = &o.screenshot_path;
    else if (a == "--screen") target = &o.screen;
    else if (a == "--lang") target = &o.lang;
    else if (a == "--trace-frames") target = &o.trace_frames;
    else if (a == "--width") dimension = &o.width;
    else if (a == "--height") dimension = &o.height;
    else return fail("usage", "unknown option '" + a + "'");
    auto v = value(a.c_str());
    if (!v) return fail(v.error());
    if (target) {
      *target = *v;
    } else {
      auto d = parse_dimension(*v);
      if (!d) return fail("usage", a + " must be a whole number of pixels between 320 and 8192");
      *dimension = *d;
    }
  }
  if (!o.screenshot_path.empty() && o.screen.empty()) return fail("usage", "--screenshot needs --screen NAME");
  if (o.screenshot_path.empty() && !o.screen.empty()) return fail("usage", "--screen is only used with --screenshot");
  if (!o.trace_frames.empty() && !o.screenshot_path.empty())
    return fail("usage", "--trace-frames traces the window; it is not used with --screenshot");
  if (o.check_layout && o.screenshot_path.empty()) return fail("usage", "--check-layout is only used with --screenshot");
  const bool group = o.screen == "all" || o.screen == "migrant";
  if (group && o.screenshot_path == "-" && !o.check_layout)
    return fail("usage", "--screenshot - --screen " + o.screen + " writes nothing: add --check-layout or name a folder");
  if (o.lang.empty() || o.lang.size() > 3 || o.lang.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos)
    return fail("usage", "--lang takes a language code such as en, nb, prs, ps, ar, ti, so, uk");
  return o;
}

}  // namespace ws::kiosk::ui
