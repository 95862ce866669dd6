#pragma once
// Schema migrations for the server file, tracked by PRAGMA user_version.
#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

inline constexpr int kSchemaVersion = 12;

// Brings the file up to kSchemaVersion in one transaction; refuses a newer file.
Status migrate(sql::Connection& db);

}  // namespace ws::server
