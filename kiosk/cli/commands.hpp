#pragma once
// The headless commands behind `kiosk --data-dir DIR <command>`; cli.cpp dispatches to them.
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/cli/args.hpp"
#include "kiosk/core/store/store.hpp"

namespace ws::kiosk::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitQuarantined = 3;  // sync: everything else was sent; some records were refused

struct Context {
  ParsedArgs args;
  std::string data_dir;
  std::string assets_dir;
  std::ostream& out;
  std::ostream& err;
  std::istream& in;  // secrets (PINs) are read from here, never taken as arguments
};

// Prints "kiosk: <message>" on stderr and returns `exit_code`.
int report(const Context& ctx, const Error& e, int exit_code = kExitError);
Result<std::unique_ptr<Store>> open_store(const Context& ctx);
// The value of option `name`, or a usage error naming it.
Result<std::string> required(const Context& ctx, const std::string& name);
// Reads a JSON document from FILE, or from stdin when FILE is "-".
Result<nlohmann::json> read_json_file(const std::string& path);
std::string iso8601_utc(std::int64_t unix_ms);
// One line (a PIN or passphrase) from the context's input.
Result<std::string> read_secret(const Context& ctx);
// With `--counsellor NAME`: reads that counsellor's PIN from the input and opens the kiosk
// vault with it for this process (docs/security.md). Without the option: nothing to do.
Status unlock_if_asked(const Context& ctx, Store& store);

int cmd_enroll(const Context& ctx);
int cmd_add(const Context& ctx);
int cmd_edit(const Context& ctx);
int cmd_list(const Context& ctx);
int cmd_show(const Context& ctx);
int cmd_quarantined(const Context& ctx);
int cmd_retry(const Context& ctx);
int cmd_conflicts(const Context& ctx);
int cmd_sync(const Context& ctx);
int cmd_status(const Context& ctx);
int cmd_counsellor_add(const Context& ctx);
int cmd_backup(const Context& ctx);
int cmd_audit(const Context& ctx);

// Appends a `cli` entry to the kiosk's audit log; ok on a read-only folder, which still shows
// its records (see commands_audit.cpp).
Status audit_command(Store& store, const std::string& action, const std::string& object_id,
                     const nlohmann::json& details = nlohmann::json::object());

// run_cli with explicit streams, for tests (`in` feeds the secrets; the first form uses stdin).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace ws::kiosk::cli
