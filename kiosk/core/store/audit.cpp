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

}  // namespace ws::kiosk
