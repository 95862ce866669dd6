#include "ws/forms/relevance.hpp"

#include "shared/forms/src/answers.hpp"

namespace ws::forms {

bool is_unanswered(const Field& field, const nlohmann::json& answer) {
  return answers::is_unanswered(field, json_view::Tree(answer));
}

Value value_of(const Field& field, const nlohmann::json& answer) {
  return answers::value_of(field, json_view::Tree(answer));
}

Relevance compute_relevance(const FormDefinition& def, const nlohmann::json& answers, std::string_view today) {
  return answers::compute_relevance(def, json_view::Tree(answers), today);
}

}  // namespace ws::forms
