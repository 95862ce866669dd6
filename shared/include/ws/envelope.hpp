#pragma once
// The record envelope: the unit that is stored, synced and merged on both sides. The payload
// is the form's answers; the envelope carries what sync needs to place and merge it.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ws/hlc.hpp"
#include "ws/result.hpp"

namespace ws {

struct Envelope {
  std::string id;        // UUIDv7
  std::string kind;      // e.g. "case", "intake", "appointment", "form", "content"
  std::string centre;    // reception centre code; authorisation scope
  Version version;       // the latest write to any field
  bool deleted = false;  // tombstone: kept so that deletes replicate
  int schema_version = 1;
  nlohmann::json payload = nlohmann::json::object();
  // Per top-level payload field, the version of its last write (per-field last-writer-wins).
  // A field without an entry counts as written at `version`.
  std::map<std::string, Version> field_versions;
  // The version this device had merged from the server before editing; lets the merge tell a
  // concurrent edit (a conflict worth logging) from a sequential one. Absent for new records.
  std::optional<Version> base_version;

  Version field_version(const std::string& field) const;
};

struct EnvelopeLimits {
  std::size_t max_payload_bytes = 256 * 1024;
  std::size_t max_fields = 512;
  int max_depth = 16;
};

nlohmann::json to_json(const Envelope& e);
// Strict parse: unknown keys, wrong types, bad ids and oversize payloads are refused with a
// message that names the offending field.
Result<Envelope> envelope_from_json(const nlohmann::json& j, const EnvelopeLimits& limits = {});
// The same, taking the payload out of `j` instead of copying it (`j` is left intact when the
// record is refused). When `payload_text` is given it receives the payload's compact JSON,
// which the size check computes anyway, so that a caller storing it need not dump it again.
Result<Envelope> envelope_from_json(nlohmann::json&& j, const EnvelopeLimits& limits,
                                    std::string* payload_text = nullptr);

// `field_versions` as a compact JSON object of version strings, as to_json writes it; built
// directly because the server and the kiosk store it for every record they write.
std::string field_versions_json(const std::map<std::string, Version>& field_versions);

// An envelope's JSON, as to_json(e).dump() writes it, from parts that are already text (as a
// store keeps them): feeds and outboxes send thousands of records and would otherwise parse
// and re-dump every payload. The strings must be what the envelope checks allow (ids, kinds,
// centres and versions hold nothing to escape); `payload` and `field_versions` are JSON objects.
struct EnvelopeText {
  std::string_view id, kind, centre, version;
  bool deleted = false;
  int schema_version = 1;
  std::string_view payload, field_versions;
  std::optional<std::string_view> base_version;
};
std::string envelope_json(const EnvelopeText& e);

bool is_valid_kind(const std::string& kind);
bool is_valid_centre(const std::string& centre);
// Depth of a JSON value (a scalar is 1).
int json_depth(const nlohmann::json& j);

}  // namespace ws
