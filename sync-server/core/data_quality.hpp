#pragma once
// The HQ console's data quality: records the server refused, each with its problem explained
// in plain words, and the conflict log, both within the caller's centre scope. The refused
// payload is never sent to the console (it may hold what the refusal was about).
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sync-server/core/centre_scope.hpp"
#include "sync-server/core/database.hpp"
#include "ws/result.hpp"

namespace ws::server {

// A refusal message from ingest, authority or erasure, explained for HQ staff.
std::string explain_refusal(const std::string& message);

// [{id, kind, centre, device_id, code, message, explanation, refused_at, resolved_at}], oldest first.
Result<nlohmann::json> refused_in_scope(Database& db, const CentreScope& scope, const std::string& centre,
                                        bool include_resolved);
// list_conflicts (conflicts.hpp) within the scope.
Result<nlohmann::json> conflicts_in_scope(Database& db, const CentreScope& scope, const std::string& centre,
                                          const std::string& case_id);

}  // namespace ws::server
