#include "kiosk/cli/form_check.hpp"

#include <cstdlib>
#include <filesystem>

#include "ws/forms/validate.hpp"

namespace ws::kiosk::cli {

std::string default_assets_dir() {
  if (const char* env = std::getenv("WAYSTATION_ASSETS"); env && *env) return env;
#ifdef WS_SOURCE_ASSETS_DIR
  return WS_SOURCE_ASSETS_DIR;
#else
  return "assets";
#endif
}

Result<FormCheck> FormCheck::load(Store& store, const std::string& assets_dir) {
  FormCheck check;
  const auto forms_dir = std::filesystem::path(assets_dir) / "forms";
  std::error_code ec;
  if (std::filesystem::is_directory(forms_dir, ec)) {
    // A broken shipped file is reported but does not hide the valid ones.
    (void)check.registry_.load_directory(forms_dir.string());
  }
  auto published = store.list({.kind = "form", .limit = 10000});
  if (!published) return fail(published.error());
  for (const auto& r : *published) {
    // A published version identical to a shipped one is accepted; a malformed one is skipped
    // (the server validated it; an older kiosk may not understand a newer format).
    (void)check.registry_.add_json(r.envelope.payload);
  }
  return check;
}

Status FormCheck::explain(const std::vector<forms::FieldError>& errors) const {
  if (errors.empty()) return ok();
  std::string words = "the record is not valid:";
  for (const auto& e : errors) {
    words += "\n  ";
    words += e.field.empty() ? std::string("(record)") : e.field;
    words += ": " + e.message + " [" + e.code + "]";
  }
  return fail("invalid_record", words);
}

Result<int> FormCheck::check_new(const std::string& kind, const nlohmann::json& payload) const {
  const auto* def = registry_.find(kind);
  if (!def) {
    std::string known;
    for (const auto& id : registry_.form_ids()) known += (known.empty() ? "" : ", ") + id;
    return fail("unknown_form", "there is no form for kind '" + kind + "' on this kiosk" +
                                    (known.empty() ? std::string(" (no forms are loaded)") : " (known: " + known + ")"));
  }
  if (auto s = explain(forms::validate(*def, payload)); !s) return fail(s.error());
  return def->version;
}

Status FormCheck::check_edit(const Envelope& record, const nlohmann::json& merged_payload) const {
  const auto* def = registry_.find(record.kind, record.schema_version);
  if (!def) def = registry_.find(record.kind);
  if (!def) return fail("unknown_form", "there is no form for kind '" + record.kind + "' on this kiosk");
  return explain(forms::validate(*def, merged_payload));
}

}  // namespace ws::kiosk::cli
