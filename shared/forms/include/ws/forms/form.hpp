#pragma once
// The forms contract shared by kiosk, server and the forms engine (see docs/forms.md):
//   Result<FormDefinition> parse_definition(const nlohmann::json&);
//   std::vector<FieldError> validate(const FormDefinition&, const nlohmann::json& answers);
//   class FormRegistry { add, load_directory, find(form_id, version) ... };
// The form session (page navigation, relevance clearing, drafts) is in ws/forms/session.hpp.
#include "ws/forms/definition.hpp"
#include "ws/forms/registry.hpp"
#include "ws/forms/relevance.hpp"
#include "ws/forms/validate.hpp"
