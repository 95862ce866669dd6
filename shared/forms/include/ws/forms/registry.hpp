#pragma once
// The form definitions a program knows: shipped ones from assets/forms and, later, ones HQ
// publishes through sync. Every version is kept, because records carry the version they were
// written with (the envelope's schema_version) and must still validate after an upgrade.
// Not thread-safe for writes: load at start-up or guard with the owner's lock.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ws/forms/definition.hpp"
#include "ws/forms/validate.hpp"
#include "ws/result.hpp"

namespace ws::forms {

class FormRegistry {
 public:
  // A version, once registered, never changes: adding the same id and version again is accepted
  // when the definition is identical (re-delivery) and refused when it differs.
  Status add(FormDefinition def);
  Status add_json(const nlohmann::json& j);
  // Loads every *.json file in `dir` (sorted by name). Valid files are registered even when some
  // are not; the error then names each failing file and why.
  Status load_directory(const std::string& dir);

  // The given version, or the latest when none is given; nullptr when unknown. The pointer stays
  // valid for the registry's lifetime (definitions are never removed).
  const FormDefinition* find(const std::string& form_id, std::optional<int> version = std::nullopt) const;
  std::vector<std::string> form_ids() const;
  std::vector<int> versions(const std::string& form_id) const;
  std::size_t size() const;

 private:
  std::map<std::string, std::map<int, FormDefinition>> forms_;
};

// Validates a record's payload against the definition named by its kind and schema_version;
// an unknown form or version is one error with code "unknown_form".
std::vector<FieldError> validate_record(const FormRegistry& registry, const std::string& kind, int schema_version,
                                        const nlohmann::json& payload, const ValidationOptions& options = {});
// The same for a payload read by simdjson (ws/json_view.hpp).
std::vector<FieldError> validate_record_dom(const FormRegistry& registry, const std::string& kind, int schema_version,
                                            const json_view::Dom& payload, const ValidationOptions& options = {});

}  // namespace ws::forms
