#pragma once
// Command-line parsing for `sync-server <command> [--option value]... [--flag]...`.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ws/config_file.hpp"
#include "ws/result.hpp"

namespace ws::server::cli {

struct Args {
  std::string command;
  std::map<std::string, std::string> options;  // without the leading "--" (the first, if repeated)
  std::map<std::string, std::vector<std::string>> repeated;  // every value of a repeatable option
  std::set<std::string> flags;
  // Where each option and flag in force came from: "command line" or "FILE:LINE".
  std::map<std::string, std::string> sources;
  bool print_config = false;  // --print-config: show what is in force instead of running

  std::optional<std::string> get(const std::string& name) const;
  // Every value given for a repeatable option, in order (none: empty).
  std::vector<std::string> all(const std::string& name) const;
  bool has(const std::string& flag) const { return flags.count(flag) > 0; }
};

// One entry of the command table: it drives parsing, `--help` and dispatch alike.
struct CommandSpec {
  std::set<std::string> required;
  std::set<std::string> optional;
  std::set<std::string> repeatable;  // options that may be given more than once
  std::set<std::string> flags;
  std::string summary;  // one line
  std::string usage;    // the flags, as shown after the command's name
  int (*run)(const Args&) = nullptr;
};

// `sync-server --help`: every command with its summary and flags.
std::string render_help(const std::map<std::string, CommandSpec>& commands);
// `sync-server COMMAND --help`.
std::string render_command_help(const std::string& name, const CommandSpec& spec);
bool asks_for_help(const std::vector<std::string>& argv);

inline constexpr const char* kDefaultConfigPath = "/etc/waystation/sync-server.conf";

// Every key a configuration file may set: the options and flags of every command.
std::set<std::string> config_keys(const std::map<std::string, CommandSpec>& commands);

// Refuses unknown options, options without a value, repeated options and missing required ones.
// Options and flags the command takes and the command line leaves out come from `config`.
Result<Args> parse_args(const std::vector<std::string>& argv, const std::map<std::string, CommandSpec>& commands,
                        const config::File* config = nullptr);

// `--print-config`: one `key = value` line per option in force, with where it came from.
std::string render_config(const Args& args);

}  // namespace ws::server::cli
