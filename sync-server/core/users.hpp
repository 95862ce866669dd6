#pragma once
// HQ user accounts (viewer, manager, admin) for the HQ console and the admin commands; passwords
// as Argon2id hashes. A user may be scoped to some centres (none = every centre).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync-server/core/centre_scope.hpp"
#include "sync-server/core/database.hpp"
#include "ws/result.hpp"

namespace ws::server {

struct UserAccount {
  std::string id;
  std::string name;
  std::string role;
  std::vector<std::string> centres;  // empty = every centre
  bool disabled = false;

  CentreScope scope() const { return centres.empty() ? CentreScope::every() : CentreScope::only(centres); }
};

nlohmann::json to_json(const UserAccount& user);

// "" when the password may be used, else what is wrong with it.
std::string password_problem(const std::string& password);

// Errors: "invalid_request" (bad name/role/password/centre), "conflict" (name taken).
Result<UserAccount> add_user(Database& db, const std::string& name, const std::string& role,
                             const std::string& password, const std::vector<std::string>& centres = {});
// The account when the name exists, is enabled and the password matches; else "unauthorized".
Result<UserAccount> check_user_password(Database& db, const std::string& name, const std::string& password);
// Enabled or not; nullopt when no such user.
Result<std::optional<UserAccount>> find_user(Database& db, const std::string& id);
Result<bool> user_name_exists(Database& db, const std::string& name);
Result<std::vector<UserAccount>> list_users(Database& db);

// Each also ends the user's sessions (a changed role or scope takes effect at once).
// Errors: "not_found", "invalid_request".
Result<UserAccount> disable_user(Database& db, const std::string& id);
Result<UserAccount> set_user_role(Database& db, const std::string& id, const std::string& role,
                                  const std::vector<std::string>& centres);
// The user's own change: the current password must match. Ends the user's other sessions
// (`keep_session_digest` stays). Errors: "unauthorized" (current wrong), "invalid_request".
Status change_password(Database& db, const std::string& id, const std::string& current, const std::string& next,
                       const std::string& keep_session_digest);

}  // namespace ws::server
