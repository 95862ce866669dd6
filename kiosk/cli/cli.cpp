// Dispatch for the headless commands, and helpers they share.
#include "kiosk/cli/cli.hpp"

#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "kiosk/cli/commands.hpp"
#include "kiosk/cli/form_check.hpp"

namespace ws::kiosk {

bool is_cli_command(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (cli::kGlobalValueOptions.count(a)) {
      ++i;  // skip its value
      continue;
    }
    if (a.rfind("--data-dir=", 0) == 0 || a.rfind("--assets=", 0) == 0) continue;
    // The first other token decides: a command word means headless; an option (e.g.
    // --screenshot, --fullscreen) belongs to the window.
    return cli::command_words().count(a) > 0;
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
  auto store = Store::open(ctx.data_dir);
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

const char* kUsage =
    "usage: kiosk --data-dir DIR <command> [options]\n"
    "  enroll --server URL --code CODE [--name NAME]\n"
    "  add --kind KIND --json FILE          (prints the new id; FILE '-' reads stdin)\n"
    "  edit --id ID --json FILE             (partial update; null clears a field)\n"
    "  sync [--timeout-ms N] [--batch-records N] [--batch-bytes N] [--json]\n"
    "  status [--json]\n"
    "  list --kind KIND [--search TEXT] [--case ID] [--limit N] [--offset N] [--json]\n"
    "  show --id ID [--json]\n"
    "  quarantined [--json]\n"
    "  retry --id ID | --all [--json]       (send refused records again, unchanged, at the next sync)\n"
    "  conflicts [--json]                   (local edits a pull replaced before the server saw them)\n"
    "  counsellor-add --name NAME [--role counsellor|admin]   (PIN on stdin, at least 4 characters)\n"
    "global: --assets DIR (forms and content; default: the source tree's assets)\n";

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return run(args, std::cin, out, err);
}

int run(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
  auto parsed = parse_args(args);
  if (!parsed) {
    err << "kiosk: " << parsed.error().message << "\n" << kUsage;
    return kExitUsage;
  }
  Context ctx{*parsed, "", "", out, err, in};
  auto dir = parsed->value("--data-dir");
  if (!dir || dir->empty()) {
    err << "kiosk: --data-dir DIR is required\n" << kUsage;
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
  err << kUsage;
  return kExitUsage;
}

}  // namespace cli
}  // namespace ws::kiosk
