#include "sync-server/core/kiosk_report.hpp"

#include "sync-server/core/devices.hpp"

namespace ws::server {

void KioskReports::note(const std::string& device_id, const std::string& header, std::int64_t now_ms) {
  const auto state = protocol::parse_kiosk_state(header);
  if (!state) return;
  const std::string text = protocol::format_kiosk_state(*state);
  {
    std::lock_guard lock(mutex_);
    auto it = stored_.find(device_id);
    if (it != stored_.end() && it->second == text) return;
  }
  if (!store_kiosk_state(db_, device_id, *state, now_ms)) return;
  std::lock_guard lock(mutex_);
  stored_[device_id] = text;
}

Status store_kiosk_state(Database& db, const std::string& device_id, const protocol::KioskState& state,
                         std::int64_t now_ms) {
  std::lock_guard writer(db.write_mutex());
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(
      "UPDATE devices SET report_outbox = ?1, report_quarantined = ?2, report_app = ?3,"
      " report_audit_seq = coalesce(?4, report_audit_seq), report_audit_hash = coalesce(?5, report_audit_hash),"
      " reported_at_ms = ?6 WHERE id = ?7");
  if (!st) return fail(st.error());
  st->bind(1, state.outbox).bind(2, state.quarantined).bind(3, state.app);
  if (state.audit) st->bind(4, state.audit->seq).bind(5, state.audit->hash);
  else st->bind_null(4).bind_null(5);
  st->bind(6, now_ms).bind(7, device_id);
  return st->run();
}

Result<nlohmann::json> audit_anchors(Database& db) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(
      "SELECT id, name, centre, report_audit_seq, report_audit_hash, reported_at_ms FROM devices"
      " ORDER BY centre, enrolled_at_ms, id");
  if (!st) return fail(st.error());
  nlohmann::json out = nlohmann::json::array();
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    nlohmann::json d = {{"device_id", st->column_text(0)}, {"name", st->column_text(1)},
                        {"centre", st->column_text(2)},    {"anchor", nullptr},
                        {"reported_at", nullptr}};
    if (!st->is_null(3)) {
      d["anchor"] = protocol::format_audit_anchor({st->column_int(3), st->column_text(4)});
    }
    if (!st->is_null(5)) d["reported_at"] = iso8601_utc(st->column_int(5));
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace ws::server
