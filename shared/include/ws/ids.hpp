#pragma once
// Time-sortable record ids (UUIDv7, RFC 9562): ids made later sort later, so the outbox and
// listings keep creation order without an extra column, and two kiosks never collide.
#include <cstdint>
#include <optional>
#include <string>

namespace ws {

// A new UUIDv7 in canonical lower-case form. Thread-safe; strictly increasing within a process.
std::string new_uuid_v7();

// Same, for a given Unix time in milliseconds (used by tests to check ordering).
std::string new_uuid_v7_at(std::int64_t unix_ms);

bool is_uuid(const std::string& s);

// The millisecond timestamp of a UUIDv7, or nullopt if `s` is not one.
std::optional<std::int64_t> uuid_v7_time_ms(const std::string& s);

}  // namespace ws
