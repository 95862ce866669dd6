#include "shared/forms/src/answer_scope.hpp"

namespace ws::forms {

void AnswerScope::enter_item(std::size_t top, std::size_t index, const nlohmann::json& item) {
  item_ = &item;
  item_top_ = top;
  item_index_ = index;
}

void AnswerScope::leave_item() { item_ = nullptr; }

Value AnswerScope::field(std::string_view name) const {
  auto loc = def_.locate(name);
  if (!loc) return {};
  const Field& f = def_.at(*loc);
  const nlohmann::json* container = &answers_;
  if (loc->child) {
    if (!item_ || item_top_ != loc->top) return {};
    if (!relevance_.is_relevant(*loc, item_index_)) return {};
    container = item_;
  } else if (!relevance_.is_relevant(*loc)) {
    return {};
  }
  if (!container->is_object()) return {};
  auto it = container->find(f.name);
  if (it == container->end()) return {};
  return value_of(f, *it);
}

}  // namespace ws::forms
