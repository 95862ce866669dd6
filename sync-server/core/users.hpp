#pragma once
// HQ user accounts (viewer, manager, admin) for the dashboard; passwords as Argon2id hashes.
#include <string>

#include "sync-server/core/database.hpp"
#include "ws/result.hpp"

namespace ws::server {

struct UserAccount {
  std::string id;
  std::string name;
  std::string role;
};

// Errors: "invalid_request" (bad name/role/password), "conflict" (name taken).
Result<UserAccount> add_user(Database& db, const std::string& name, const std::string& role,
                             const std::string& password);
// The account when the name exists, is enabled and the password matches; else "unauthorized".
Result<UserAccount> check_user_password(Database& db, const std::string& name, const std::string& password);

}  // namespace ws::server
