#pragma once
// What the HQ console's admin routes need from the store beyond the admin commands' core:
// one device's centre, counsellor accounts by centre, and the audit log a page
// at a time. Counsellor listings never carry a PIN hash.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync-server/core/centre_scope.hpp"
#include "sync-server/core/database.hpp"
#include "sync-server/core/publish.hpp"
#include "ws/result.hpp"

namespace ws::server {

struct DeviceSummary {
  std::string id;
  std::string centre;
  bool revoked = false;
};
Result<std::optional<DeviceSummary>> find_device(Database& db, const std::string& id);

struct CounsellorSummary {
  std::string id;
  std::string centre;
  std::string name;
  std::string role;
  bool active = true;
};
nlohmann::json to_json(const CounsellorSummary& c);

// The accounts of the centres `scope` allows (only `centre` when given), by centre and name.
Result<std::vector<CounsellorSummary>> list_counsellors(Database& db, const CentreScope& scope,
                                                        const std::optional<std::string>& centre);
Result<std::optional<CounsellorSummary>> find_counsellor(Database& db, const std::string& id);

// Newest first: at most `limit` entries with seq below `before` (0 = from the newest).
Result<nlohmann::json> audit_page(Database& db, int limit, std::int64_t before);

}  // namespace ws::server
