#pragma once
// How answers read, for any JSON view (ws/json_view.hpp: nlohmann's tree or simdjson's DOM):
// unanswered, the value expressions see, the Scope they read, and relevance. Templates so that
// the kiosk's tree and the server's DOM are judged by the same code.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/forms/src/utf8.hpp"
#include "ws/forms/relevance.hpp"
#include "ws/json_view.hpp"

namespace ws::forms::answers {

template <typename V>
bool is_unanswered(const Field& field, const V& answer) {
  if (answer.is_null()) return true;
  switch (field.type) {
    case FieldType::Text:
    case FieldType::LongText:
    case FieldType::Date:
    case FieldType::SingleChoice:
    case FieldType::Signature:
      return answer.is_string() && utf8::is_blank(answer.string());
    case FieldType::MultipleChoice:
    case FieldType::Repeat:
      return answer.is_array() && answer.size() == 0;
    default:
      return false;
  }
}

template <typename V>
Value value_of(const Field& field, const V& answer) {
  if (is_unanswered(field, answer)) return {};
  switch (field.type) {
    case FieldType::Text:
    case FieldType::LongText:
    case FieldType::Date:
    case FieldType::SingleChoice:
      return answer.is_string() ? Value::of(std::string(answer.string())) : Value{};
    case FieldType::Signature:
      // Expressions only need to know that there is one; the image itself is large.
      return answer.is_string() ? Value::of(std::string("signed")) : Value{};
    case FieldType::Number:
      return answer.is_number() ? Value::of(answer.number()) : Value{};
    case FieldType::YesNo:
      return answer.is_bool() ? Value::of(answer.boolean()) : Value{};
    case FieldType::MultipleChoice: {
      if (!answer.is_array()) return {};
      std::vector<std::string> items;
      for (std::size_t i = 0, n = answer.size(); i < n; ++i) {
        if (items.size() >= kMaxChoicesPerField) break;
        const V v = answer.at(i);
        if (v.is_string()) items.emplace_back(v.string());
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

// One object's answers by question: [i] is the answer to fields[i], if the object holds one.
template <typename V>
using AnswerTable = std::vector<std::optional<V>>;

// Visits `object`'s members once, in sorted key order (ws/json_view.hpp), pairing each with its
// question in one merge walk against `by_name` (indexes into `fields`, sorted by name):
// on_answer(index, value) for a question's answer, on_other(key, value) for any other key.
template <typename V, typename OnAnswer, typename OnOther>
void match_members(const V& object, const std::vector<Field>& fields, const std::vector<std::size_t>& by_name,
                   OnAnswer&& on_answer, OnOther&& on_other) {
  std::size_t next = 0;
  object.each_member([&](std::string_view key, const V& value) {
    while (next < by_name.size() && std::string_view(fields[by_name[next]].name) < key) ++next;
    if (next < by_name.size() && fields[by_name[next]].name == key) on_answer(by_name[next], value);
    else on_other(key, value);
  });
}

template <typename V>
AnswerTable<V> answer_table(const V& object, const std::vector<Field>& fields, const std::vector<std::size_t>& by_name) {
  AnswerTable<V> table(fields.size());
  match_members(object, fields, by_name, [&](std::size_t i, const V& value) { table[i] = value; },
                [](std::string_view, const V&) {});
  return table;
}

// The Scope expressions read while relevance and validation walk a set of answers.
template <typename V>
class Scope final : public forms::Scope {
 public:
  // `answers` null: no answers (the payload is not an object).
  Scope(const FormDefinition& def, const AnswerTable<V>* answers, const Relevance& relevance, std::string_view today)
      : def_(def), answers_(answers), relevance_(relevance), today_(today) {}

  // Questions of a repeat group read their siblings in this item.
  void enter_item(std::size_t top, std::size_t index, const AnswerTable<V>& item) {
    item_ = &item;
    item_top_ = top;
    item_index_ = index;
  }
  void leave_item() { item_ = nullptr; }
  void set_current(Value v) { current_ = std::move(v); }

  Value field(std::string_view name) const override {
    auto loc = def_.locate(name);
    return loc ? field_at(*loc, name) : Value{};
  }
  Value field_at(const FieldLocation& loc, std::string_view) const override {
    const AnswerTable<V>* container = answers_;
    std::size_t slot = loc.top;
    if (loc.child) {
      if (!item_ || item_top_ != loc.top) return {};
      if (!relevance_.is_relevant(loc, item_index_)) return {};
      container = item_;
      slot = *loc.child;
    } else if (!relevance_.is_relevant(loc)) {
      return {};
    }
    if (!container || slot >= container->size() || !(*container)[slot]) return {};
    return value_of(def_.at(loc), *(*container)[slot]);
  }
  Value current() const override { return current_; }
  std::string_view today() const override { return today_; }

 private:
  const FormDefinition& def_;
  const AnswerTable<V>* answers_;
  const Relevance& relevance_;
  std::string_view today_;
  Value current_;
  const AnswerTable<V>* item_ = nullptr;
  std::size_t item_top_ = 0;
  std::size_t item_index_ = 0;
};

// `answers` null: the payload is not an object (every question then reads as unanswered).
template <typename V>
Relevance relevance_of(const FormDefinition& def, const AnswerTable<V>* answers, std::string_view today) {
  Relevance rel;
  rel.top.assign(def.fields.size(), false);
  rel.items.resize(def.fields.size());
  Scope<V> scope(def, answers, rel, today);
  for (std::size_t t = 0; t < def.fields.size(); ++t) {
    const Field& f = def.fields[t];
    rel.top[t] = !f.relevant || f.relevant->test(scope);
    if (f.type != FieldType::Repeat || !rel.top[t] || !answers) continue;
    const std::optional<V>& group = (*answers)[t];
    if (!group || !group->is_array()) continue;
    // Beyond the hard cap the answer is refused anyway; do not spend work on it.
    const std::size_t n = std::min(group->size(), kMaxRepeatItems);
    rel.items[t].assign(n, std::vector<bool>(f.fields.size(), false));
    for (std::size_t i = 0; i < n; ++i) {
      const V item = group->at(i);
      if (!item.is_object()) continue;
      const AnswerTable<V> item_answers = answer_table(item, f.fields, f.fields_by_name);
      scope.enter_item(t, i, item_answers);
      for (std::size_t c = 0; c < f.fields.size(); ++c) {
        const Field& child = f.fields[c];
        rel.items[t][i][c] = !child.relevant || child.relevant->test(scope);
      }
      scope.leave_item();
    }
  }
  return rel;
}

template <typename V>
Relevance compute_relevance(const FormDefinition& def, const V& answers, std::string_view today) {
  if (!answers.is_object()) return relevance_of<V>(def, nullptr, today);
  const AnswerTable<V> table = answer_table(answers, def.fields, def.fields_by_name);
  return relevance_of(def, &table, today);
}

}  // namespace ws::forms::answers
