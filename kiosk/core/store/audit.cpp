#include "kiosk/core/store/audit.hpp"

#include "ws/hlc.hpp"

namespace ws::kiosk {

Status record_audit(Store& store, const audit::Event& event) {
  if (store.read_only()) return fail("read_only", "the data folder is read-only; the audit entry was not written");
  auto appended = audit::append(store.connection(), event, HlcClock::system_wall_ms());
  if (!appended) return fail(appended.error());
  return ok();
}

Result<std::vector<audit::Entry>> audit_entries(Store& store, std::optional<std::int64_t> since_ms) {
  return audit::list(store.connection(), since_ms);
}

Result<audit::Verdict> verify_audit(Store& store) { return audit::verify(store.connection()); }

Result<std::optional<protocol::AuditAnchor>> audit_head(Store& store) {
  auto st = store.connection().prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<protocol::AuditAnchor>();
  return std::optional<protocol::AuditAnchor>(protocol::AuditAnchor{st->column_int(0), st->column_text(1)});
}

Result<audit::Verdict> verify_audit_anchor(Store& store, const protocol::AuditAnchor& anchor) {
  auto verdict = audit::verify(store.connection());
  if (!verdict) return verdict;
  return audit::check_anchor(store.connection(), *verdict, anchor.seq, anchor.hash);
}

}  // namespace ws::kiosk
