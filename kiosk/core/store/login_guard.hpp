#pragma once
// Wrong-PIN tries of one counsellor as the kiosk keeps them across restarts. Wall-clock time
// (Unix ms), because the monotonic clock the session runs on starts again with the process:
// without this, killing the kiosk would be a way around the lockout.
#include <cstdint>

namespace ws::kiosk {

struct LoginGuard {
  int failures = 0;                     // wrong tries since the last successful sign-in
  std::int64_t locked_until_unix_ms = 0;  // 0 = not locked
  // The last successful sign-in on this kiosk (0 = none kept): the sign-in screen lists only
  // those who signed in here lately, so a passer-by does not learn every counsellor's name.
  std::int64_t last_signin_unix_ms = 0;
  bool clear() const { return failures == 0 && locked_until_unix_ms == 0; }
  bool empty() const { return clear() && last_signin_unix_ms == 0; }
};

}  // namespace ws::kiosk
