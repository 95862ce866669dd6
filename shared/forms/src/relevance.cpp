#include "ws/forms/relevance.hpp"

#include "shared/forms/src/answers.hpp"

namespace ws::forms {

bool Relevance::is_relevant(const FieldLocation& loc, std::size_t item) const {
  if (loc.top >= top.size() || !top[loc.top]) return false;
  if (!loc.child) return true;
  const auto& group = items[loc.top];
  if (item >= group.size() || *loc.child >= group[item].size()) return false;
  return group[item][*loc.child];
}

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
