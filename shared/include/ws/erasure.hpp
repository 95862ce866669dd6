#pragma once
// The erased tombstone: what HQ's `sync-server erase` leaves of a record. It is an ordinary
// tombstone (`deleted: true`) whose payload holds only `_erased` (the erasure's id) and no
// field versions, so kiosks of every version parse it; kiosks that know the marker replace
// their copy whole instead of merging (a merge would keep the local values).
#include <string>

#include "ws/envelope.hpp"

namespace ws {

inline constexpr const char* kErasedKey = "_erased";

inline bool is_erased(const Envelope& e) {
  if (!e.deleted || !e.payload.is_object()) return false;
  auto it = e.payload.find(kErasedKey);
  return it != e.payload.end() && it->is_string();
}

// Retention: the centre settings record HQ writes (`sync-server retention`), kind "settings",
// payload {"retention_days": N}. Kiosks keep closed cases this many days by default.
inline constexpr const char* kSettingsKind = "settings";
inline constexpr const char* kRetentionDaysKey = "retention_days";
inline constexpr int kDefaultRetentionDays = 30;

}  // namespace ws
