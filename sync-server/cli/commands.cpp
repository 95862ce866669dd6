#include "sync-server/cli/commands.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sync-server/cli/args.hpp"
#include "sync-server/cli/audit_commands.hpp"
#include "sync-server/cli/commands_erasure.hpp"
#include "sync-server/core/audit.hpp"
#include "sync-server/core/backup.hpp"
#include "sync-server/core/conflicts.hpp"
#include "sync-server/core/database.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/export.hpp"
#include "sync-server/core/form_validation.hpp"
#include "sync-server/core/publish.hpp"
#include "sync-server/core/refused.hpp"
#include "sync-server/core/users.hpp"
#include "sync-server/http/certificate.hpp"
#include "sync-server/http/server.hpp"
#include "ws/content/bundle_files.hpp"
#include "ws/protocol.hpp"

namespace ws::server::cli {
namespace {

using nlohmann::json;

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

// Prints `out` once the action is in the audit log: an action that leaves no trace must not
// look like a success.
int audited(Database& db, const std::string& action, const std::string& object_id, const json& details,
            const json& out) {
  if (auto s = record_audit(db, audit::Event{cli_actor(), action, object_id, details}); !s) return print_error(s.error());
  return print(out);
}

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
  for (const auto& [flag, apply] : std::initializer_list<std::pair<const char*, std::function<void(double)>>>{
           {"header-timeout", [&](double v) { o.front_door.header_timeout_ms = static_cast<int>(v * 1000); }},
           {"read-timeout", [&](double v) { o.read_timeout_s = static_cast<int>(v); }},
           {"max-header-bytes", [&](double v) { o.front_door.max_header_bytes = static_cast<std::size_t>(v); }},
           {"max-connections", [&](double v) { o.front_door.max_connections = static_cast<int>(v); }},
           {"max-connections-per-address", [&](double v) { o.front_door.max_per_address = static_cast<int>(v); }},
           {"hq-session-idle", [&](double v) { o.hq_session_idle_minutes = static_cast<int>(v); }},
           {"hq-stale-hours", [&](double v) { o.hq_stale_hours = static_cast<int>(v); }},
       }) {
    if (auto text = args.get(flag)) {
      auto n = parse_number(*text, flag);
      if (!n) return print_error(n.error());
      apply(*n);
    }
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
  // The fingerprint rides in the code, so a kiosk pins the right certificate from its first
  // connection on (read before the code is made: a wrong file must not spend a code).
  std::string pin;
  if (auto cert = args.get("tls-cert")) {
    auto fingerprint = certificate_fingerprint(*cert);
    if (!fingerprint) return print_error(fingerprint.error());
    pin = *fingerprint;
  }
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto code = DeviceRegistry(**db).create_code(*args.get("centre"), ttl);
  if (!code) return print_error(code.error());
  json out = {{"code", pin.empty() ? code->code : code->code + "@" + pin},
              {"centre", code->centre},
              {"expires_at", iso8601_utc(code->expires_at_ms)}};
  if (!pin.empty()) out["fingerprint"] = pin;
  // The code itself is a secret until used: the entry names only the centre and expiry.
  return audited(**db, "enrolment.code_created", code->centre, {{"expires_at_ms", code->expires_at_ms}}, out);
}

int make_cert(const Args& args) {
  SelfSignedOptions o{.cert_path = *args.get("cert"), .key_path = *args.get("key"), .names = {}, .days = 3650};
  for (std::string names = args.get("name").value_or("localhost,127.0.0.1,::1"); !names.empty();) {
    const auto comma = names.find(',');
    if (auto name = names.substr(0, comma); !name.empty()) o.names.push_back(name);
    names = comma == std::string::npos ? "" : names.substr(comma + 1);
  }
  if (auto d = args.get("days")) {
    auto n = parse_number(*d, "days");
    if (!n) return print_error(n.error());
    o.days = static_cast<int>(*n);
  }
  if (auto s = make_self_signed_certificate(o); !s) return print_error(s.error());
  auto fingerprint = certificate_fingerprint(o.cert_path);
  if (!fingerprint) return print_error(fingerprint.error());
  return print({{"cert", o.cert_path}, {"key", o.key_path}, {"names", o.names}, {"fingerprint", *fingerprint}});
}

int fingerprint_cmd(const Args& args) {
  auto fingerprint = certificate_fingerprint(*args.get("cert"));
  if (!fingerprint) return print_error(fingerprint.error());
  return print({{"fingerprint", *fingerprint}});
}

int devices(const Args& args) {
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto list = DeviceRegistry(**db).list();
  if (!list) return print_error(list.error());
  return print({{"devices", *list}});
}

int refused_cmd(const Args& args) {
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto list = list_refused(**db, RefusedQuery{args.get("centre"), args.has("all")});
  if (!list) return print_error(list.error());
  // The refused payloads leave the database here: that is an export too.
  if (auto s = record_audit(**db, audit::Event{cli_actor(), "refused.listed", args.get("centre").value_or(""),
                                               {{"records", list->size()}}});
      !s)
    return print_error(s.error());
  json out = json::array();
  for (const auto& r : *list) out.push_back(to_json(r));
  return print({{"refused", out}});
}

int revoke(const Args& args) {
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  if (auto s = DeviceRegistry(**db).revoke(*args.get("device")); !s) return print_error(s.error());
  return audited(**db, "device.revoked", *args.get("device"), json::object(),
                 {{"device_id", *args.get("device")}, {"revoked", true}});
}

int user_add(const Args& args) {
  auto password = read_secret("password");
  if (!password) return print_error(password.error());
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto user = add_user(**db, *args.get("name"), *args.get("role"), *password, args.all("centre"));
  if (!user) return print_error(user.error());
  return audited(**db, "user.added", user->id, {{"role", user->role}, {"centres", user->centres}},
                 {{"user_id", user->id}, {"name", user->name}, {"role", user->role}, {"centres", user->centres}});
}

int export_cmd(const Args& args) {
  const std::string format = *args.get("format");
  if (format != "csv" && format != "json") return print_error(Error{"usage", "--format must be csv or json"});
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  // Logged before the first byte leaves: an export that cannot be logged does not start.
  if (auto s = record_audit(**db, audit::Event{cli_actor(), "records.exported", args.get("kind").value_or(""),
                                               {{"format", format}}});
      !s)
    return print_error(s.error());
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
  if (auto s = record_audit(**db, audit::Event{cli_actor(), "conflicts.listed", args.get("case").value_or(""),
                                               {{"centre", args.get("centre").value_or("")}, {"entries", list->size()}}});
      !s)
    return print_error(s.error());
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
  return parse_published_text(text.str());
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
  return audited(**db, "published", published->record_id,
                 {{"kind", published->kind}, {"id", published->item_id}, {"version", published->version},
                  {"centre", published->centre}, {"changed", published->changed}},
                 {{"record_id", published->record_id},
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
  return audited(**db, "counsellor.added", account->id, {{"centre", account->centre}, {"role", account->role}},
                 {{"id", account->id}, {"centre", account->centre}, {"role", account->role}, {"active", true}});
}

int counsellor_disable(const Args& args) {
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto account = disable_counsellor(**db, *args.get("id"));
  if (!account) return print_error(account.error());
  return audited(**db, "counsellor.disabled", account->id, {{"centre", account->centre}},
                 {{"id", account->id}, {"centre", account->centre}, {"active", false}});
}

int counsellor_reset_pin(const Args& args) {
  auto secret = read_secret("new PIN or passphrase");
  if (!secret) return print_error(secret.error());
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  auto account = reset_counsellor_pin(**db, *args.get("id"), *secret);
  if (!account) return print_error(account.error());
  return audited(**db, "counsellor.pin_reset", account->id, {{"centre", account->centre}},
                 {{"id", account->id}, {"centre", account->centre}, {"pin_reset", true}});
}

int backup_cmd(const Args& args) {
  auto report = backup_database(*args.get("db"), *args.get("to"));
  if (!report) return print_error(report.error());
  nlohmann::json out = {
      {"file", report->file}, {"pages", report->pages}, {"records", report->records}, {"integrity", report->integrity}};
  if (!report->stamp_warning.empty()) out["stamp_warning"] = report->stamp_warning;
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  // The copy holds the log up to just before this entry: its own chain still verifies.
  return audited(**db, "backup.made", "", {{"pages", report->pages}, {"records", report->records}}, out);
}

int restore_cmd(const Args& args) {
  auto report = restore_database(*args.get("from"), *args.get("db"));
  if (!report) return print_error(report.error());
  auto db = open_db(args);
  if (!db) return print_error(db.error());
  return audited(**db, "backup.restored", report->epoch, {{"records", report->records}},
                 {{"db", report->db}, {"epoch", report->epoch}, {"records", report->records}});
}

const std::map<std::string, CommandSpec>& command_specs() {
  static const std::map<std::string, CommandSpec> specs = {
      {"serve",
       {.required = {"db", "listen"},
        .optional = {"tls-cert", "tls-key", "forms", "workers", "rate-limit", "rate-burst", "header-timeout",
                     "read-timeout", "max-header-bytes", "max-connections", "max-connections-per-address",
                     "hq-session-idle", "hq-stale-hours"},
        .repeatable = {},
        .flags = {"insecure", "quiet"},
        .summary = "run the sync server until SIGTERM/SIGINT (SIGHUP reloads the TLS certificate and key)",
        .usage = "--db FILE --listen HOST:PORT [--tls-cert F --tls-key F] [--insecure] [--forms DIR] "
                 "[--workers N] [--rate-limit PER_SECOND] [--rate-burst N] [--quiet] [--header-timeout SECONDS] "
                 "[--read-timeout SECONDS] [--max-header-bytes N] [--max-connections N] "
                 "[--max-connections-per-address N] [--hq-session-idle MINUTES] [--hq-stale-hours HOURS]",
        .run = serve}},
      {"enroll-code",
       {.required = {"db", "centre"},
        .optional = {"ttl", "tls-cert"},
        .repeatable = {},
        .flags = {},
        .summary = "create a one-time enrolment code for a kiosk of a centre (CODE@sha256:HEX with --tls-cert: "
                   "the kiosk pins that certificate)",
        .usage = "--db FILE --centre CODE [--ttl 24h] [--tls-cert F]",
        .run = enroll_code}},
      {"make-cert",
       {.required = {"cert", "key"},
        .optional = {"name", "days"},
        .repeatable = {},
        .flags = {},
        .summary = "make a self-signed TLS certificate and its key (0600) for serve; prints its fingerprint",
        .usage = "--cert F --key F [--name HOST[,HOST...]] [--days 3650]",
        .run = make_cert}},
      {"fingerprint",
       {.required = {"cert"},
        .optional = {},
        .repeatable = {},
        .flags = {},
        .summary = "print a certificate's SHA-256 fingerprint (sha256:HEX), the value kiosks pin",
        .usage = "--cert F",
        .run = fingerprint_cmd}},
      {"devices",
       {.required = {"db"}, .optional = {}, .repeatable = {}, .flags = {}, .summary = "list enrolled devices", .usage = "--db FILE",
        .run = devices}},
      {"revoke",
       {.required = {"db", "device"},
        .optional = {},
        .repeatable = {},
        .flags = {},
        .summary = "revoke a device's token",
        .usage = "--db FILE --device ID",
        .run = revoke}},
      {"user-add",
       {.required = {"db", "name", "role"},
        .optional = {"centre"},
        .repeatable = {"centre"},
        .flags = {},
        .summary = "add an HQ user (password on stdin); --centre (repeatable) limits the user to those centres",
        .usage = "--db FILE --name N --role viewer|manager|admin [--centre CODE]...",
        .run = user_add}},
      {"export",
       {.required = {"db", "format"},
        .optional = {"kind"},
        .repeatable = {},
        .flags = {},
        .summary = "export the records as CSV or JSON on stdout",
        .usage = "--db FILE --format csv|json [--kind K]",
        .run = export_cmd}},
      {"publish",
       {.required = {"db", "kind", "file"},
        .optional = {"centre"},
        .repeatable = {},
        .flags = {},
        .summary = "publish a form or a content bundle (a folder, or its bundle.json) to kiosks",
        .usage = "--db FILE --kind form|content --file F.json [--centre CODE]",
        .run = publish_cmd}},
      {"counsellor-add",
       {.required = {"db", "centre", "name"},
        .optional = {"role"},
        .repeatable = {},
        .flags = {},
        .summary = "add a counsellor account (PIN on stdin)",
        .usage = "--db FILE --centre CODE --name N [--role counsellor|admin]",
        .run = counsellor_add}},
      {"counsellor-disable",
       {.required = {"db", "id"},
        .optional = {},
        .repeatable = {},
        .flags = {},
        .summary = "disable a counsellor account",
        .usage = "--db FILE --id ID",
        .run = counsellor_disable}},
      {"counsellor-reset-pin",
       {.required = {"db", "id"},
        .optional = {},
        .repeatable = {},
        .flags = {},
        .summary = "give a counsellor account a new PIN (on stdin; same policy as counsellor-add)",
        .usage = "--db FILE --id ID",
        .run = counsellor_reset_pin}},
      {"refused",
       {.required = {"db"},
        .optional = {"centre"},
        .repeatable = {},
        .flags = {"all"},
        .summary = "list records the server refused, with payload, reason and device (unresolved only unless --all)",
        .usage = "--db FILE [--centre CODE] [--all]",
        .run = refused_cmd}},
      {"backup",
       {.required = {"db", "to"},
        .optional = {},
        .repeatable = {},
        .flags = {},
        .summary = "copy the database while the server serves (online backup, checked, mode 0600)",
        .usage = "--db FILE --to FILE",
        .run = backup_cmd}},
      {"restore",
       {.required = {"from", "db"},
        .optional = {},
        .repeatable = {},
        .flags = {},
        .summary = "put a backup in place of the database (server stopped); gives the data a new epoch",
        .usage = "--from FILE --db FILE",
        .run = restore_cmd}},
      {"conflicts",
       {.required = {"db"},
        .optional = {"centre", "case"},
        .repeatable = {},
        .flags = {},
        .summary = "list values that lost a concurrent edit (the server's conflict log), oldest first",
        .usage = "--db FILE [--centre CODE] [--case ID]",
        .run = conflicts_cmd}},
      {"erase",
       {.required = {"db"},
        .optional = {"case", "reason", "by"},
        .repeatable = {},
        .flags = {"pending", "list"},
        .summary = "erase a case and every record of it everywhere (tombstones without payload), or list "
                   "cases whose consent was withdrawn (--pending) or the erasures made (--list)",
        .usage = "--db FILE (--case ID --reason TEXT [--by NAME] | --pending | --list)",
        .run = erase_command}},
      {"retention",
       {.required = {"db", "centre", "days"},
        .optional = {},
        .repeatable = {},
        .flags = {},
        .summary = "set how many days the centre's kiosks keep closed cases the server holds (default 30)",
        .usage = "--db FILE --centre CODE --days N",
        .run = retention_command}},
      {"audit",
       {.required = {"db"},
        .optional = {"since"},
        .repeatable = {},
        .flags = {"json"},
        .summary = "list the audit log (enrolments, revocations, publishing, exports, erasures, users, backups)",
        .usage = "--db FILE [--since 24h|YYYY-MM-DD[THH:MM:SSZ]] [--json]",
        .run = audit_list}},
      {"audit verify",
       {.required = {"db"},
        .optional = {"against"},
        .repeatable = {},
        .flags = {},
        .summary = "check the audit log's hash chain (and that it still holds a backup's log); exit 1 naming the "
                   "first changed, removed or reordered entry",
        .usage = "--db FILE [--against BACKUP]",
        .run = audit_verify}},
      {"audit anchors",
       {.required = {"db"},
        .optional = {},
        .repeatable = {},
        .flags = {},
        .summary = "each kiosk's last reported audit chain head (SEQ:HASH), for `kiosk audit verify --anchor`",
        .usage = "--db FILE",
        .run = audit_anchors_command}},
  };
  return specs;
}

}  // namespace

namespace {

// `--config FILE`, or the default file when it exists.
Result<std::optional<config::File>> load_config(std::vector<std::string>& argv,
                                                 const std::map<std::string, CommandSpec>& specs) {
  auto path = config::take_config_path(argv, 1);
  if (!path) return fail(path.error());
  return config::load(path->value_or(kDefaultConfigPath), !path->has_value(), config_keys(specs));
}

}  // namespace

int run(const std::vector<std::string>& given) {
  const auto& specs = command_specs();
  // `audit verify` and `audit anchors` are the two-word commands.
  std::vector<std::string> argv = given;
  if (argv.size() >= 2 && argv[0] == "audit" && (argv[1] == "verify" || argv[1] == "anchors")) {
    argv.erase(argv.begin());
    argv[0] = "audit " + argv[0];
  }
  if (argv.empty() || argv[0] == "help" || argv[0] == "--help" || argv[0] == "-h") {
    (argv.empty() ? std::cerr : std::cout) << render_help(specs);
    return argv.empty() ? 2 : 0;
  }
  if (auto it = specs.find(argv[0]); it != specs.end() && asks_for_help(argv)) {
    std::cout << render_command_help(it->first, it->second);
    return 0;
  }
  std::vector<std::string> rest = argv;
  auto config = load_config(rest, specs);
  if (!config) {
    std::cout << protocol::error_body(config.error().code, config.error().message).dump() << std::endl;
    return 2;
  }
  auto args = parse_args(rest, specs, *config ? &**config : nullptr);
  if (args && args->print_config) {
    std::cout << render_config(*args);
    return 0;
  }
  if (!args) {
    std::cout << protocol::error_body(args.error().code, args.error().message).dump() << std::endl;
    std::cerr << render_help(specs);
    return 2;
  }
  return specs.at(args->command).run(*args);
}

}  // namespace ws::server::cli
