#pragma once
// Per-field last-writer-wins merge by HLC, the device id breaking ties. Runs the same on the
// server (ingest) and on the kiosk (pull), so every replica converges to the same record.
#include <string>
#include <vector>

#include "ws/envelope.hpp"

namespace ws {

// A value that lost a concurrent edit; kept in a conflict log, never silently dropped.
struct FieldConflict {
  std::string field;
  nlohmann::json lost_value;  // null when the losing side had no value
  Version lost_version;
  nlohmann::json won_value;
  Version won_version;
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

}  // namespace ws
