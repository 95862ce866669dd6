#pragma once
// A small, strict option parser for the headless commands: `--name value` pairs and bare flags,
// every option known in advance, so a typo is an error rather than silently ignored.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ws/result.hpp"

namespace ws::kiosk::cli {

struct ParsedArgs {
  std::string command;
  std::map<std::string, std::string> values;  // "--server" -> "http://..."
  std::set<std::string> flags;                // "--json"

  std::optional<std::string> value(const std::string& name) const;
  bool flag(const std::string& name) const { return flags.count(name) > 0; }
};

// Options every command accepts, before or after the command word.
inline const std::set<std::string> kGlobalValueOptions = {"--data-dir", "--assets"};

// The command words `kiosk` runs headless.
const std::set<std::string>& command_words();

struct CommandSpec {
  std::set<std::string> value_options;
  std::set<std::string> flag_options;
};

// Splits `args` into command, options and flags; refuses unknown options and missing values.
Result<ParsedArgs> parse_args(const std::vector<std::string>& args);
Status check_options(const ParsedArgs& parsed, const CommandSpec& spec);

// An integer option within [min, max], or `fallback` when absent.
Result<long long> int_option(const ParsedArgs& parsed, const std::string& name, long long fallback, long long min,
                             long long max);

}  // namespace ws::kiosk::cli
