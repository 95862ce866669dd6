#include "kiosk/cli/args.hpp"

#include <charconv>

namespace ws::kiosk::cli {

const std::set<std::string>& command_words() {
  static const std::set<std::string> words = {"enroll", "add", "edit", "sync", "status", "list", "show", "quarantined",
                                              "conflicts", "counsellor-add", "retry"};
  return words;
}

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

namespace {

// The command word: the first token that is neither a global option nor its value.
std::string find_command(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (kGlobalValueOptions.count(args[i])) {
      ++i;
      continue;
    }
    if (args[i].rfind("--", 0) != 0) return args[i];
  }
  return {};
}

}  // namespace

Result<ParsedArgs> parse_args(const std::vector<std::string>& args) {
  ParsedArgs out;
  // `--json` is a flag (print JSON) except for add/edit, where it names the input file.
  const std::string command = find_command(args);
  const bool json_takes_file = command == "add" || command == "edit";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) == 0) {
      std::string name = a, value;
      bool inline_value = false;
      if (auto eq = a.find('='); eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
      }
      // Whether an option takes a value is decided by the command's spec later; here an
      // option followed by a non-option token takes it, unless it is a known flag.
      const bool is_flag = name == "--force" || name == "--help" || name == "--all" || (name == "--json" && !json_takes_file);
      if (inline_value) {
        out.values[name] = value;
      } else if (is_flag) {
        out.flags.insert(name);
      } else if (i + 1 < args.size()) {
        out.values[name] = args[++i];
      } else {
        return fail("usage", "option " + name + " needs a value");
      }
    } else if (out.command.empty()) {
      out.command = a;
    } else {
      return fail("usage", "unexpected argument '" + a + "'");
    }
  }
  if (out.command.empty()) return fail("usage", "no command given");
  if (!command_words().count(out.command)) return fail("usage", "unknown command '" + out.command + "'");
  return out;
}

Status check_options(const ParsedArgs& parsed, const CommandSpec& spec) {
  for (const auto& [name, _] : parsed.values) {
    if (kGlobalValueOptions.count(name) || spec.value_options.count(name)) continue;
    if (spec.flag_options.count(name)) return fail("usage", "option " + name + " takes no value");
    return fail("usage", "unknown option " + name + " for '" + parsed.command + "'");
  }
  for (const auto& name : parsed.flags) {
    if (!spec.flag_options.count(name)) return fail("usage", "unknown option " + name + " for '" + parsed.command + "'");
  }
  return ok();
}

Result<long long> int_option(const ParsedArgs& parsed, const std::string& name, long long fallback, long long min,
                             long long max) {
  auto v = parsed.value(name);
  if (!v) return fallback;
  long long n = 0;
  const auto* end = v->data() + v->size();
  if (v->empty() || std::from_chars(v->data(), end, n).ptr != end || n < min || n > max) {
    return fail("usage", "option " + name + " must be a whole number from " + std::to_string(min) + " to " +
                             std::to_string(max));
  }
  return n;
}

}  // namespace ws::kiosk::cli
