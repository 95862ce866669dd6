#pragma once
// The server's payload validator and publish-time definition check, both built on the shared
// forms and content libraries so the server judges exactly as the kiosks do.
#include <memory>
#include <string>
#include <vector>

#include "sync-server/core/payload_validator.hpp"
#include "sync-server/core/publish.hpp"
#include "ws/result.hpp"

namespace ws::server {

// `forms_dir` (may be empty): a folder of <id>.json definitions, e.g. the repo's assets/forms.
// Definitions published as `form` records are added while serving (see PayloadValidator::refresh).
Result<std::unique_ptr<PayloadValidator>> make_payload_validator(const std::string& forms_dir);

// What `sync-server publish` runs on a definition before storing it.
DefinitionCheck publish_definition_check();
// Every problem that check would find in a "form" or "content" definition (empty: none), for
// the HQ console's check, which lists them all.
std::vector<Error> definition_problems(const std::string& kind, const nlohmann::json& definition);

}  // namespace ws::server
