#pragma once
// The one table of headless commands and their options, and the strict parser built on it:
// `--name value` pairs and bare flags, every option known in advance, so a typo is an error
// rather than silently ignored, and `--help` prints the same table the parser checks against.
#include <iosfwd>
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
  // `kiosk --help`, `kiosk -h`, `kiosk help` (no command) or `kiosk COMMAND --help`.
  bool wants_help() const { return flag("--help"); }
};

struct OptionInfo {
  std::string name;         // "--kind"
  std::string placeholder;  // "KIND"; empty for a bare flag
  std::string help;         // one line
  bool required = false;
};

struct CommandInfo {
  std::string name;     // "list"
  std::string summary;  // one line
  std::vector<OptionInfo> options;
};

// Every headless command, in the order `kiosk --help` lists them.
const std::vector<CommandInfo>& command_table();
const CommandInfo* find_command_info(const std::string& name);
// Options every command accepts, before or after the command word.
const std::vector<OptionInfo>& global_options();
bool is_global_value_option(const std::string& name);
// A global option without a value (`--fullscreen`, `--print-config`).
bool is_global_flag(const std::string& name);

// The command words `kiosk` runs headless.
const std::set<std::string>& command_words();
// The words that ask for help: "help", "--help", "-h".
bool is_help_word(const std::string& word);

// Splits `args` into command, options and flags; refuses unknown options and missing values.
Result<ParsedArgs> parse_args(const std::vector<std::string>& args);
// Refuses options the command's table row does not name, and flags given a value.
Status check_options(const ParsedArgs& parsed);

// The whole help text, or one command's.
void print_help(std::ostream& out);
void print_command_help(std::ostream& out, const CommandInfo& command);

// An integer option within [min, max], or `fallback` when absent.
Result<long long> int_option(const ParsedArgs& parsed, const std::string& name, long long fallback, long long min,
                             long long max);

}  // namespace ws::kiosk::cli
