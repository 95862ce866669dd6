#include "sync-server/cli/commands.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sync-server/cli/args.hpp"
#include "sync-server/core/conflicts.hpp"
#include "sync-server/core/database.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/export.hpp"
#include "sync-server/core/form_validation.hpp"
#include "sync-server/core/publish.hpp"
#include "sync-server/core/users.hpp"
#include "sync-server/http/server.hpp"
#include "ws/content/bundle_files.hpp"
#include "ws/protocol.hpp"

namespace ws::server::cli {
namespace {

using nlohmann::json;

constexpr const char* kUsage = R"(usage: sync-server <command> [options]

  serve --db FILE --listen HOST:PORT [--tls-cert F --tls-key F] [--insecure]
        [--forms DIR] [--workers N] [--rate-limit PER_SECOND] [--rate-burst N] [--quiet]
  enroll-code --db FILE --centre CODE [--ttl 24h]
  devices --db FILE
  revoke --db FILE --device ID
  user-add --db FILE --name N --role viewer|manager|admin        (password on stdin)
  export --db FILE --format csv|json [--kind K]
  conflicts --db FILE [--centre C] [--case ID]      (values that lost a concurrent edit)
  publish --db FILE --kind form|content --file F.json [--centre CODE]
        (content: a bundle folder, or its bundle.json; the files it names are embedded)
  counsellor-add --db FILE --centre CODE --name N [--role counsellor|admin]   (PIN on stdin)
  counsellor-disable --db FILE --id ID

Admin commands print JSON on stdout; errors are {"error":{"code","message"}} with exit code 1.
)";

const std::map<std::string, CommandSpec>& command_specs() {
  static const std::map<std::string, CommandSpec> specs = {
      {"serve",
       {{"db", "listen"},
        {"tls-cert", "tls-key", "forms", "workers", "rate-limit", "rate-burst"},
        {"insecure", "quiet"}}},
      {"enroll-code", {{"db", "centre"}, {"ttl"}, {}}},
      {"devices", {{"db"}, {}, {}}},
      {"revoke", {{"db", "device"}, {}, {}}},
      {"user-add", {{"db", "name", "role"}, {}, {}}},
      {"export", {{"db", "format"}, {"kind"}, {}}},
      {"conflicts", {{"db"}, {"centre", "case"}, {}}},
      {"publish", {{"db", "kind", "file"}, {"centre"}, {}}},
      {"counsellor-add", {{"db", "centre", "name"}, {"role"}, {}}},
      {"counsellor-disable", {{"db", "id"}, {}, {}}},
  };
  return specs;
}

int print_error(const Error& e) {
  std::cout << protocol::error_body(e.code, e.message).dump() << std::endl;
  return 1;
}

int print(const json& j) {
  std::cout << j.dump() << std::endl;
  return 0;
}

// Reads one line from stdin; when stdin is a terminal, asks on stderr without echoing.
Result<std::string> read_secret(const char* prompt) {
  const bool tty = isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    std::fprintf(stderr, "%s: ", prompt);
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fprintf(stderr, "\n");
  }
  if (!got && line.empty()) return fail("invalid_request", "no secret on stdin");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<std::shared_ptr<Database>> open_db(const Args& args) { return Database::open(*args.get("db")); }

Result<double> parse_number(const std::string& text, const char* option) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && v >= 0) return v;
  } catch (const std::exception&) {
  }
  return fail("usage", std::string("--") + option + " must be a non-negative number");
}

int serve(const Args& args) {
  ServeOptions o;
  o.db_path = *args.get("db");
  auto listen = parse_listen_address(*args.get("listen"));
  if (!listen) return print_error(listen.error());
  o.listen = *listen;
  o.tls_cert = args.get("tls-cert").value_or("");
  o.tls_key = args.get("tls-key").value_or("");
  o.insecure = args.has("insecure");
  o.forms_dir = args.get("forms").value_or("");
  o.api.log_requests = !args.has("quiet");
  if (auto w = args.get("workers")) {
    auto n = parse_number(*w, "workers");
    if (!n) return print_error(n.error());
    o.workers = static_cast<int>(*n);
  }
  if (auto r = args.get("rate-limit")) {
    auto n = parse_number(*r, "rate-limit");
    if (!n) return print_error(n.error());
    o.api.device_rate_per_second = *n;
  }
  if (auto b = args.get("rate-burst")) {
    auto n = parse_number(*b, "rate-burst");
    if (!n) return print_error(n.error());
    o.api.device_burst = *n;
  }
  if (auto s = check_serve_options(o); !s) {
    print_error(s.error());
    return 2;
  }
  return run_server(o, std::cout);
}

int enroll_code(const Args& args) {
  std::int64_t ttl = kDefaultCodeTtlMs;
  if (auto t = args.get("ttl")) {
    auto parsed = parse_duration_ms(*t);
    if (!parsed) return print_error(Error{"usage", "--ttl must look like 3600, 90m, 24h or 7d"});
    ttl = *parsed;
  }
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto code = DeviceRegistry(**db).create_code(*args.get("centre"), ttl);
  if (!code) return print_error(code.error());
  return print({{"code", code->code}, {"centre", code->centre}, {"expires_at", iso8601_utc(code->expires_at_ms)}});
}

int devices(const Args& args) {
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto list = DeviceRegistry(**db).list();
  if (!list) return print_error(list.error());
  return print({{"devices", *list}});
}

int revoke(const Args& args) {
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  if (auto s = DeviceRegistry(**db).revoke(*args.get("device")); !s) return print_error(s.error());
  return print({{"device_id", *args.get("device")}, {"revoked", true}});
}

int user_add(const Args& args) {
  auto password = read_secret("password");
  if (!password) return print_error(password.error());
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto user = add_user(**db, *args.get("name"), *args.get("role"), *password);
  if (!user) return print_error(user.error());
  return print({{"user_id", user->id}, {"name", user->name}, {"role", user->role}});
}

int export_cmd(const Args& args) {
  const std::string format = *args.get("format");
  if (format != "csv" && format != "json") return print_error(Error{"usage", "--format must be csv or json"});
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto s = export_records(**db, format == "csv" ? ExportFormat::Csv : ExportFormat::Json, args.get("kind"),
                          [](const std::string& chunk) { std::cout << chunk; });
  std::cout.flush();
  if (!s) {
    std::cerr << "export failed: " << s.error().message << "\n";
    return 1;
  }
  return 0;
}

int conflicts_cmd(const Args& args) {
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto list = list_conflicts(**db, ConflictFilter{args.get("centre"), args.get("case")});
  if (!list) return print_error(list.error());
  return print({{"conflicts", *list}});
}

// HQ edits a content bundle as a folder (bundle.json beside its images and audio); kiosks
// receive it as one record with every file embedded, so they get all of it or none.
Result<json> read_definition(const std::string& kind, const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (kind == "content") {
    const fs::path path(file);
    if (fs::is_directory(path, ec)) return content::pack_bundle_directory(path.string());
    if (path.filename() == "bundle.json") return content::pack_bundle_directory(path.parent_path().string());
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail("not_found", "cannot read the file given with --file");
  std::stringstream text;
  text << in.rdbuf();
  auto definition = json::parse(text.str(), nullptr, false);
  if (definition.is_discarded()) return fail("invalid_json", "the file is not valid JSON");
  return definition;
}

int publish_cmd(const Args& args) {
  auto read = read_definition(*args.get("kind"), *args.get("file"));
  if (!read) return print_error(read.error());
  const json& definition = *read;
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto published =
      publish(**db, *args.get("kind"), definition, args.get("centre").value_or(""), publish_definition_check());
  if (!published) return print_error(published.error());
  return print({{"record_id", published->record_id},
                {"kind", published->kind},
                {"id", published->item_id},
                {"version", published->version},
                {"centre", published->centre},
                {"changed", published->changed},
                {"seq", published->seq}});
}

int counsellor_add(const Args& args) {
  auto secret = read_secret("PIN or passphrase");
  if (!secret) return print_error(secret.error());
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto account =
      add_counsellor(**db, *args.get("centre"), *args.get("name"), args.get("role").value_or("counsellor"), *secret);
  if (!account) return print_error(account.error());
  return print({{"id", account->id}, {"centre", account->centre}, {"role", account->role}, {"active", true}});
}

int counsellor_disable(const Args& args) {
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto account = disable_counsellor(**db, *args.get("id"));
  if (!account) return print_error(account.error());
  return print({{"id", account->id}, {"centre", account->centre}, {"active", false}});
}

}  // namespace

int run(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "help" || argv[0] == "--help" || argv[0] == "-h") {
    std::cout << kUsage;
    return argv.empty() ? 2 : 0;
  }
  auto args = parse_args(argv, command_specs());
  if (!args) {
    std::cout << protocol::error_body(args.error().code, args.error().message).dump() << std::endl;
    std::cerr << kUsage;
    return 2;
  }
  static const std::map<std::string, int (*)(const Args&)> commands = {
      {"serve", serve},
      {"enroll-code", enroll_code},
      {"devices", devices},
      {"revoke", revoke},
      {"user-add", user_add},
      {"export", export_cmd},
      {"conflicts", conflicts_cmd},
      {"publish", publish_cmd},
      {"counsellor-add", counsellor_add},
      {"counsellor-disable", counsellor_disable},
  };
  return commands.at(args->command)(*args);
}

}  // namespace ws::server::cli
