#pragma once
// The configuration files of both programs (/etc/waystation/sync-server.conf, kiosk.conf): one
// `key = value` per line, `#` starts a comment line, keys are the long option names without
// "--". Every key a command line takes can be set here; the command line wins. One format and one
// parser, so the two programs cannot drift apart.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ws/result.hpp"

namespace ws::config {

struct Entry {
  std::string key;
  std::string value;
  int line = 0;
};

struct File {
  std::string path;
  std::vector<Entry> entries;

  const Entry* find(const std::string& key) const;
};

// Refuses, naming the file and line: a line without '=', an empty key or one that is not in
// `known_keys`, and a key given twice.
Result<File> parse(const std::string& text, const std::string& path, const std::set<std::string>& known_keys);

// Reads and parses `path`. A missing file is an error unless `optional` (the default location).
Result<std::optional<File>> load(const std::string& path, bool optional, const std::set<std::string>& known_keys);

// Takes `--config FILE` or `--config=FILE` out of args (searching from index `first`); nullopt
// when absent.
Result<std::optional<std::string>> take_config_path(std::vector<std::string>& args, std::size_t first = 0);

// "true"/"yes"/"on"/"1" and "false"/"no"/"off"/"0", for keys that are flags on the command line.
Result<bool> parse_switch(const Entry& entry, const std::string& path);

}  // namespace ws::config
