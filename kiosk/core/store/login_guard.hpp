#pragma once
// Wrong-PIN tries of one counsellor as the kiosk keeps them across restarts. Wall-clock time
// (Unix ms), because the monotonic clock the session runs on starts again with the process:
// without this, killing the kiosk would be a way around the lockout.
#include <cstdint>

namespace ws::kiosk {

struct LoginGuard {
  int failures = 0;                     // wrong tries since the last successful sign-in
  std::int64_t locked_until_unix_ms = 0;  // 0 = not locked
  bool clear() const { return failures == 0 && locked_until_unix_ms == 0; }
};

}  // namespace ws::kiosk
