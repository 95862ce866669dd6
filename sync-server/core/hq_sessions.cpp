#include "sync-server/core/hq_sessions.hpp"

#include "ws/crypto.hpp"

namespace ws::server {
namespace {

// A session's last use is written at most this often: every request of a page would otherwise
// be a write queued behind the kiosks' pushes. Idle expiry is exact to within this.
constexpr std::int64_t kTouchResolutionMs = 10'000;

Status forget_expired(sql::Connection& conn, std::int64_t now_ms, const HqSessionPolicy& policy) {
  auto st = conn.prepare("DELETE FROM hq_sessions WHERE last_used_at_ms < ?1 OR created_at_ms < ?2");
  if (!st) return fail(st.error());
  st->bind(1, now_ms - policy.idle_ms).bind(2, now_ms - policy.absolute_ms);
  return st->run();
}

Status touch(Database& db, const std::string& digest, std::int64_t now_ms) {
  auto w = WriteScope::begin(db);
  if (!w) return fail(w.error());
  auto st = w->conn().prepare("UPDATE hq_sessions SET last_used_at_ms = MAX(last_used_at_ms, ?2) WHERE id_digest = ?1");
  if (!st) return fail(st.error());
  st->bind(1, digest).bind(2, now_ms);
  if (auto s = st->run(); !s) return s;
  return w->commit();
}

}  // namespace

std::string hq_session_digest(const std::string& id) { return crypto::token_digest(id); }

Result<OpenedHqSession> open_hq_session(Database& db, const UserAccount& user, std::int64_t now_ms,
                                        const HqSessionPolicy& policy) {
  // 32 random bytes, written as hex: the digest of a fresh 256-bit random token is as random.
  const std::string id = crypto::token_digest(crypto::random_token(32));
  OpenedHqSession opened{id, HqSession{hq_session_digest(id), user, crypto::random_token(32), now_ms}};
  auto w = WriteScope::begin(db);
  if (!w) return fail(w.error());
  if (auto s = forget_expired(w->conn(), now_ms, policy); !s) return fail(s.error());
  auto st = w->conn().prepare(
      "INSERT INTO hq_sessions (id_digest, user_id, csrf_token, created_at_ms, last_used_at_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?4)");
  if (!st) return fail(st.error());
  st->bind(1, opened.session.id_digest).bind(2, user.id).bind(3, opened.session.csrf_token).bind(4, now_ms);
  if (auto s = st->run(); !s) return fail(s.error());
  if (auto s = w->commit(); !s) return fail(s.error());
  return opened;
}

Result<HqSession> resume_hq_session(Database& db, const std::string& id, std::int64_t now_ms,
                                    const HqSessionPolicy& policy) {
  const Error refused{"unauthorized", "sign in first (no session, or it expired)"};
  if (id.empty() || id.size() > 128) return fail(refused);
  HqSession session;
  session.id_digest = hq_session_digest(id);
  std::int64_t last_used = 0;
  {
    auto lease = db.acquire();
    if (!lease) return fail(lease.error());
    auto st = (*lease)->prepare(
        "SELECT user_id, csrf_token, created_at_ms, last_used_at_ms FROM hq_sessions WHERE id_digest = ?1");
    if (!st) return fail(st.error());
    st->bind(1, session.id_digest);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(refused);
    session.user.id = st->column_text(0);
    session.csrf_token = st->column_text(1);
    session.created_at_ms = st->column_int(2);
    last_used = st->column_int(3);
  }
  if (now_ms - last_used > policy.idle_ms || now_ms - session.created_at_ms > policy.absolute_ms) {
    (void)close_hq_session(db, session.id_digest);
    return fail(refused);
  }
  auto user = find_user(db, session.user.id);
  if (!user) return fail(user.error());
  if (!*user || (*user)->disabled) return fail(refused);
  session.user = **user;
  if (now_ms - last_used >= kTouchResolutionMs) {
    if (auto s = touch(db, session.id_digest, now_ms); !s) return fail(s.error());
  }
  return session;
}

Status close_hq_session(Database& db, const std::string& id_digest) {
  auto w = WriteScope::begin(db);
  if (!w) return fail(w.error());
  auto st = w->conn().prepare("DELETE FROM hq_sessions WHERE id_digest = ?1");
  if (!st) return fail(st.error());
  st->bind(1, id_digest);
  if (auto s = st->run(); !s) return s;
  return w->commit();
}

Status end_user_sessions(sql::Connection& conn, const std::string& user_id, const std::string& keep_digest) {
  auto st = conn.prepare("DELETE FROM hq_sessions WHERE user_id = ?1 AND id_digest <> ?2");
  if (!st) return fail(st.error());
  st->bind(1, user_id).bind(2, keep_digest);
  return st->run();
}

}  // namespace ws::server
