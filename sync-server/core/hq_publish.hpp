#pragma once
// Publishing from the HQ console: the check (the same code `sync-server publish` and the kiosks
// run) with its problems placed by page and field and a read-only preview of what kiosks would
// show; publishing to every centre or to chosen ones; and what is published.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync-server/core/centre_scope.hpp"
#include "sync-server/core/database.hpp"
#include "sync-server/core/publish.hpp"
#include "ws/result.hpp"

namespace ws::server {

struct PublishProblem {
  std::string page;   // the form page or bundle page it is on ("" when not known)
  std::string field;  // the field (a form field's name, a bundle page's member path), or ""
  std::string message;
};

struct PublicationCheck {
  bool ok = false;
  std::vector<PublishProblem> errors;
  // A form: {kind, id, version, title, languages, pages:[{id, title, fields:[{name, type,
  // label, hint, required, choices:[{value,label}], fields}]}]}. A bundle: {kind, id, version,
  // languages:[{code, name, dir, lang}], pages:[{id, kind, languages:{<code>:{dir, lang, title,
  // blocks, fallback_from}}}]}. Texts are {<language>: text}. Null when not ok.
  nlohmann::json preview;
};

PublicationCheck check_publication(const std::string& kind, const nlohmann::json& definition);
nlohmann::json to_json(const PublicationCheck& check);

// One publish per centre (`centres` empty: one for every centre), after one check: nothing is
// stored when the definition is refused.
Result<std::vector<Published>> publish_to_centres(Database& db, const std::string& kind,
                                                 const nlohmann::json& definition,
                                                 const std::vector<std::string>& centres);

// The forms and bundles published to the centres `scope` allows (or to every centre), with
// their versions: [{record_id, kind, id, version, centre, published_at}].
Result<nlohmann::json> list_published(Database& db, const CentreScope& scope, const std::optional<std::string>& kind);

}  // namespace ws::server
