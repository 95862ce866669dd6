#include "sync-server/core/users.hpp"

#include "sync-server/core/hq_sessions.hpp"
#include "sync-server/core/records.hpp"
#include "ws/crypto.hpp"
#include "ws/ids.hpp"

namespace ws::server {
namespace {

constexpr const char* kUserColumns = "id, name, role, centres, disabled_at_ms IS NOT NULL";

UserAccount user_from_row(const sql::Statement& st) {
  UserAccount user{st.column_text(0), st.column_text(1), st.column_text(2), {}, st.column_int(4) != 0};
  auto centres = nlohmann::json::parse(st.column_text(3), nullptr, false);
  if (centres.is_array()) {
    for (const auto& c : centres) {
      if (c.is_string()) user.centres.push_back(c.get<std::string>());
    }
  }
  return user;
}

Status check_role_and_centres(const std::string& role, const std::vector<std::string>& centres) {
  if (role != "viewer" && role != "manager" && role != "admin") {
    return fail("invalid_request", "the role must be viewer, manager or admin");
  }
  for (const auto& c : centres) {
    if (c.empty() || c.size() > 64) return fail("invalid_request", "a centre id must be 1-64 characters");
  }
  return ok();
}

// Runs `sql` (binding the id as ?1 and whatever `bind` adds) and ends the user's sessions, in
// one transaction.
template <typename Bind>
Result<UserAccount> update_user(Database& db, const std::string& id, const char* sql, Bind bind) {
  {
    auto w = WriteScope::begin(db);
    if (!w) return fail(w.error());
    auto st = w->conn().prepare(sql);
    if (!st) return fail(st.error());
    st->bind(1, id);
    bind(*st);
    if (auto s = st->run(); !s) return fail(s.error());
    if (w->conn().changes() == 0) return fail("not_found", "no such user");
    if (auto s = end_user_sessions(w->conn(), id, ""); !s) return fail(s.error());
    if (auto s = w->commit(); !s) return fail(s.error());
  }
  auto user = find_user(db, id);
  if (!user) return fail(user.error());
  if (!*user) return fail("not_found", "no such user");
  return **user;
}

}  // namespace

nlohmann::json to_json(const UserAccount& user) {
  return {{"id", user.id}, {"name", user.name}, {"role", user.role}, {"centres", user.centres},
          {"disabled", user.disabled}};
}

std::string password_problem(const std::string& password) {
  if (password.size() < 8) return "the password must be at least 8 characters";
  if (password.size() > 1024) return "the password is too long";
  return "";
}

Result<UserAccount> add_user(Database& db, const std::string& name, const std::string& role,
                             const std::string& password, const std::vector<std::string>& centres) {
  if (name.empty() || name.size() > 128) return fail("invalid_request", "the name must be 1-128 characters");
  if (auto s = check_role_and_centres(role, centres); !s) return fail(s.error());
  if (auto problem = password_problem(password); !problem.empty()) return fail("invalid_request", problem);
  auto hash = crypto::hash_password(password);
  if (!hash) return fail(hash.error());
  UserAccount user{new_uuid_v7(), name, role, centres, false};
  auto w = WriteScope::begin(db);
  if (!w) return fail(w.error());
  auto st = w->conn().prepare(
      "INSERT INTO users (id, name, role, password_hash, created_at_ms, centres) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return fail(st.error());
  st->bind(1, user.id).bind(2, name).bind(3, role).bind(4, *hash).bind(5, unix_ms_now());
  st->bind(6, nlohmann::json(centres).dump());
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
  auto st = (*lease)->prepare(std::string("SELECT ") + kUserColumns +
                              ", password_hash FROM users WHERE name = ?1 AND disabled_at_ms IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, name);
  auto row = st->step();
  if (!row) return fail(row.error());
  // An unknown name answers faster than a wrong password. Names of HQ staff are not secret;
  // whatever offers logins must rate-limit them (the HQ console limits per name and address).
  if (!*row || !crypto::verify_password(st->column_text(5), password)) {
    return fail("unauthorized", "wrong name or password");
  }
  return user_from_row(*st);
}

Result<std::optional<UserAccount>> find_user(Database& db, const std::string& id) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?1");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<UserAccount>{};
  return std::optional<UserAccount>{user_from_row(*st)};
}

Result<bool> user_name_exists(Database& db, const std::string& name) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare("SELECT 1 FROM users WHERE name = ?1");
  if (!st) return fail(st.error());
  st->bind(1, name);
  auto row = st->step();
  if (!row) return fail(row.error());
  return *row;
}

Result<std::vector<UserAccount>> list_users(Database& db) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY name");
  if (!st) return fail(st.error());
  std::vector<UserAccount> users;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    users.push_back(user_from_row(*st));
  }
  return users;
}

Result<UserAccount> disable_user(Database& db, const std::string& id) {
  return update_user(db, id, "UPDATE users SET disabled_at_ms = COALESCE(disabled_at_ms, ?2) WHERE id = ?1",
                     [](sql::Statement& st) { st.bind(2, unix_ms_now()); });
}

Result<UserAccount> set_user_role(Database& db, const std::string& id, const std::string& role,
                                  const std::vector<std::string>& centres) {
  if (auto s = check_role_and_centres(role, centres); !s) return fail(s.error());
  return update_user(db, id, "UPDATE users SET role = ?2, centres = ?3 WHERE id = ?1", [&](sql::Statement& st) {
    st.bind(2, role).bind(3, nlohmann::json(centres).dump());
  });
}

Status change_password(Database& db, const std::string& id, const std::string& current, const std::string& next,
                       const std::string& keep_session_digest) {
  auto user = find_user(db, id);
  if (!user) return fail(user.error());
  if (!*user || (*user)->disabled) return fail("unauthorized", "no such user");
  if (auto checked = check_user_password(db, (*user)->name, current); !checked) {
    return fail("unauthorized", "the current password is wrong");
  }
  if (auto problem = password_problem(next); !problem.empty()) return fail("invalid_request", problem);
  auto hash = crypto::hash_password(next);
  if (!hash) return fail(hash.error());
  auto w = WriteScope::begin(db);
  if (!w) return fail(w.error());
  auto st = w->conn().prepare("UPDATE users SET password_hash = ?2 WHERE id = ?1");
  if (!st) return fail(st.error());
  st->bind(1, id).bind(2, *hash);
  if (auto s = st->run(); !s) return s;
  if (auto s = end_user_sessions(w->conn(), id, keep_session_digest); !s) return s;
  return w->commit();
}

}  // namespace ws::server
