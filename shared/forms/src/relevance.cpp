#include "ws/forms/relevance.hpp"

#include "shared/forms/src/answer_scope.hpp"
#include "shared/forms/src/utf8.hpp"

namespace ws::forms {

bool Relevance::is_relevant(const FieldLocation& loc, std::size_t item) const {
  if (loc.top >= top.size() || !top[loc.top]) return false;
  if (!loc.child) return true;
  const auto& group = items[loc.top];
  if (item >= group.size() || *loc.child >= group[item].size()) return false;
  return group[item][*loc.child];
}

bool is_unanswered(const Field& field, const nlohmann::json& answer) {
  if (answer.is_null()) return true;
  switch (field.type) {
    case FieldType::Text:
    case FieldType::LongText:
    case FieldType::Date:
    case FieldType::SingleChoice:
    case FieldType::Signature:
      return answer.is_string() && utf8::is_blank(answer.get_ref<const std::string&>());
    case FieldType::MultipleChoice:
    case FieldType::Repeat:
      return answer.is_array() && answer.empty();
    default:
      return false;
  }
}

Value value_of(const Field& field, const nlohmann::json& answer) {
  if (is_unanswered(field, answer)) return {};
  switch (field.type) {
    case FieldType::Text:
    case FieldType::LongText:
    case FieldType::Date:
    case FieldType::SingleChoice:
      return answer.is_string() ? Value::of(answer.get<std::string>()) : Value{};
    case FieldType::Signature:
      // Expressions only need to know that there is one; the image itself is large.
      return answer.is_string() ? Value::of(std::string("signed")) : Value{};
    case FieldType::Number:
      return answer.is_number() ? Value::of(answer.get<double>()) : Value{};
    case FieldType::YesNo:
      return answer.is_boolean() ? Value::of(answer.get<bool>()) : Value{};
    case FieldType::MultipleChoice: {
      if (!answer.is_array()) return {};
      std::vector<std::string> items;
      for (const auto& v : answer) {
        if (items.size() >= kMaxChoicesPerField) break;
        if (v.is_string()) items.push_back(v.get<std::string>());
      }
      return Value::list(std::move(items));
    }
    case FieldType::Repeat:
      return answer.is_array() ? Value::of(static_cast<double>(answer.size())) : Value{};
    case FieldType::Note:
      return {};
  }
  return {};
}

Relevance compute_relevance(const FormDefinition& def, const nlohmann::json& answers, std::string_view today) {
  static const nlohmann::json kNoAnswers = nlohmann::json::object();
  const nlohmann::json& source = answers.is_object() ? answers : kNoAnswers;
  Relevance rel;
  rel.top.assign(def.fields.size(), false);
  rel.items.resize(def.fields.size());
  AnswerScope scope(def, source, rel, today);
  for (std::size_t t = 0; t < def.fields.size(); ++t) {
    const Field& f = def.fields[t];
    rel.top[t] = !f.relevant || f.relevant->test(scope);
    if (f.type != FieldType::Repeat || !rel.top[t]) continue;
    auto it = source.find(f.name);
    if (it == source.end() || !it->is_array()) continue;
    // Beyond the hard cap the answer is refused anyway; do not spend work on it.
    const std::size_t n = std::min(it->size(), kMaxRepeatItems);
    rel.items[t].assign(n, std::vector<bool>(f.fields.size(), false));
    for (std::size_t i = 0; i < n; ++i) {
      const nlohmann::json& item = (*it)[i];
      if (!item.is_object()) continue;
      scope.enter_item(t, i, item);
      for (std::size_t c = 0; c < f.fields.size(); ++c) {
        const Field& child = f.fields[c];
        rel.items[t][i][c] = !child.relevant || child.relevant->test(scope);
      }
      scope.leave_item();
    }
  }
  return rel;
}

}  // namespace ws::forms
