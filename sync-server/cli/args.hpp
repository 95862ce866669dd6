#pragma once
// Command-line parsing for `sync-server <command> [--option value]... [--flag]...`.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ws/result.hpp"

namespace ws::server::cli {

struct Args {
  std::string command;
  std::map<std::string, std::string> options;  // without the leading "--"
  std::set<std::string> flags;

  std::optional<std::string> get(const std::string& name) const;
  bool has(const std::string& flag) const { return flags.count(flag) > 0; }
};

// One entry of the command table: it drives parsing, `--help` and dispatch alike.
struct CommandSpec {
  std::set<std::string> required;
  std::set<std::string> optional;
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

// Refuses unknown options, options without a value, repeated options and missing required ones.
Result<Args> parse_args(const std::vector<std::string>& argv, const std::map<std::string, CommandSpec>& commands);

}  // namespace ws::server::cli
