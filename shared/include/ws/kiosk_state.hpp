#pragma once
// The kiosk's sync report: a request header sent with every push and pull, e.g.
//   X-Waystation-Kiosk-State: outbox=3; quarantined=1; app=0.6.0; audit=42:9f86d0...
// so HQ sees what each kiosk had waiting and quarantined when it last synced, its app version
// and the head of its audit chain (kept as the kiosk's anchor). A header, not a body field, so
// older servers ignore it and the push body's parser stays as it is. The server ignores a
// malformed header and never fails a request for it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ws::protocol {

inline constexpr const char* kKioskStateHeader = "X-Waystation-Kiosk-State";

struct AuditAnchor {
  std::int64_t seq = 0;
  std::string hash;  // 64 lower-case hex digits
};

struct KioskState {
  std::int64_t outbox = 0;
  std::int64_t quarantined = 0;
  std::string app;                    // 1-32 of [0-9A-Za-z.+_-]
  std::optional<AuditAnchor> audit;  // absent when the kiosk's chain is empty
};

std::string format_kiosk_state(const KioskState& state);
// Strict: `outbox`, `quarantined` and `app` once each, `audit` at most once, values in their
// form; unknown keys are skipped (later kiosks may add some). nullopt when anything is wrong.
std::optional<KioskState> parse_kiosk_state(std::string_view header);
// "SEQ:HASH" (as `kiosk audit verify --anchor` takes it); nullopt when malformed.
std::optional<AuditAnchor> parse_audit_anchor(std::string_view text);
std::string format_audit_anchor(const AuditAnchor& anchor);

}  // namespace ws::protocol
