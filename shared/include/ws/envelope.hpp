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

// How `field_versions` travels. Full: an entry for every written field, as parsed envelopes hold it.
// Compact (protocol 2, docs/protocol.md "Compact envelopes"): a top-level field's entry is left
// out when it equals the record's `version`, which is what a missing entry means in every
// protocol version, so both forms merge identically. Row answers and row tombstones
// (`<field>/<row id>...`) always keep their entries.
enum class EnvelopeForm { Full, Compact };

nlohmann::json to_json(const Envelope& e, EnvelopeForm form = EnvelopeForm::Full);
// Strict parse: unknown keys, wrong types, bad ids and oversize payloads are refused with a
// message that names the offending field. Either form is accepted; the envelope returned is
// full (expand_field_versions), so a compact and a full text of one record parse the same.
Result<Envelope> envelope_from_json(const nlohmann::json& j, const EnvelopeLimits& limits = {});
// The same, taking the payload out of `j` instead of copying it (`j` is left intact when the
// record is refused). When `payload_text` is given it receives the payload's compact JSON,
// which the size check computes anyway, so that a caller storing it need not dump it again.
// `form` is the form of the returned `field_versions`: Compact keeps only the entries the
// compact form sends (what the server stores), so no entry is made only to be dropped again.
Result<Envelope> envelope_from_json(nlohmann::json&& j, const EnvelopeLimits& limits,
                                    std::string* payload_text = nullptr, EnvelopeForm form = EnvelopeForm::Full);

// `field_versions` as a compact JSON object of version strings, as to_json writes it; built
// directly because the server and the kiosk store it for every record they write.
std::string field_versions_json(const std::map<std::string, Version>& field_versions);

// Gives every top-level payload field without an entry the record's version explicitly (what
// its missing entry meant), so later edits and merges see the same versions in either form.
void expand_field_versions(Envelope& e);
// Whether the compact form keeps this entry of a record at `version`: row paths always, a
// top-level field only when its version differs from the record's.
bool kept_in_compact(const std::string& key, const Version& v, const Version& version);
// field_versions_json of the entries the compact form keeps.
std::string compact_field_versions_json(const std::map<std::string, Version>& field_versions, const Version& version);
// `field_versions` text (as field_versions_json writes it) in compact form for a record at
// `version`. Text it cannot read as such is returned unchanged: the full form is always valid.
std::string compact_field_versions_json(std::string_view field_versions, std::string_view version);

// An envelope's JSON, as to_json(e, form).dump() writes it, from parts that are already text (as a
// store keeps them): feeds and outboxes send thousands of records and would otherwise parse
// and re-dump every payload. The strings must be what the envelope checks allow (ids, kinds,
// centres and versions hold nothing to escape); `payload` and `field_versions` are JSON objects.
struct EnvelopeText {
  std::string_view id, kind, centre, version;
  bool deleted = false;
  int schema_version = 1;
  std::string_view payload, field_versions;
  std::optional<std::string_view> base_version;
  EnvelopeForm form = EnvelopeForm::Compact;  // what the protocol sends, and what stores keep
};
std::string envelope_json(const EnvelopeText& e);

bool is_valid_kind(const std::string& kind);
bool is_valid_centre(const std::string& centre);
// Depth of a JSON value (a scalar is 1).
int json_depth(const nlohmann::json& j);

}  // namespace ws
