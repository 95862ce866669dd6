// Built when shared/forms is not part of the tree: payloads are accepted as the envelope
// limits allow.
#include "sync-server/core/form_validation.hpp"

namespace ws::server {

bool forms_validation_available() { return false; }

Result<std::unique_ptr<PayloadValidator>> make_payload_validator(const std::string& forms_dir) {
  if (!forms_dir.empty()) {
    return fail("invalid_request", "--forms needs a build with shared/forms (ws_forms); this one has none");
  }
  return std::unique_ptr<PayloadValidator>(std::make_unique<AcceptingValidator>());
}

}  // namespace ws::server
