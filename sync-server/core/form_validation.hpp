#pragma once
// Where the server's payload validator and publish-time definition check come from: the
// shared forms library (ws_forms) when the build has it, otherwise a validator that accepts
// kinds it has no definition for (which, without ws_forms, is every kind).
#include <memory>
#include <string>

#include "sync-server/core/payload_validator.hpp"
#include "sync-server/core/publish.hpp"
#include "ws/result.hpp"

namespace ws::server {

// True when payloads are checked against form definitions in this build.
bool forms_validation_available();

// `forms_dir` (may be empty): a folder of <id>.json definitions, e.g. the repo's assets/forms.
// Definitions published as `form` records are added while serving (see PayloadValidator::refresh).
Result<std::unique_ptr<PayloadValidator>> make_payload_validator(const std::string& forms_dir);

// What `sync-server publish` runs on a definition before storing it.
DefinitionCheck publish_definition_check();

}  // namespace ws::server
