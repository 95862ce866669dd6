#include "sync-server/cli/args.hpp"

namespace ws::server::cli {

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Args::all(const std::string& name) const {
  auto it = repeated.find(name);
  return it == repeated.end() ? std::vector<std::string>{} : it->second;
}

std::string render_command_help(const std::string& name, const CommandSpec& spec) {
  return "usage: sync-server " + name + " " + spec.usage + "\n\n" + spec.summary + "\n";
}

std::string render_help(const std::map<std::string, CommandSpec>& commands) {
  std::string text = "usage: sync-server <command> [options]   (sync-server <command> --help for one command)\n\n";
  for (const auto& [name, spec] : commands) {
    text += "  " + name + ": " + spec.summary + "\n      " + name + " " + spec.usage + "\n";
  }
  text += "\nEvery command also takes --config FILE (default " + std::string(kDefaultConfigPath) +
          " when it exists):\n"
          "`key = value` lines naming any option above; the command line wins. --print-config shows the\n"
          "options in force and where each came from, then exits.\n";
  text += "Admin commands print JSON on stdout; errors are {\"error\":{\"code\",\"message\"}} with exit code 1.\n";
  return text;
}

bool asks_for_help(const std::vector<std::string>& argv) {
  for (std::size_t i = 1; i < argv.size(); ++i) {
    if (argv[i] == "--help" || argv[i] == "-h") return true;
  }
  return false;
}

std::set<std::string> config_keys(const std::map<std::string, CommandSpec>& commands) {
  std::set<std::string> keys;
  for (const auto& [name, spec] : commands) {
    keys.insert(spec.required.begin(), spec.required.end());
    keys.insert(spec.optional.begin(), spec.optional.end());
    keys.insert(spec.flags.begin(), spec.flags.end());
  }
  return keys;
}

namespace {

// Fills what the command line left out from the configuration file.
Status apply_config(Args& args, const CommandSpec& spec, const config::File& config) {
  for (const auto& entry : config.entries) {
    const std::string source = config.path + ":" + std::to_string(entry.line);
    if (spec.flags.count(entry.key)) {
      if (args.sources.count(entry.key)) continue;
      auto on = config::parse_switch(entry, config.path);
      if (!on) return fail(on.error());
      if (*on) args.flags.insert(entry.key);
      args.sources[entry.key] = source;
    } else if (spec.required.count(entry.key) || spec.optional.count(entry.key)) {
      if (spec.repeatable.count(entry.key) && args.sources[entry.key] != "command line") {
        args.repeated[entry.key].push_back(entry.value);
      }
      if (args.options.count(entry.key)) continue;
      args.options[entry.key] = entry.value;
      args.sources[entry.key] = source;
    }
  }
  return ok();
}

}  // namespace

Result<Args> parse_args(const std::vector<std::string>& argv, const std::map<std::string, CommandSpec>& commands,
                        const config::File* config) {
  if (argv.empty()) return fail("usage", "no command given");
  Args args;
  args.command = argv[0];
  auto spec_it = commands.find(args.command);
  if (spec_it == commands.end()) return fail("usage", "unknown command '" + args.command + "'");
  const CommandSpec& spec = spec_it->second;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--print-config") {
      args.print_config = true;
      continue;
    }
    if (a.size() < 3 || a.compare(0, 2, "--") != 0) return fail("usage", "unexpected argument '" + a + "'");
    std::string name = a.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (spec.flags.count(name)) {
      if (inline_value) return fail("usage", "--" + name + " takes no value");
      args.flags.insert(name);
      args.sources[name] = "command line";
      continue;
    }
    if (!spec.required.count(name) && !spec.optional.count(name)) {
      return fail("usage", "unknown option --" + name + " for '" + args.command + "'");
    }
    if (args.options.count(name) && !spec.repeatable.count(name)) return fail("usage", "--" + name + " given twice");
    if (!inline_value && i + 1 >= argv.size()) return fail("usage", "--" + name + " needs a value");
    const std::string value = inline_value ? *inline_value : argv[++i];
    if (spec.repeatable.count(name)) args.repeated[name].push_back(value);
    args.options.emplace(name, value);
    args.sources[name] = "command line";
  }
  if (config) {
    if (auto s = apply_config(args, spec, *config); !s) return fail(s.error());
  }
  for (const auto& r : spec.required) {
    if (!args.options.count(r)) return fail("usage", "'" + args.command + "' needs --" + r);
  }
  return args;
}

std::string render_config(const Args& args) {
  std::string out = "# in force for 'sync-server " + args.command + "'\n";
  for (const auto& [key, value] : args.options) {
    out += key + " = " + value + "    # " + args.sources.at(key) + "\n";
  }
  for (const auto& flag : args.flags) out += flag + " = true    # " + args.sources.at(flag) + "\n";
  return out;
}

}  // namespace ws::server::cli
