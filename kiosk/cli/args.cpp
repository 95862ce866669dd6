#include "kiosk/cli/args.hpp"

#include <charconv>
#include <ostream>

namespace ws::kiosk::cli {

const std::vector<CommandInfo>& command_table() {
  static const std::vector<CommandInfo> table = {
      {"enroll", "enrols this kiosk with a single-use code from the server",
       {{"--server", "URL", "the sync server", true},
        {"--code", "CODE", "the enrolment code", true},
        {"--name", "NAME", "this kiosk's name on the server (default: the host name)", false},
        {"--timeout-ms", "N", "network timeout (default 15000)", false},
        {"--force", "", "enrol again (same centre only)", false},
        {"--pin", "sha256:HEX", "accept only the server certificate with this SHA-256 fingerprint (also CODE@sha256:HEX)", false},
        {"--insecure", "", "allow plain http:// to a host other than this machine (stored)", false}}},
      {"add", "validates and saves a record like the UI does; prints its id",
       {{"--kind", "KIND", "the record's kind (a form id)", true},
        {"--json", "FILE", "the record's answers ('-' reads stdin)", true},
        {"--case", "ID", "the case it belongs to", false},
        {"--counsellor", "NAME", "save signed in: this counsellor's PIN (on stdin) opens the kiosk's data", false}}},
      {"edit", "partial update of a record (null clears a field)",
       {{"--id", "ID", "the record", true}, {"--json", "FILE", "the changed answers ('-' reads stdin)", true},
        {"--counsellor", "NAME", "open the encrypted record with this counsellor's PIN (on stdin)", false}}},
      {"sync", "one push + pull; exit 0 only when everything was sent",
       {{"--timeout-ms", "N", "network timeout (default 30000)", false},
        {"--batch-records", "N", "records per push (default 500)", false},
        {"--batch-bytes", "N", "raw bytes per push (default 4 MiB)", false},
        {"--json", "", "print the outcome as JSON", false}}},
      {"status", "device, centre, online, pending, quarantined, conflicts, last success/error",
       {{"--timeout-ms", "N", "how long to wait for the server (default 3000)", false},
        {"--json", "", "print JSON", false}}},
      {"list", "the records of a kind, newest first",
       {{"--kind", "KIND", "the records' kind", true},
        {"--search", "TEXT", "only records whose text holds TEXT", false},
        {"--case", "ID", "only records of this case", false},
        {"--limit", "N", "at most N records (default 100)", false},
        {"--offset", "N", "skip the first N", false},
        {"--json", "", "print JSON", false},
        {"--counsellor", "NAME", "open encrypted records with this counsellor's PIN (on stdin)", false}}},
      {"show", "one record",
       {{"--id", "ID", "the record", true}, {"--json", "", "print JSON", false},
        {"--counsellor", "NAME", "open encrypted records with this counsellor's PIN (on stdin)", false}}},
      {"quarantined", "the records the server refused, with its reasons", {{"--json", "", "print JSON", false}}},
      {"retry", "sends refused records again, unchanged, at the next sync",
       {{"--id", "ID", "the refused record", false},
        {"--all", "", "every refused record", false},
        {"--json", "", "print JSON", false}}},
      {"conflicts", "local edits a pull replaced before the server saw them, with the lost values",
       {{"--json", "", "print JSON", false},
        {"--counsellor", "NAME", "open the sealed values with this counsellor's PIN (on stdin)", false}}},
      {"backup", "a copy of this data folder for a technician, taken while the kiosk runs (checked, mode 0700)",
       {{"--to", "DIR", "the new folder for the copy (must not exist)", true}}},
      {"counsellor-add", "first setup: a counsellor account made on the kiosk (PIN on stdin: at least 6 digits, or a passphrase of 8+ characters)",
       {{"--name", "NAME", "the counsellor's name", true},
        {"--role", "ROLE", "counsellor (default) or admin", false}}},
      {"audit", "the audit log (sign-ins, lockouts, opened cases, exports, enrolment); 'audit verify' checks it",
       {{"verify", "", "check the hash chain instead; exit 1 naming the first bad entry", false},
        {"--since", "WHEN", "entries since 90m, 24h, 7d ago or a UTC date 2026-12-01[T08:00:00Z]", false},
        {"--anchor", "SEQ:HASH", "with verify: the chain must still hold this entry (the head the server keeps)", false},
        {"--json", "", "print JSON", false}}},
  };
  return table;
}

const std::vector<OptionInfo>& global_options() {
  static const std::vector<OptionInfo> options = {
      {"--data-dir", "DIR", "the kiosk's data folder (required by every command)", true},
      {"--assets", "DIR", "forms and content (default: the source tree's assets)", false},
      {"--config", "FILE",
       "data-dir, assets and fullscreen as `key = value` lines (default /etc/waystation/kiosk.conf when it exists)",
       false},
      {"--print-config", "", "show the installation options in force and where each came from, then exit", false},
      {"--fullscreen", "", "the window fills the screen (commands ignore it, so kiosk.conf can set it)", false},
  };
  return options;
}

const CommandInfo* find_command_info(const std::string& name) {
  for (const auto& c : command_table())
    if (c.name == name) return &c;
  return nullptr;
}

bool is_global_value_option(const std::string& name) {
  for (const auto& o : global_options())
    if (o.name == name) return !o.placeholder.empty();
  return false;
}

bool is_global_flag(const std::string& name) {
  for (const auto& o : global_options())
    if (o.name == name) return o.placeholder.empty();
  return false;
}

const std::set<std::string>& command_words() {
  static const std::set<std::string> words = [] {
    std::set<std::string> w;
    for (const auto& c : command_table()) w.insert(c.name);
    return w;
  }();
  return words;
}

bool is_help_word(const std::string& word) { return word == "help" || word == "--help" || word == "-h"; }

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

namespace {

// The command word: the first token that is neither a global option nor its value.
std::string find_command(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (is_global_value_option(args[i])) {
      ++i;
      continue;
    }
    if (args[i].rfind("-", 0) != 0) return args[i];
  }
  return {};
}

// Whether `name` is a bare flag: the command's table row decides (`--json` is a flag for
// `list` but names the input file for `add`).
bool is_flag(const CommandInfo* command, const std::string& name) {
  if (is_global_flag(name)) return true;
  if (!command) return false;
  for (const auto& o : command->options)
    if (o.name == name) return o.placeholder.empty();
  return false;
}

std::string synopsis(const CommandInfo& c) {
  std::string line = "kiosk --data-dir DIR " + c.name;
  for (const auto& o : c.options) {
    std::string part = o.name + (o.placeholder.empty() ? "" : " " + o.placeholder);
    line += o.required ? " " + part : " [" + part + "]";
  }
  return line;
}

void print_option(std::ostream& out, const OptionInfo& o) {
  std::string left = o.name + (o.placeholder.empty() ? "" : " " + o.placeholder);
  if (left.size() < 20) left.resize(20, ' ');
  out << "    " << left << "  " << o.help << "\n";
}

}  // namespace

Result<ParsedArgs> parse_args(const std::vector<std::string>& args) {
  ParsedArgs out;
  std::string word = find_command(args);
  if (word == "help") word.clear();
  const CommandInfo* command = find_command_info(word);
  for (const auto& a : args) {
    // Asking for help never fails: the command's help when one is named, else everything.
    if (a == "-h" || a == "--help" || (a == "help" && word.empty())) {
      out.command = command ? command->name : "";
      out.flags.insert("--help");
      return out;
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) == 0) {
      std::string name = a;
      if (auto eq = a.find('='); eq != std::string::npos) {
        out.values[a.substr(0, eq)] = a.substr(eq + 1);
      } else if (is_flag(command, name)) {
        out.flags.insert(name);
      } else if (i + 1 < args.size()) {
        out.values[name] = args[++i];
      } else {
        return fail("usage", "option " + name + " needs a value");
      }
    } else if (out.command.empty()) {
      out.command = a;
    } else if (out.command == "audit" && a == "verify") {
      out.flags.insert(a);  // `kiosk audit verify`: the one sub-command word
    } else {
      return fail("usage", "unexpected argument '" + a + "'");
    }
  }
  if (out.command.empty()) return fail("usage", "no command given");
  if (!command) return fail("usage", "unknown command '" + out.command + "'");
  return out;
}

Status check_options(const ParsedArgs& parsed) {
  const CommandInfo* command = find_command_info(parsed.command);
  if (!command) return fail("usage", "unknown command '" + parsed.command + "'");
  auto known = [&](const std::string& name) -> const OptionInfo* {
    for (const auto& o : command->options)
      if (o.name == name) return &o;
    return nullptr;
  };
  for (const auto& [name, _] : parsed.values) {
    if (is_global_value_option(name)) continue;
    const OptionInfo* o = known(name);
    if (!o) return fail("usage", "unknown option " + name + " for '" + parsed.command + "'");
    if (o->placeholder.empty()) return fail("usage", "option " + name + " takes no value");
  }
  for (const auto& name : parsed.flags) {
    if (name == "--help" || is_global_flag(name)) continue;
    if (!known(name)) return fail("usage", "unknown option " + name + " for '" + parsed.command + "'");
  }
  return ok();
}

void print_command_help(std::ostream& out, const CommandInfo& c) {
  out << "usage: " << synopsis(c) << "\n  " << c.summary << "\n";
  for (const auto& o : c.options) print_option(out, o);
}

void print_help(std::ostream& out) {
  out << "usage: kiosk --data-dir DIR COMMAND [options]     (headless commands)\n"
         "       kiosk --data-dir DIR [--assets DIR] [--fullscreen]     (the kiosk window)\n"
         "       kiosk --data-dir DIR --trace-frames FILE     (the window, noting each input event and presented\n"
         "                                                     frame with its time: docs/performance.md)\n"
         "       kiosk --screenshot OUT.png --screen NAME [--lang CODE] [--width W --height H]\n"
         "       kiosk --screenshot DIR --screen all|migrant [--check-layout] [--lang CODE] [--width W --height H]\n"
         "       kiosk COMMAND --help     (one command's options)\n\n"
         "commands:\n";
  for (const auto& c : command_table()) {
    std::string name = c.name;
    if (name.size() < 16) name.resize(16, ' ');
    out << "  " << name << "  " << c.summary << "\n";
    for (const auto& o : c.options) print_option(out, o);
  }
  out << "\nglobal options:\n";
  for (const auto& o : global_options()) print_option(out, o);
  out << "\nexit codes: 0 ok, 1 error, 2 usage mistake, 3 sync finished but records were quarantined\n";
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
