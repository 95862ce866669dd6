#include "ws/merge.hpp"

#include <set>

namespace ws {

MergeOutcome merge(const Envelope& stored, const Envelope& incoming) {
  MergeOutcome out;
  out.merged = stored;
  Envelope& m = out.merged;
  const Version base = incoming.base_version.value_or(Version{});
  const auto seen_by_incoming = [&](const Version& v) { return incoming.base_version && v <= base; };

  std::set<std::string> fields;
  for (const auto& [k, _] : stored.payload.items()) fields.insert(k);
  for (const auto& [k, _] : incoming.payload.items()) fields.insert(k);

  for (const auto& field : fields) {
    const bool in_stored = stored.payload.contains(field);
    const bool in_incoming = incoming.payload.contains(field);
    const Version sv = stored.field_version(field);
    const Version iv = incoming.field_version(field);
    const nlohmann::json svalue = in_stored ? stored.payload[field] : nlohmann::json();
    const nlohmann::json ivalue = in_incoming ? incoming.payload[field] : nlohmann::json();

    if (!in_incoming) continue;  // partial records keep what the other side has
    if (!in_stored || iv > sv) {
      if (in_stored && svalue != ivalue && !seen_by_incoming(sv)) {
        out.conflicts.push_back({field, svalue, sv, ivalue, iv});
      }
      if (!in_stored || svalue != ivalue || sv != iv) out.changed = true;
      m.payload[field] = ivalue;
      m.field_versions[field] = iv;
    } else if (iv < sv && svalue != ivalue && !seen_by_incoming(iv)) {
      // The incoming side edited this field after its last sync, but a later write won.
      out.conflicts.push_back({field, ivalue, iv, svalue, sv});
    }
  }
  // Fields written implicitly at the record version must keep that version after merging.
  for (const auto& [field, _] : m.payload.items()) {
    if (!m.field_versions.count(field)) m.field_versions[field] = stored.version;
  }
  if (incoming.version > m.version) {
    m.version = incoming.version;
    out.changed = true;
  }
  if (incoming.deleted && !m.deleted) {
    m.deleted = true;
    out.changed = true;
  }
  m.schema_version = std::max(m.schema_version, incoming.schema_version);
  m.base_version.reset();
  return out;
}

}  // namespace ws
