#pragma once
// Server-authored records: HQ's published forms and content bundles, and counsellor accounts.
// They are stamped with the server's own clock and device id "server", and reach kiosks
// through the ordinary pull feed.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sync-server/core/database.hpp"
#include "ws/result.hpp"

namespace ws::server {

// Checks a definition before it is published (e.g. ws::forms::parse_definition); an error
// message refuses it. Empty function = accept any object with an id.
using DefinitionCheck = std::function<Status(const std::string& kind, const nlohmann::json& definition)>;

struct Published {
  std::string record_id;
  std::string kind;
  std::string centre;  // kAllCentres when published to every centre
  std::string item_id;  // form id or bundle id
  int version = 1;
  bool changed = false;  // false when the same content was already published
  std::int64_t seq = 0;
};

// The stable record id of a published item: one record per (kind, item id, scope), so a new
// version replaces the old one on every kiosk.
std::string published_record_id(const std::string& kind, const std::string& item_id, const std::string& scope);

// kind: "form" or "content". `centre` empty = every centre. The file must be a JSON object
// naming itself in "id" (a form) or "bundle" (a content bundle): 1-64 of a-z, 0-9, '_', '-',
// '.'; an integer "version" (>= 1), if present, becomes the record's schema_version. The
// record must fit the envelope limits kiosks apply when pulling (256 KiB of payload).
// The text of a file HQ publishes (`sync-server publish --file`), parsed. Errors: "invalid_json".
Result<nlohmann::json> parse_published_text(std::string_view text);

struct PublishTarget {
  std::string item_id;
  int version = 1;
};
// Every check publish() makes before it stores anything (kind, shape, id, version, `check`).
// Errors: "invalid_request" with the problem in words.
Result<PublishTarget> check_publishable(const std::string& kind, const nlohmann::json& definition,
                                        const DefinitionCheck& check);

Result<Published> publish(Database& db, const std::string& kind, const nlohmann::json& definition,
                          const std::string& centre, const DefinitionCheck& check = {});

struct CounsellorAccount {
  std::string id;
  std::string centre;
  std::string role;
};

// role: "counsellor" or "admin". The secret is hashed with Argon2id; only the hash is stored.
Result<CounsellorAccount> add_counsellor(Database& db, const std::string& centre, const std::string& name,
                                         const std::string& role, const std::string& secret);
// Sets active=false with a new server version, so it wins over older kiosk edits.
// Errors: "not_found".
Result<CounsellorAccount> disable_counsellor(Database& db, const std::string& id);
// A new PIN under the same policy as add_counsellor, stamped like disable_counsellor.
// Errors: "not_found", "invalid_request".
Result<CounsellorAccount> reset_counsellor_pin(Database& db, const std::string& id, const std::string& secret);

}  // namespace ws::server
