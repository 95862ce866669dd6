#include "ws/config_file.hpp"

#include <fstream>
#include <sstream>

namespace ws::config {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::string where(const std::string& path, int line) { return path + ":" + std::to_string(line) + ": "; }

}  // namespace

const Entry* File::find(const std::string& key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

Result<File> parse(const std::string& text, const std::string& path, const std::set<std::string>& known_keys) {
  File file{path, {}};
  std::istringstream lines(text);
  int number = 0;
  for (std::string raw; std::getline(lines, raw);) {
    ++number;
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) {
      return fail("config", where(path, number) + "expected 'key = value', found '" + line + "'");
    }
    std::string key = trim(line.substr(0, eq));
    if (key.rfind("--", 0) == 0) key = key.substr(2);  // a pasted command-line flag reads as meant
    if (key.empty()) return fail("config", where(path, number) + "a line with no key before '='");
    if (!known_keys.count(key)) return fail("config", where(path, number) + "unknown key '" + key + "'");
    if (file.find(key)) return fail("config", where(path, number) + "'" + key + "' is set twice");
    file.entries.push_back(Entry{key, trim(line.substr(eq + 1)), number});
  }
  return file;
}

Result<std::optional<File>> load(const std::string& path, bool optional, const std::set<std::string>& known_keys) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (optional) return std::optional<File>{};
    return fail("config", "cannot read the configuration file " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = parse(text.str(), path, known_keys);
  if (!parsed) return fail(parsed.error());
  return std::optional<File>{std::move(*parsed)};
}

Result<std::optional<std::string>> take_config_path(std::vector<std::string>& args, std::size_t first) {
  for (std::size_t i = first; i < args.size(); ++i) {
    const auto at = args.begin() + static_cast<std::ptrdiff_t>(i);
    if (args[i] == "--config") {
      if (i + 1 >= args.size()) return fail("usage", "--config needs a value");
      std::string path = args[i + 1];
      args.erase(at, at + 2);
      return std::optional<std::string>{path};
    }
    if (args[i].rfind("--config=", 0) == 0) {
      std::string path = args[i].substr(9);
      args.erase(at);
      return std::optional<std::string>{path};
    }
  }
  return std::optional<std::string>{};
}

Result<bool> parse_switch(const Entry& entry, const std::string& path) {
  for (const char* yes : {"true", "yes", "on", "1"}) {
    if (entry.value == yes) return true;
  }
  for (const char* no : {"false", "no", "off", "0"}) {
    if (entry.value == no) return false;
  }
  return fail("config", where(path, entry.line) + "'" + entry.key + "' must be true or false, not '" + entry.value + "'");
}

}  // namespace ws::config
