#pragma once
// The server's audit log (ws/audit_chain.hpp on the server database): who enrolled, revoked,
// published, exported, erased, changed users, backed up or restored. Ids, codes and counts only.
#include <string>

#include <nlohmann/json.hpp>

#include "sync-server/core/database.hpp"
#include "ws/audit_chain.hpp"

namespace ws::server {

// The actor of the admin commands: "cli:<login name>" (the operator's account, not a person
// in the records).
std::string cli_actor();

// Appends one entry now, holding the database's write mutex so it queues behind pushes.
Status record_audit(Database& db, const audit::Event& event);

// For `sync-server erase` (and the HQ console): one entry per erased case. `details` may hold
// counts and a reason code; the free-text reason stays out (it may name the person).
Status audit_erasure(Database& db, const std::string& actor, const std::string& case_id,
                     const nlohmann::json& details = nlohmann::json::object());

}  // namespace ws::server
