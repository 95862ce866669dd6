// `kiosk audit [--since] [--json]`, `kiosk audit verify`, and the entries other commands write.
#include <ostream>

#include "kiosk/cli/commands.hpp"
#include "kiosk/core/store/audit.hpp"
#include "ws/hlc.hpp"
#include "ws/kiosk_state.hpp"

namespace ws::kiosk::cli {

Status audit_command(Store& store, const std::string& action, const std::string& object_id,
                     const nlohmann::json& details) {
  auto s = record_audit(store, audit::Event{"cli", action, object_id, details});
  // A read-only folder (a full disk) still shows its records: the kiosk stays usable, untraced.
  if (!s && store.read_only()) return ok();
  return s;
}

namespace {

int verify(const Context& ctx, Store& store) {
  std::optional<protocol::AuditAnchor> anchor;
  if (auto text = ctx.args.value("--anchor")) {
    anchor = protocol::parse_audit_anchor(*text);
    if (!anchor) return report(ctx, Error{"usage", "--anchor must be SEQ:HASH (64 lower-case hex digits)"}, kExitUsage);
  }
  auto verdict = anchor ? verify_audit_anchor(store, *anchor) : verify_audit(store);
  if (!verdict) return report(ctx, explain_storage_error(verdict.error(), "cannot read the audit log"));
  if (ctx.args.flag("--json")) {
    ctx.out << audit::to_json(*verdict).dump() << "\n";
  } else if (verdict->ok) {
    ctx.out << "audit log intact: " << verdict->entries << " entries, head " << verdict->head_hash << "\n";
  }
  if (verdict->ok) return kExitOk;
  ctx.err << "kiosk: audit log broken at entry " << verdict->first_bad_seq << ": " << verdict->problem << "\n";
  return kExitError;
}

}  // namespace

int cmd_audit(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) return report(ctx, s.error(), kExitUsage);
  std::optional<std::int64_t> since;
  if (auto text = ctx.args.value("--since")) {
    since = audit::parse_since(*text, HlcClock::system_wall_ms());
    if (!since) return report(ctx, Error{"usage", "--since must look like 90m, 24h, 7d, 2026-12-01 or 2026-12-01T08:00:00Z"}, kExitUsage);
  }
  auto store = open_store(ctx);
  if (!store) return report(ctx, store.error());
  if (ctx.args.flag("verify")) return verify(ctx, **store);
  auto entries = audit_entries(**store, since);
  if (!entries) return report(ctx, explain_storage_error(entries.error(), "cannot read the audit log"));
  if (ctx.args.flag("--json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : *entries) out.push_back(audit::to_json(e));
    ctx.out << nlohmann::json{{"entries", out}}.dump() << "\n";
    return kExitOk;
  }
  for (const auto& e : *entries) {
    ctx.out << e.seq << "  " << iso8601_utc(e.time_ms) << "  " << e.actor << "  " << e.action << "  "
            << (e.object_id.empty() ? "-" : e.object_id) << "  " << e.details << "\n";
  }
  return kExitOk;
}

}  // namespace ws::kiosk::cli
