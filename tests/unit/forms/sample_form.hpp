#pragma once
// A test form that uses every field type, relevance chains, a repeat group, conditional
// `required`, a constraint and three pages.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "ws/forms/form.hpp"

namespace sample {

inline constexpr const char* kToday = "2024-06-15";
inline constexpr const char* kSignature = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==";

inline nlohmann::json definition_json() {
  return nlohmann::json::parse(R"JSON({
  "id": "sample", "version": 2,
  "title": {"en": "Sample", "nb": "Eksempel"},
  "translation_status": {"nb": "machine draft, needs review"},
  "pages": [{"id": "p1", "title": {"en": "One"}}, {"id": "p2", "title": {"en": "Two"}},
            {"id": "p3", "title": {"en": "Three"}}],
  "fields": [
    {"name": "intro", "type": "note", "label": {"en": "Welcome"}, "page": "p1"},
    {"name": "full_name", "type": "text", "label": {"en": "Name", "nb": "Navn"}, "required": true,
     "min_length": 2, "max_length": 20, "pattern": "[^0-9]+", "page": "p1"},
    {"name": "age", "type": "number", "label": {"en": "Age"}, "integer": true, "min": 0, "max": 120,
     "required": true, "page": "p1"},
    {"name": "guardian", "type": "text", "label": {"en": "Guardian"}, "relevant": "${age} < 18",
     "required": true, "page": "p1"},
    {"name": "guardian_phone", "type": "text", "label": {"en": "Guardian phone"},
     "relevant": "${guardian} != ''", "pattern": "\\+?[0-9 ]{6,20}", "page": "p1"},
    {"name": "arrival", "type": "date", "label": {"en": "Arrival"}, "not_in_future": true,
     "min_date": "2000-01-01", "page": "p2"},
    {"name": "story", "type": "long_text", "label": {"en": "Notes"}, "max_length": 50, "page": "p2"},
    {"name": "sex", "type": "single_choice", "label": {"en": "Sex"}, "page": "p2",
     "choices": [{"value": "female", "label": {"en": "Female"}}, {"value": "male", "label": {"en": "Male"}}]},
    {"name": "needs", "type": "multiple_choice", "label": {"en": "Needs"}, "max_count": 2, "page": "p2",
     "choices": [{"value": "none", "label": {"en": "None"}, "exclusive": true},
                 {"value": "medical", "label": {"en": "Medical"}},
                 {"value": "pregnancy", "label": {"en": "Pregnancy"}}]},
    {"name": "medical_details", "type": "long_text", "label": {"en": "Medical details"},
     "relevant": "selected(${needs}, 'medical')", "required": true, "page": "p2"},
    {"name": "family", "type": "yes_no", "label": {"en": "Family travelling?"}, "required": true, "page": "p3"},
    {"name": "members", "type": "repeat", "label": {"en": "Members"}, "relevant": "${family} = true",
     "min_count": 1, "max_count": 3, "page": "p3", "fields": [
       {"name": "member_name", "type": "text", "label": {"en": "Name"}, "required": true},
       {"name": "member_minor", "type": "yes_no", "label": {"en": "Under 18?"}, "required": true},
       {"name": "member_school", "type": "text", "label": {"en": "School"}, "relevant": "${member_minor} = true"}
     ]},
    {"name": "members_note", "type": "long_text", "label": {"en": "About members"},
     "relevant": "count(${members}) > 1", "page": "p3"},
    {"name": "amount", "type": "number", "label": {"en": "Amount"}, "hint": {"en": "Amount set by the programme"},
     "min": 0, "page": "p3"},
    {"name": "currency", "type": "single_choice", "label": {"en": "Currency"}, "required": "${amount} != ''",
     "page": "p3", "choices": [{"value": "nok", "label": {"en": "NOK"}}, {"value": "eur", "label": {"en": "EUR"}}]},
    {"name": "agree", "type": "yes_no", "label": {"en": "Agree"}, "required": true, "constraint": ". = true",
     "constraint_message": {"en": "You must agree", "nb": "Du må samtykke"}, "page": "p3"},
    {"name": "signature", "type": "signature", "label": {"en": "Signature"}, "page": "p3"}
  ]})JSON");
}

inline ws::forms::FormDefinition definition() {
  auto def = ws::forms::parse_definition(definition_json());
  REQUIRE_MESSAGE(def, (def ? "" : def.error().message));
  return *def;
}

inline nlohmann::json valid_answers() {
  return nlohmann::json::parse(R"JSON({
    "full_name": "Amina", "age": 30, "arrival": "2020-03-01", "story": "line one\nline two",
    "sex": "female", "needs": ["medical"], "medical_details": "insulin", "family": true,
    "members": [{"member_name": "Sara", "member_minor": true, "member_school": "Grade 3"},
                {"member_name": "Ali", "member_minor": false}],
    "members_note": "both travel", "amount": 1000, "currency": "nok", "agree": true,
    "signature": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==",
    "_case_id": "01900000-0000-7000-8000-000000000000"
  })JSON");
}

inline std::vector<ws::forms::FieldError> check(const ws::forms::FormDefinition& def, const nlohmann::json& answers) {
  ws::forms::ValidationOptions options;
  options.today = kToday;
  return ws::forms::validate(def, answers, options);
}

// "field:code field:code ...", for messages of failed assertions.
inline std::string codes(const std::vector<ws::forms::FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += (out.empty() ? "" : " ") + e.field + ":" + e.code;
  return out;
}

}  // namespace sample
