#pragma once
// Typed text (a command-line argument, a text box) to and from the JSON answer a field stores.
// Only the shape is decided here; validate() judges the content.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ws/forms/definition.hpp"
#include "ws/result.hpp"

namespace ws::forms {

// "" -> null (unanswered). number: "12", "-3.5". yes_no: yes/no/true/false (any case).
// multiple_choice: "medical, disability". repeat: a JSON array of objects. Others: the text.
Result<nlohmann::json> answer_from_text(const Field& field, std::string_view text);
// The reverse, for listings: yes/no, comma-separated choices, numbers without trailing zeros;
// a signature shows as "[signature]", a repeat group as "N entries".
std::string answer_to_text(const Field& field, const nlohmann::json& answer);

}  // namespace ws::forms
