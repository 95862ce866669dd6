#pragma once
// Per-field last-writer-wins merge by HLC, the device id breaking ties. Runs the same on the
// server (ingest) and on the kiosk (pull), so every replica converges to the same record.
//
// Repeat groups whose every row carries a stable id (`"_row": "<uuid>"`) merge per row: each
// row's answers have their own versions at `<field>/<row id>/<answer>` in field_versions, and a
// deleted row leaves a tombstone version at `<field>/<row id>`. Lists with a row lacking an id
// (older kiosks and records) merge as one value, as before.
#include <string>
#include <vector>

#include "ws/envelope.hpp"

namespace ws {

inline constexpr const char* kRowIdKey = "_row";

// A value that lost a concurrent edit; kept in a conflict log, never silently dropped.
// For a repeat row, `field` is the path `<field>/<row id>/<answer>`, or `<field>/<row id>`
// when a whole row lost to a delete (its value is the row) or a delete lost to an edit
// (the lost value is null).
struct FieldConflict {
  std::string field;
  nlohmann::json lost_value;  // null when the losing side had no value
  Version lost_version;
  nlohmann::json won_value;
  Version won_version;
  bool stored_lost = false;  // the value that lost was the stored side's (else the incoming's)
};

struct MergeOutcome {
  Envelope merged;
  std::vector<FieldConflict> conflicts;
  bool changed = false;  // merged differs from `stored`
};

// Precondition: same id, kind and centre (callers check and reject otherwise).
// A concurrent edit is one the other side had not seen: a field whose stored version is newer
// than the incoming record's base_version, while the incoming side also changed it.
// Tombstones win: once deleted, a record stays deleted.
MergeOutcome merge(const Envelope& stored, const Envelope& incoming);

// True for an array whose every element is an object with a non-empty string `_row`.
bool is_row_list(const nlohmann::json& value);

// Records a local edit of top-level `field` at `v`: `e.payload[field]` holds the new value,
// `before` the old one (null when absent). For a row list it stamps only the row answers that
// changed, new rows, and tombstones for removed rows; the rest keep their old versions
// explicitly so that the field's new version does not make them look newer than they are.
void stamp_edit(Envelope& e, const std::string& field, const nlohmann::json& before, const Version& v);

// The edit (a patch of top-level fields) that writes a logged lost value back over `payload`:
// `{field: value}` for a top-level field; for a repeat row's answer or whole row (`path` as in
// FieldConflict), the field's current list with that answer set, the row put back, or (a lost
// delete) the row removed. Rows stay in row id order.
nlohmann::json restore_patch(const nlohmann::json& payload, const std::string& path, const nlohmann::json& lost_value);

}  // namespace ws
