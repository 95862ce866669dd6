#include "sync-server/core/publish.hpp"

#include <sodium.h>

#include "sync-server/core/records.hpp"
#include "ws/crypto.hpp"
#include "ws/envelope.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"

namespace ws::server {
namespace {

bool valid_item_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Status check_envelope_limits(const Envelope& e) {
  // Kiosks parse pulled records with the default limits; refuse what they would refuse.
  auto again = envelope_from_json(to_json(e));
  if (!again) return fail("invalid_request", again.error().message);
  return ok();
}

}  // namespace

std::string published_record_id(const std::string& kind, const std::string& item_id, const std::string& scope) {
  crypto::init();
  const std::string key = "waystation-published\n" + kind + "\n" + item_id + "\n" + scope;
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr, 0);
  // Shape it as an RFC 9562 UUIDv8 (custom, name-based) so it passes every UUID check.
  h[6] = static_cast<unsigned char>((h[6] & 0x0F) | 0x80);
  h[8] = static_cast<unsigned char>((h[8] & 0x3F) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[h[i] >> 4];
    out += hex[h[i] & 0x0F];
  }
  return out;
}

Result<nlohmann::json> parse_published_text(std::string_view text) {
  auto definition = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (definition.is_discarded()) return fail("invalid_json", "the file is not valid JSON");
  return definition;
}

Result<PublishTarget> check_publishable(const std::string& kind, const nlohmann::json& definition,
                                        const DefinitionCheck& check) {
  if (kind != "form" && kind != "content") return fail("invalid_request", "--kind must be form or content");
  if (!definition.is_object()) return fail("invalid_request", "the file must hold a JSON object");
  // Kiosks refuse deeper payloads, and copying or comparing deeper JSON recurses per level.
  if (const int limit = EnvelopeLimits{}.max_depth; json_depth(definition) > limit) {
    return fail("invalid_request", "the file is nested more than " + std::to_string(limit) + " levels deep");
  }
  // A form names itself in "id", a content bundle in "bundle".
  const char* id_key = kind == "form" ? "id" : "bundle";
  auto id_it = definition.find(id_key);
  if (id_it == definition.end() || !id_it->is_string() || !valid_item_id(id_it->get<std::string>())) {
    return fail("invalid_request", std::string("the file needs a string \"") + id_key +
                                       "\": 1-64 of a-z, 0-9, '_', '-', '.'");
  }
  PublishTarget target{id_it->get<std::string>(), 1};
  if (auto v = definition.find("version"); v != definition.end()) {
    if (!v->is_number_integer() || v->get<std::int64_t>() < 1 || v->get<std::int64_t>() > 10000) {
      return fail("invalid_request", "\"version\" must be an integer between 1 and 10000");
    }
    target.version = static_cast<int>(v->get<std::int64_t>());
  }
  if (check) {
    if (auto s = check(kind, definition); !s) return fail("invalid_request", s.error().message);
  }
  return target;
}

Result<Published> publish(Database& db, const std::string& kind, const nlohmann::json& definition,
                          const std::string& centre, const DefinitionCheck& check) {
  const std::string scope = centre.empty() ? kAllCentres : centre;
  if (!centre.empty() && (!is_valid_centre(centre) || centre == kAllCentres)) {
    return fail("invalid_request", "a centre code is 1-32 letters, digits, '_' or '-'");
  }
  auto target = check_publishable(kind, definition, check);
  if (!target) return fail(target.error());
  const int version = target->version;

  Published out;
  out.kind = kind;
  out.centre = scope;
  out.item_id = target->item_id;
  out.version = version;
  out.record_id = published_record_id(kind, out.item_id, scope);

  auto w = WriteScope::begin(db);
  if (!w) return fail(w.error());
  auto stored = load_record(w->conn(), out.record_id);
  if (!stored) return fail(stored.error());
  if (*stored && (*stored)->payload == definition && (*stored)->schema_version == version && !(*stored)->deleted) {
    auto seq = current_seq(w->conn());
    if (!seq) return fail(seq.error());
    out.seq = *seq;
    return out;  // republishing the same content changes nothing
  }
  auto stamp = next_server_version(w->conn());
  if (!stamp) return fail(stamp.error());
  Envelope e;
  e.id = out.record_id;
  e.kind = kind;
  e.centre = scope;
  e.version = *stamp;
  e.schema_version = version;
  // The whole definition is replaced, fields of an old version included: HQ is its only author.
  e.payload = definition;
  for (const auto& [field, _] : definition.items()) e.field_versions[field] = *stamp;
  if (auto s = check_envelope_limits(e); !s) return fail(s.error());
  auto seq = write_record(w->conn(), e);
  if (!seq) return fail(seq.error());
  if (auto s = w->commit(); !s) return fail(s.error());
  out.changed = true;
  out.seq = *seq;
  return out;
}

Result<CounsellorAccount> add_counsellor(Database& db, const std::string& centre, const std::string& name,
                                         const std::string& role, const std::string& secret) {
  if (!is_valid_centre(centre) || centre == kAllCentres) {
    return fail("invalid_request", "a centre code is 1-32 letters, digits, '_' or '-'");
  }
  if (name.empty() || name.size() > 128) return fail("invalid_request", "the name must be 1-128 characters");
  if (role != "counsellor" && role != "admin") return fail("invalid_request", "--role must be counsellor or admin");
  if (const std::string problem = crypto::secret_problem(secret); !problem.empty()) {
    return fail("invalid_request", "PIN: " + problem);
  }
  auto hash = crypto::hash_password(secret);
  if (!hash) return fail(hash.error());

  auto w = WriteScope::begin(db);
  if (!w) return fail(w.error());
  auto stamp = next_server_version(w->conn());
  if (!stamp) return fail(stamp.error());
  Envelope e;
  e.id = new_uuid_v7();
  e.kind = "counsellor";
  e.centre = centre;
  e.version = *stamp;
  e.payload = {{"name", name}, {"role", role}, {"pin_hash", *hash}, {"active", true}};
  for (const auto& [field, _] : e.payload.items()) e.field_versions[field] = *stamp;
  auto seq = write_record(w->conn(), e);
  if (!seq) return fail(seq.error());
  if (auto s = w->commit(); !s) return fail(s.error());
  return CounsellorAccount{e.id, centre, role};
}

namespace {

// Sets `changes` on a counsellor account with a new server version per changed field, so they
// win over older kiosk edits and reach every kiosk of the centre.
Result<CounsellorAccount> change_counsellor(Database& db, const std::string& id, const nlohmann::json& changes) {
  if (!is_uuid(id)) return fail("invalid_request", "--id must be a counsellor record id (UUID)");
  auto w = WriteScope::begin(db);
  if (!w) return fail(w.error());
  auto stored = load_record(w->conn(), id);
  if (!stored) return fail(stored.error());
  if (!*stored || (*stored)->kind != "counsellor" || (*stored)->deleted) {
    return fail("not_found", "no counsellor with that id");
  }
  Envelope e = **stored;
  auto stamp = next_server_version(w->conn());
  if (!stamp) return fail(stamp.error());
  e.version = *stamp;
  for (const auto& [field, value] : changes.items()) {
    e.payload[field] = value;
    e.field_versions[field] = *stamp;
  }
  auto seq = write_record(w->conn(), e);
  if (!seq) return fail(seq.error());
  if (auto s = w->commit(); !s) return fail(s.error());
  return CounsellorAccount{e.id, e.centre, e.payload.value("role", "")};
}

}  // namespace

Result<CounsellorAccount> disable_counsellor(Database& db, const std::string& id) {
  return change_counsellor(db, id, {{"active", false}});
}

Result<CounsellorAccount> reset_counsellor_pin(Database& db, const std::string& id, const std::string& secret) {
  if (const std::string problem = crypto::secret_problem(secret); !problem.empty()) {
    return fail("invalid_request", "PIN: " + problem);
  }
  auto hash = crypto::hash_password(secret);
  if (!hash) return fail(hash.error());
  return change_counsellor(db, id, {{"pin_hash", *hash}});
}

}  // namespace ws::server
