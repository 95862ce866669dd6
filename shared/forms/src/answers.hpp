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

// An answer as expressions see it, viewing the payload (valid while it lives): a multiple
// choice's strings are listed in `items`, whose capacity the caller keeps from record to record.
template <typename V>
ValueRef view_of(const Field& field, const V& answer, std::vector<std::string_view>& items) {
  if (is_unanswered(field, answer)) return {};
  switch (field.type) {
    case FieldType::Text:
    case FieldType::LongText:
    case FieldType::Date:
    case FieldType::SingleChoice:
      return answer.is_string() ? ValueRef::of(answer.string()) : ValueRef{};
    case FieldType::Signature:
      // Expressions only need to know that there is one; the image itself is large.
      return answer.is_string() ? ValueRef::of(std::string_view("signed")) : ValueRef{};
    case FieldType::Number:
      return answer.is_number() ? ValueRef::of(answer.number()) : ValueRef{};
    case FieldType::YesNo:
      return answer.is_bool() ? ValueRef::of(answer.boolean()) : ValueRef{};
    case FieldType::MultipleChoice: {
      if (!answer.is_array()) return {};
      items.clear();
      for (std::size_t i = 0, n = answer.size(); i < n; ++i) {
        if (items.size() >= kMaxChoicesPerField) break;
        const V v = answer.at(i);
        if (v.is_string()) items.push_back(v.string());
      }
      return ValueRef::list(items);
    }
    case FieldType::Repeat:
      return answer.is_array() ? ValueRef::of(static_cast<double>(answer.size())) : ValueRef{};
    case FieldType::Note:
      return {};
  }
  return {};
}

template <typename V>
Value value_of(const Field& field, const V& answer) {
  std::vector<std::string_view> items;
  return view_of(field, answer, items).to_value();
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
    // One three-way comparison a step: `<` then `==` compared a matching name twice.
    int order = -1;
    while (next < by_name.size() && (order = std::string_view(fields[by_name[next]].name).compare(key)) < 0) ++next;
    if (order == 0) on_answer(by_name[next], value);
    else on_other(key, value);
  });
}

template <typename V>
void fill_answer_table(const V& object, const std::vector<Field>& fields, const std::vector<std::size_t>& by_name,
                       AnswerTable<V>& table) {
  table.assign(fields.size(), std::nullopt);
  match_members(object, fields, by_name, [&](std::size_t i, const V& value) { table[i] = value; },
                [](std::string_view, const V&) {});
}

// An answer as expressions have read it (view_of), kept for the rest of the record or item.
struct ReadAnswer {
  bool filled = false;
  ValueRef ref;
  std::vector<std::string_view> items;  // a multiple choice's, viewed by `ref`
};

// The memory reading one record takes, kept by the caller so that its capacity serves record
// after record without allocating (the server validates every record pushed to it).
template <typename V>
struct Scratch {
  AnswerTable<V> top;   // the payload's answers
  AnswerTable<V> item;  // the repeat item being read
  Relevance relevance;
  std::vector<ReadAnswer> read_top, read_item;
  ReadAnswer current;
  std::vector<const Choice*> picked;  // a multiple choice's picks while validation checks them
};

// The Scope expressions read while relevance and validation walk a set of answers. Each answer
// is read into a view once per record (or repeat item), however many expressions read it.
template <typename V>
class Scope final : public forms::Scope {
 public:
  // `answers` null: no answers (the payload is not an object). The table and the scratch's
  // relevance are read as they are when an expression runs: fill them before, and change
  // neither table while an item is entered. One scope at a time uses a scratch.
  Scope(const FormDefinition& def, const AnswerTable<V>* answers, Scratch<V>& scratch, std::string_view today)
      : def_(def), answers_(answers), relevance_(scratch.relevance), today_(today), read_top_(scratch.read_top),
        read_item_(scratch.read_item), current_(scratch.current) {
    read_top_.resize(def.fields.size());
    for (ReadAnswer& r : read_top_) r.filled = false;
    current_.ref = {};
  }

  // Questions of a repeat group read their siblings in this item.
  void enter_item(std::size_t top, std::size_t index, const AnswerTable<V>& item) {
    item_ = &item;
    item_top_ = top;
    item_index_ = index;
    read_item_.resize(item.size());
    for (ReadAnswer& r : read_item_) r.filled = false;
  }
  void leave_item() { item_ = nullptr; }
  // `.` for a constraint: the answer being checked (viewed until clear_current()).
  void set_current(const Field& field, const V& answer) { current_.ref = view_of(field, answer, current_.items); }
  void clear_current() { current_.ref = {}; }

  Value field(std::string_view name) const override {
    auto loc = def_.locate(name);
    return loc ? view_at(*loc).to_value() : Value{};
  }
  Value field_at(const FieldLocation& loc, std::string_view) const override { return view_at(loc).to_value(); }
  Value current() const override { return current_.ref.to_value(); }
  std::string_view today() const override { return today_; }

  ValueRef view_field(const FieldLocation* where, std::string_view name, ValueHolder&) const override {
    if (where) return view_at(*where);
    auto loc = def_.locate(name);
    return loc ? view_at(*loc) : ValueRef{};
  }
  ValueRef view_current(ValueHolder&) const override { return current_.ref; }

 private:
  ValueRef view_at(const FieldLocation& loc) const {
    const AnswerTable<V>* container = answers_;
    std::vector<ReadAnswer>* read = &read_top_;
    std::size_t slot = loc.top;
    if (loc.child) {
      if (!item_ || item_top_ != loc.top) return {};
      if (!relevance_.is_relevant(loc, item_index_)) return {};
      container = item_;
      read = &read_item_;
      slot = *loc.child;
    } else if (!relevance_.is_relevant(loc)) {
      return {};
    }
    if (!container || slot >= container->size() || !(*container)[slot]) return {};
    ReadAnswer& r = (*read)[slot];
    if (!r.filled) {
      r.ref = view_of(def_.at(loc), *(*container)[slot], r.items);
      r.filled = true;
    }
    return r.ref;
  }

  const FormDefinition& def_;
  const AnswerTable<V>* answers_;
  const Relevance& relevance_;
  std::string_view today_;
  // The answers as expressions have read them: by top-level field, and by question of the item.
  std::vector<ReadAnswer>& read_top_;
  std::vector<ReadAnswer>& read_item_;
  ReadAnswer& current_;
  const AnswerTable<V>* item_ = nullptr;
  std::size_t item_top_ = 0;
  std::size_t item_index_ = 0;
};

// Fills `scratch.relevance` for `answers` (null: the payload is not an object), evaluating
// through `scope`, made on these answers and this scratch (relevance chains read earlier results).
template <typename V>
void fill_relevance(const FormDefinition& def, const AnswerTable<V>* answers, Scope<V>& scope, Scratch<V>& scratch) {
  Relevance& rel = scratch.relevance;
  rel.top.assign(def.fields.size(), 0);
  rel.items.resize(def.fields.size());
  for (std::size_t t = 0; t < def.fields.size(); ++t) {
    const Field& f = def.fields[t];
    Relevance::Items& group_relevance = rel.items[t];
    group_relevance.applies.clear();  // keeps its capacity for the next record
    group_relevance.questions = f.fields.size();
    const bool applies = !f.relevant || f.relevant->test(scope);
    rel.top[t] = applies;
    if (f.type != FieldType::Repeat || !applies || !answers) continue;
    const std::optional<V>& group = (*answers)[t];
    if (!group || !group->is_array()) continue;
    // Beyond the hard cap the answer is refused anyway; do not spend work on it.
    const std::size_t n = std::min(group->size(), kMaxRepeatItems);
    group_relevance.applies.assign(n * f.fields.size(), 0);
    for (std::size_t i = 0; i < n; ++i) {
      const V item = group->at(i);
      if (!item.is_object()) continue;
      fill_answer_table(item, f.fields, f.fields_by_name, scratch.item);
      scope.enter_item(t, i, scratch.item);
      unsigned char* item_applies = group_relevance.applies.data() + i * f.fields.size();
      for (std::size_t c = 0; c < f.fields.size(); ++c) {
        const Field& child = f.fields[c];
        item_applies[c] = !child.relevant || child.relevant->test(scope);
      }
      scope.leave_item();
    }
  }
}

template <typename V>
Relevance compute_relevance(const FormDefinition& def, const V& answers, std::string_view today) {
  Scratch<V> scratch;
  const AnswerTable<V>* table = nullptr;
  if (answers.is_object()) {
    fill_answer_table(answers, def.fields, def.fields_by_name, scratch.top);
    table = &scratch.top;
  }
  Scope<V> scope(def, table, scratch, today);
  fill_relevance(def, table, scope, scratch);
  return std::move(scratch.relevance);
}

}  // namespace ws::forms::answers
