#pragma once
// POST /v1/have: a kiosk that saw the epoch change lists (id, version) of the records it holds;
// the server answers which of them it lacks or holds in an older version, and the kiosk pushes
// those again. Read only: the push that follows does the writing, idempotent by version.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync-server/core/database.hpp"
#include "ws/hlc.hpp"
#include "ws/result.hpp"

namespace ws::server {

struct HeldVersion {
  std::string id;
  Version version;
};

// {"records":[{"id","version"}...]} with at most protocol::kMaxHaveRecords entries.
Result<std::vector<HeldVersion>> parse_have_request(const nlohmann::json& body);

// The ids the server does not hold or holds older than given. A record the server holds for
// another centre is never reported: this device could not push it anyway.
Result<std::vector<std::string>> missing_records(Database& db, const std::string& centre,
                                                 const std::vector<HeldVersion>& held);

}  // namespace ws::server
