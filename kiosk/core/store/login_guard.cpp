// Login guard: wrong-PIN counts and lockouts per counsellor, kept in kiosk.db so that a
// restart does not clear them. Local to this kiosk: never synced (another kiosk's keypad is
// not this one's, and HQ has no use for the counts).
#include "kiosk/core/store/store.hpp"

namespace ws::kiosk {
namespace {

Status check_counsellor(const std::string& counsellor) {
  if (counsellor.empty() || counsellor.size() > 128) return fail("invalid_argument", "a login guard needs a counsellor id");
  return ok();
}

}  // namespace

Result<LoginGuard> Store::login_guard(const std::string& counsellor) {
  if (auto s = check_counsellor(counsellor); !s) return fail(s.error());
  auto st = db_.prepare("SELECT failures, locked_until_ms, last_signin_ms FROM login_guard WHERE counsellor = ?1");
  if (!st) return fail(st.error());
  st->bind(1, counsellor);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return LoginGuard{};
  return LoginGuard{static_cast<int>(st->column_int(0)), st->column_int(1), st->column_int(2)};
}

Status Store::set_login_guard(const std::string& counsellor, const LoginGuard& guard) {
  if (auto s = writable(); !s) return s;
  if (auto s = check_counsellor(counsellor); !s) return s;
  if (guard.failures < 0 || guard.locked_until_unix_ms < 0 || guard.last_signin_unix_ms < 0) return fail("invalid_argument", "a login guard cannot be negative");
  // A clean slate is no row at all: the table holds counsellors mid-lockout or who signed in here.
  if (guard.empty()) {
    auto del = db_.prepare("DELETE FROM login_guard WHERE counsellor = ?1");
    if (!del) return fail(del.error());
    return del->bind(1, counsellor).run();
  }
  auto st = db_.prepare(R"sql(
    INSERT INTO login_guard(counsellor, failures, locked_until_ms, updated_ms, last_signin_ms) VALUES(?1, ?2, ?3, ?4, ?5)
    ON CONFLICT(counsellor) DO UPDATE SET
      failures = excluded.failures, locked_until_ms = excluded.locked_until_ms, updated_ms = excluded.updated_ms,
      last_signin_ms = excluded.last_signin_ms)sql");
  if (!st) return fail(st.error());
  return st->bind(1, counsellor).bind(2, static_cast<std::int64_t>(guard.failures)).bind(3, guard.locked_until_unix_ms)
      .bind(4, HlcClock::system_wall_ms()).bind(5, guard.last_signin_unix_ms).run();
}

}  // namespace ws::kiosk
