#include "sync-server/core/users.hpp"

#include "sync-server/core/records.hpp"
#include "ws/crypto.hpp"
#include "ws/ids.hpp"

namespace ws::server {

Result<UserAccount> add_user(Database& db, const std::string& name, const std::string& role,
                             const std::string& password) {
  if (name.empty() || name.size() > 128) return fail("invalid_request", "--name must be 1-128 characters");
  if (role != "viewer" && role != "manager" && role != "admin") {
    return fail("invalid_request", "--role must be viewer, manager or admin");
  }
  if (password.size() < 8) return fail("invalid_request", "the password must be at least 8 characters");
  if (password.size() > 1024) return fail("invalid_request", "the password is too long");
  auto hash = crypto::hash_password(password);
  if (!hash) return fail(hash.error());
  UserAccount user{new_uuid_v7(), name, role};
  auto w = WriteScope::begin(db);
  if (!w) return fail(w.error());
  auto st = w->conn().prepare(
      "INSERT INTO users (id, name, role, password_hash, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st) return fail(st.error());
  st->bind(1, user.id).bind(2, name).bind(3, role).bind(4, *hash).bind(5, unix_ms_now());
  if (auto s = st->run(); !s) {
    if (s.error().code == "constraint") return fail("conflict", "a user with that name exists");
    return fail(s.error());
  }
  if (auto s = w->commit(); !s) return fail(s.error());
  return user;
}

Result<UserAccount> check_user_password(Database& db, const std::string& name, const std::string& password) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare("SELECT id, role, password_hash FROM users WHERE name = ?1 AND disabled_at_ms IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, name);
  auto row = st->step();
  if (!row) return fail(row.error());
  // An unknown name answers faster than a wrong password. Names of HQ staff are not secret;
  // whatever offers logins must rate-limit them.
  if (!*row || !crypto::verify_password(st->column_text(2), password)) {
    return fail("unauthorized", "wrong name or password");
  }
  return UserAccount{st->column_text(0), name, st->column_text(1)};
}

}  // namespace ws::server
