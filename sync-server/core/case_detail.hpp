#pragma once
// The HQ console's case page: every record of a case in time order, answers shown with the
// form's labels and choice labels, each record's earlier versions and its conflict log entries.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "sync-server/core/centre_scope.hpp"
#include "sync-server/core/database.hpp"
#include "ws/forms/registry.hpp"
#include "ws/result.hpp"

namespace ws::server {

// The definitions the server knows: those shipped in `forms_dir` (may be empty) plus every
// published `form` record.
Result<std::shared_ptr<const forms::FormRegistry>> load_form_registry(Database& db, const std::string& forms_dir);

// {key, label, value, display} per answered field in the form's order (repeat groups: `rows`,
// each a list of the same), then any answer the form does not name (label = key).
nlohmann::json labelled_answers(const forms::FormRegistry& registry, const std::string& kind, int form_version,
                                const nlohmann::json& payload, const std::string& lang);

// {case, records:[{id, kind, form_version, created_at, updated_at, deleted, answers, history,
// conflicts}]}. "not_found" when there is no such case or the scope does not allow its centre
// (one answer for both, so a scoped user learns nothing about other centres' cases).
Result<nlohmann::json> case_detail(Database& db, const CentreScope& scope, const std::string& case_id,
                                   const forms::FormRegistry& registry, const std::string& lang = "en");

}  // namespace ws::server
