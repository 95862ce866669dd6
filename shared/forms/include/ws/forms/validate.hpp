#pragma once
// Strict validation of a payload (a form's answers) against its definition. Runs the same on
// the kiosk (CLI, form session) and on the server (every pushed record): never throws, does
// work bounded by the definition's limits, and never descends into answers it does not expect.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ws/forms/definition.hpp"

namespace ws::json_view {
class Dom;  // ws/json_view.hpp
}

namespace ws::forms {

// One problem with one answer. `field` is a path: "name_latin", "family_members.1.name"
// (repeat items count from 0), or "" for the payload as a whole. `code` is stable for programs
// (see docs/forms.md); `message` is English words for a person and never repeats the answer.
struct FieldError {
  std::string field;
  std::string code;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

struct ValidationOptions {
  // yyyy-mm-dd used for "today", not_in_future, today() and age(). Empty: today_latest_zone(),
  // the lenient choice for a server that receives records from kiosks in other time zones.
  std::string today;
  std::size_t max_errors = 100;  // then one "too_many_errors" entry ends the list
};

// Empty vector = valid. Top-level keys starting with '_' are metadata (a string of at most 128
// characters), not answers. Answers to questions that do not apply (skip logic) are refused
// with "not_relevant": the form session clears them, so a payload holding one is stale or forged.
std::vector<FieldError> validate(const FormDefinition& def, const nlohmann::json& answers);
std::vector<FieldError> validate(const FormDefinition& def, const nlohmann::json& answers,
                                 const ValidationOptions& options);
// The same judgement of answers read by simdjson (the server's push path), without a tree.
std::vector<FieldError> validate_dom(const FormDefinition& def, const json_view::Dom& answers,
                                 const ValidationOptions& options);

// A copy of `answers` where every answer to a question that does not apply is null (a clearing
// write that replicates through per-field merge). For tools that edit answers outside a session.
nlohmann::json clear_irrelevant(const FormDefinition& def, const nlohmann::json& answers, std::string_view today = {});

bool is_metadata_key(std::string_view key);
nlohmann::json to_json(const FieldError& e);
nlohmann::json to_json(const std::vector<FieldError>& errors);

}  // namespace ws::forms
