#include "kiosk/cli/config.hpp"

#include <algorithm>
#include <iostream>
#include <optional>

#include "ws/config_file.hpp"

namespace ws::kiosk::cli {
namespace {

const std::set<std::string> kValueKeys = {"data-dir", "assets"};
const std::set<std::string> kSwitchKeys = {"fullscreen"};

// The value the command line gives `key` ("true" for a switch), or nullopt.
std::optional<std::string> given(const std::vector<std::string>& args, const std::string& key) {
  const std::string flag = "--" + key;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind(flag + "=", 0) == 0) return args[i].substr(flag.size() + 1);
    if (args[i] != flag) continue;
    if (kSwitchKeys.count(key)) return std::string("true");
    return i + 1 < args.size() ? args[i + 1] : std::string();
  }
  return std::nullopt;
}

}  // namespace

Result<ConfiguredArgs> apply_config(std::vector<std::string> args) {
  auto path = config::take_config_path(args);
  if (!path) return fail(path.error());
  std::set<std::string> keys = kValueKeys;
  keys.insert(kSwitchKeys.begin(), kSwitchKeys.end());
  auto file = config::load(path->value_or(kDefaultConfigPath), !path->has_value(), keys);
  if (!file) return fail(file.error());

  ConfiguredArgs out;
  const auto print = std::find(args.begin(), args.end(), "--print-config");
  out.print_config = print != args.end();
  if (out.print_config) args.erase(print);
  out.printed = "# in force for this kiosk\n";
  for (const std::string& key : keys) {
    if (auto value = given(args, key)) out.printed += key + " = " + *value + "    # command line\n";
  }
  std::vector<std::string> added;
  if (*file) {
    for (const auto& entry : (*file)->entries) {
      if (given(args, entry.key)) continue;
      const std::string source = (*file)->path + ":" + std::to_string(entry.line);
      if (kSwitchKeys.count(entry.key)) {
        auto on = config::parse_switch(entry, (*file)->path);
        if (!on) return fail(on.error());
        if (*on) added.push_back("--" + entry.key);
        out.printed += entry.key + " = " + (*on ? "true" : "false") + "    # " + source + "\n";
      } else {
        added.insert(added.end(), {"--" + entry.key, entry.value});
        out.printed += entry.key + " = " + entry.value + "    # " + source + "\n";
      }
    }
  }
  // Options before the command word are read by both the command line and the window's parser.
  added.insert(added.end(), args.begin(), args.end());
  out.args = std::move(added);
  return out;
}

int run_configured(int argc, char** argv, const std::function<int(const std::vector<std::string>&)>& run) {
  auto configured = apply_config({argv + 1, argv + argc});
  if (!configured) {
    std::cerr << "kiosk: " << configured.error().message << "\n";
    return 2;
  }
  if (configured->print_config) {
    std::cout << configured->printed;
    return 0;
  }
  return run(configured->args);
}

}  // namespace ws::kiosk::cli
