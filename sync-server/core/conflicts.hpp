#pragma once
// The server's conflict log, read back for HQ: every value that lost a concurrent edit, with
// what was kept instead, the devices on both sides and when.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sync-server/core/database.hpp"
#include "ws/result.hpp"

namespace ws::server {

struct ConflictFilter {
  std::optional<std::string> centre;
  std::optional<std::string> case_id;  // the case record itself, and records filed under it
};

// Oldest first. Each entry: id, record_id, kind, centre, case_id (null when the record is filed
// under no case), field (a repeat row's path for row answers), value_kept, value_lost, kept_by
// and lost_by ({device_id, name}; name null for a device this server does not know), kept_at
// and lost_at (the writes' clock times), pushed_by (the device whose push met the conflict),
// logged_at.
Result<nlohmann::json> list_conflicts(Database& db, const ConflictFilter& filter);

}  // namespace ws::server
