#pragma once
// Records the server refused, kept so HQ can see them (`sync-server refused`): what was sent,
// by which device, and why. A record later accepted marks its refusals resolved.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync-server/core/database.hpp"
#include "ws/result.hpp"

namespace ws::server {

struct RefusedRecord {
  std::string record_id;
  std::string kind;
  std::string centre;
  std::string device_id;
  std::string code;     // machine-readable reason, e.g. "rejected"
  std::string message;  // the words sent back to the kiosk
  std::int64_t refused_at_ms = 0;
  std::string payload;  // the refused record's payload as sent (JSON text)
  std::optional<std::int64_t> resolved_at_ms;
};

// Both run inside the push's write transaction, so a rolled-back batch leaves no trace.
Status keep_refusal(sql::Connection& db, const RefusedRecord& refused);
// Marks the open refusals of these records (now accepted) resolved.
Status resolve_refusals(sql::Connection& db, const std::string& centre, const std::vector<std::string>& record_ids,
                        std::int64_t now_ms);

struct RefusedQuery {
  std::optional<std::string> centre;
  bool include_resolved = false;
};
// Oldest first.
Result<std::vector<RefusedRecord>> list_refused(Database& db, const RefusedQuery& query);
nlohmann::json to_json(const RefusedRecord& refused);

}  // namespace ws::server
