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

// A fictional intake interview that the shipped intake form (assets/forms/intake.json) accepts.
inline nlohmann::json intake_answers(int n) {
  return {{"interview_date", "2026-01-10"},
          {"name_latin", "Test Person " + std::to_string(n)},
          {"sex", n % 2 ? "female" : "male"},
          {"date_of_birth_known", false},
          {"age_years", 20 + n % 50},
          {"nationality", "Testland"},
          {"languages", {"en"}},
          {"interpreter_needed", false},
          {"legal_status", "asylum_rejected"},
          {"legal_status_notes", "Fictional record " + std::to_string(n) + " made by the tests."},
          {"documents_held", {"passport"}},
          {"documents_notes", "Passport seen and returned to the person; copy not kept."},
          {"return_country", "Testland"},
          {"family_travelling", false},
          {"vulnerabilities", {"none"}},
          {"reintegration_interests", {"business"}}};
}

// A case header that the shipped case form accepts.
inline nlohmann::json case_answers(int n) {
  return {{"case_number", "OSL-" + std::to_string(1000 + n)},
          {"name_latin", "Test Case " + std::to_string(n)},
          {"status", "open"}};
}

}  // namespace ws::test
