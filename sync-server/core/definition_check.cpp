// Publish-time checks of forms and content bundles with the same shared code the kiosks run,
// so HQ cannot publish something every kiosk would refuse.
#include "sync-server/core/form_validation.hpp"

#include "ws/content/bundle.hpp"
#include "ws/forms/form.hpp"

namespace ws::server {

DefinitionCheck publish_definition_check() {
  return [](const std::string& kind, const nlohmann::json& definition) -> Status {
    if (kind == "form") {
      auto parsed = forms::parse_definition(definition);
      if (!parsed) return fail(parsed.error());
    }
    if (kind == "content") {
      // The published form embeds every file, so a kiosk gets all of a bundle or none of it.
      auto parsed = content::parse_bundle(definition, /*require_files=*/true);
      if (!parsed) return fail(parsed.error());
    }
    return ok();
  };
}

std::vector<Error> definition_problems(const std::string& kind, const nlohmann::json& definition) {
  if (kind == "form") return forms::definition_problems(definition);
  if (kind == "content") return content::bundle_problems(definition, /*require_files=*/true);
  return {};
}

}  // namespace ws::server
