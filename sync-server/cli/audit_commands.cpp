#include "sync-server/cli/audit_commands.hpp"

#include <iostream>

#include <nlohmann/json.hpp>

#include "sync-server/core/database.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/kiosk_report.hpp"
#include "ws/audit_chain.hpp"
#include "ws/hlc.hpp"
#include "ws/protocol.hpp"
#include "ws/sqlite.hpp"

namespace ws::server::cli {
namespace {

int print_error(const Error& e) {
  std::cout << protocol::error_body(e.code, e.message).dump() << std::endl;
  return 1;
}

}  // namespace

int audit_list(const Args& args) {
  std::optional<std::int64_t> since;
  if (auto text = args.get("since")) {
    since = audit::parse_since(*text, HlcClock::system_wall_ms());
    if (!since) return print_error(Error{"usage", "--since must look like 90m, 24h, 7d, 2026-12-01 or 2026-12-01T08:00:00Z"});
  }
  auto db = Database::open(*args.get("db"));
  if (!db) return print_error(db.error());
  auto lease = (*db)->acquire();
  if (!lease) return print_error(lease.error());
  auto entries = audit::list(**lease, since);
  if (!entries) return print_error(entries.error());
  if (args.has("json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : *entries) out.push_back(audit::to_json(e));
    std::cout << nlohmann::json{{"entries", out}}.dump() << std::endl;
    return 0;
  }
  for (const auto& e : *entries) {
    std::cout << e.seq << "  " << iso8601_utc(e.time_ms) << "  " << e.actor << "  " << e.action << "  "
              << (e.object_id.empty() ? "-" : e.object_id) << "  " << e.details << "\n";
  }
  std::cout.flush();
  return 0;
}

// The head of a backup's own (intact) log, the anchor `--against` checks the live log with.
Result<audit::Verdict> backup_head(const std::string& path) {
  sql::OpenOptions read_only;
  read_only.read_only = true;
  read_only.create = false;
  auto conn = sql::Connection::open(path, read_only);
  if (!conn) return fail(conn.error());
  auto head = audit::verify(*conn);
  if (!head) return fail(head.error());
  if (!head->ok) return fail("audit_broken", "the backup's own audit log is broken: " + head->problem);
  return head;
}

int audit_verify(const Args& args) {
  auto db = Database::open(*args.get("db"));
  if (!db) return print_error(db.error());
  auto lease = (*db)->acquire();
  if (!lease) return print_error(lease.error());
  auto verdict = audit::verify(**lease);
  if (!verdict) return print_error(verdict.error());
  if (auto against = args.get("against")) {
    auto head = backup_head(*against);
    if (!head) return print_error(head.error());
    verdict = audit::check_anchor(**lease, *verdict, head->entries, head->head_hash);
    if (!verdict) return print_error(verdict.error());
  }
  std::cout << audit::to_json(*verdict).dump() << std::endl;
  if (verdict->ok) return 0;
  std::cerr << "audit log broken: " << verdict->problem << "\n";
  return 1;
}

int audit_anchors_command(const Args& args) {
  auto db = Database::open(*args.get("db"));
  if (!db) return print_error(db.error());
  auto anchors = audit_anchors(**db);
  if (!anchors) return print_error(anchors.error());
  std::cout << nlohmann::json{{"devices", *anchors}}.dump() << std::endl;
  return 0;
}

}  // namespace ws::server::cli
