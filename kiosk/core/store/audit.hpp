#pragma once
// The kiosk's audit log (ws/audit_chain.hpp in kiosk.db): sign-ins and their failures, lockouts,
// opened cases, records leaving through the command line, enrolment. Ids and counts only, so
// the table stays plain where the records are encrypted.
#include <cstdint>
#include <optional>
#include <vector>

#include "kiosk/core/store/store.hpp"
#include "ws/audit_chain.hpp"
#include "ws/kiosk_state.hpp"

namespace ws::kiosk {

// Appends one entry now. Fails on a read-only store (callers decide whether that matters).
Status record_audit(Store& store, const audit::Event& event);
Result<std::vector<audit::Entry>> audit_entries(Store& store, std::optional<std::int64_t> since_ms = std::nullopt);
Result<audit::Verdict> verify_audit(Store& store);
// The chain's last entry (its sequence and hash), sent to the server with each sync as the
// kiosk's anchor; nullopt when the log is empty.
Result<std::optional<protocol::AuditAnchor>> audit_head(Store& store);
// `kiosk audit verify --anchor SEQ:HASH`: the chain is intact and still holds that entry with
// that hash (a chain rewritten or cut short since the server saw it fails).
Result<audit::Verdict> verify_audit_anchor(Store& store, const protocol::AuditAnchor& anchor);

}  // namespace ws::kiosk
