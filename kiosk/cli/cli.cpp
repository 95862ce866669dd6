// Dispatch for the headless commands, and helpers they share.
#include "kiosk/cli/cli.hpp"

#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "kiosk/cli/commands.hpp"
#include "kiosk/cli/form_check.hpp"
#include "ws/envelope.hpp"

namespace ws::kiosk {

bool is_cli_command(const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") return true;  // one help text for the commands and the window
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (cli::is_global_value_option(a)) {
      ++i;  // skip its value
      continue;
    }
    if (a.rfind("--data-dir=", 0) == 0 || a.rfind("--assets=", 0) == 0) continue;
    // kiosk.conf may put --fullscreen in front of a command word: the word still decides.
    if (cli::is_global_flag(a)) continue;
    // The first other token decides: a command word means headless; an option (e.g.
    // --screenshot, --fullscreen) belongs to the window. Help is printed here for both.
    return cli::command_words().count(a) > 0 || cli::is_help_word(a);
  }
  return false;
}

int run_cli(const std::vector<std::string>& args) { return cli::run(args, std::cout, std::cerr); }

namespace cli {

int report(const Context& ctx, const Error& e, int exit_code) {
  ctx.err << "kiosk: " << e.message << "\n";
  return exit_code;
}

Result<std::string> required(const Context& ctx, const std::string& name) {
  auto v = ctx.args.value(name);
  if (!v || v->empty()) return fail("usage", "'" + ctx.args.command + "' needs " + name);
  return *v;
}

Result<std::unique_ptr<Store>> open_store(const Context& ctx) {
  StoreOptions options;
  options.use_reserve = ctx.args.command == "sync";  // only getting records out spends the reserve
  options.merge_unsent_duplicates = ctx.args.command == "sync";  // the one command that freezes
  auto store = Store::open(ctx.data_dir, options);
  if (!store) return fail(explain_storage_error(store.error(), "cannot open the data folder " + ctx.data_dir));
  return store;
}

Result<nlohmann::json> read_json_file(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("usage", "cannot read " + path);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return fail("usage", path + " is not valid JSON");
  // Answers become a record's payload, which may not be deeper; checking and copying deeper
  // JSON would recurse once per level.
  if (ws::json_depth(j) > ws::EnvelopeLimits{}.max_depth) return fail("usage", path + " is nested too deeply");
  return j;
}

std::string iso8601_utc(std::int64_t unix_ms) {
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

void usage_hint(std::ostream& err) { err << "run 'kiosk --help' for the commands and their options\n"; }

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return run(args, std::cin, out, err);
}

int run(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
  auto parsed = parse_args(args);
  if (!parsed) {
    err << "kiosk: " << parsed.error().message << "\n";
    usage_hint(err);
    return kExitUsage;
  }
  if (parsed->wants_help()) {
    if (const CommandInfo* c = find_command_info(parsed->command)) {
      print_command_help(out, *c);
    } else {
      print_help(out);
    }
    return kExitOk;
  }
  Context ctx{*parsed, "", "", out, err, in};
  auto dir = parsed->value("--data-dir");
  if (!dir || dir->empty()) {
    err << "kiosk: --data-dir DIR is required\n";
    usage_hint(err);
    return kExitUsage;
  }
  ctx.data_dir = *dir;
  ctx.assets_dir = parsed->value("--assets").value_or(default_assets_dir());
  const std::string& c = parsed->command;
  if (c == "enroll") return cmd_enroll(ctx);
  if (c == "add") return cmd_add(ctx);
  if (c == "edit") return cmd_edit(ctx);
  if (c == "sync") return cmd_sync(ctx);
  if (c == "status") return cmd_status(ctx);
  if (c == "list") return cmd_list(ctx);
  if (c == "show") return cmd_show(ctx);
  if (c == "quarantined") return cmd_quarantined(ctx);
  if (c == "retry") return cmd_retry(ctx);
  if (c == "conflicts") return cmd_conflicts(ctx);
  if (c == "counsellor-add") return cmd_counsellor_add(ctx);
  if (c == "backup") return cmd_backup(ctx);
  if (c == "audit") return cmd_audit(ctx);
  usage_hint(err);
  return kExitUsage;
}

}  // namespace cli
}  // namespace ws::kiosk
