#pragma once
// Envelope JSON for tests that play the kiosk's part against the server (unit and end-to-end).
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "ws/envelope.hpp"
#include "ws/hlc.hpp"

namespace ws::test {

// A record as a kiosk would push it: every field written at `v`.
inline nlohmann::json record_json(const std::string& id, const std::string& kind, const std::string& centre,
                                  const Version& v, const nlohmann::json& payload,
                                  const std::optional<Version>& base = std::nullopt) {
  Envelope e;
  e.id = id;
  e.kind = kind;
  e.centre = centre;
  e.version = v;
  e.payload = payload;
  for (const auto& [k, _] : payload.items()) e.field_versions[k] = v;
  e.base_version = base;
  return to_json(e);
}

}  // namespace ws::test
