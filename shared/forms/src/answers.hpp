#pragma once
// How answers read, for any JSON view (ws/json_view.hpp: nlohmann's tree or simdjson's DOM):
// unanswered, the value expressions see, the Scope they read, and relevance. Templates so that
// the kiosk's tree and the server's DOM are judged by the same code.
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

// The Scope expressions read while relevance and validation walk a set of answers.
template <typename V>
class Scope final : public forms::Scope {
 public:
  // `answers` null: no answers (the payload is not an object).
  Scope(const FormDefinition& def, const V* answers, const Relevance& relevance, std::string_view today)
      : def_(def), answers_(answers), relevance_(relevance), today_(today) {}

  // Questions of a repeat group read their siblings in this item.
  void enter_item(std::size_t top, std::size_t index, const V& item) {
    item_ = &item;
    item_top_ = top;
    item_index_ = index;
  }
  void leave_item() { item_ = nullptr; }
  void set_current(Value v) { current_ = std::move(v); }

  Value field(std::string_view name) const override {
    auto loc = def_.locate(name);
    if (!loc) return {};
    const Field& f = def_.at(*loc);
    const V* container = answers_;
    if (loc->child) {
      if (!item_ || item_top_ != loc->top) return {};
      if (!relevance_.is_relevant(*loc, item_index_)) return {};
      container = item_;
    } else if (!relevance_.is_relevant(*loc)) {
      return {};
    }
    if (!container || !container->is_object()) return {};
    auto it = container->find(f.name);
    if (!it) return {};
    return value_of(f, *it);
  }
  Value current() const override { return current_; }
  std::string_view today() const override { return today_; }

 private:
  const FormDefinition& def_;
  const V* answers_;
  const Relevance& relevance_;
  std::string_view today_;
  Value current_;
  const V* item_ = nullptr;
  std::size_t item_top_ = 0;
  std::size_t item_index_ = 0;
};

template <typename V>
Relevance compute_relevance(const FormDefinition& def, const V& answers, std::string_view today) {
  const V* source = answers.is_object() ? &answers : nullptr;
  Relevance rel;
  rel.top.assign(def.fields.size(), false);
  rel.items.resize(def.fields.size());
  Scope<V> scope(def, source, rel, today);
  for (std::size_t t = 0; t < def.fields.size(); ++t) {
    const Field& f = def.fields[t];
    rel.top[t] = !f.relevant || f.relevant->test(scope);
    if (f.type != FieldType::Repeat || !rel.top[t] || !source) continue;
    auto group = source->find(f.name);
    if (!group || !group->is_array()) continue;
    // Beyond the hard cap the answer is refused anyway; do not spend work on it.
    const std::size_t n = std::min(group->size(), kMaxRepeatItems);
    rel.items[t].assign(n, std::vector<bool>(f.fields.size(), false));
    for (std::size_t i = 0; i < n; ++i) {
      const V item = group->at(i);
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

}  // namespace ws::forms::answers
