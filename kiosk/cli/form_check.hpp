#pragma once
// Validation for `add` and `edit`, the same rules the UI applies: the form definitions shipped
// in the assets folder plus those HQ published through sync (kind "form" records).
#include <string>

#include <nlohmann/json.hpp>

#include "kiosk/core/store/store.hpp"
#include "ws/forms/registry.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::cli {

class FormCheck {
 public:
  static Result<FormCheck> load(Store& store, const std::string& assets_dir);

  // The schema_version a new record of `kind` gets, or the field errors in words.
  Result<int> check_new(const std::string& kind, const nlohmann::json& payload) const;
  // Checks an edited record's full payload against the version it was written with.
  Status check_edit(const Envelope& record, const nlohmann::json& merged_payload) const;

 private:
  Status explain(const std::vector<forms::FieldError>& errors) const;
  forms::FormRegistry registry_;
};

// The assets folder: --assets, else $WAYSTATION_ASSETS, else the source tree's.
std::string default_assets_dir();

}  // namespace ws::kiosk::cli
