#pragma once
// Skip logic: which questions apply, given the answers so far. A question whose `relevant`
// reads an irrelevant question sees it as unanswered, so relevance chains resolve in one pass
// in document order (definitions may only make relevance depend on earlier questions).
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ws/forms/definition.hpp"

namespace ws::forms {

struct Relevance {
  std::vector<bool> top;  // per top-level field
  // Per repeat group (indexed like `top`; empty for other fields): [item][question].
  std::vector<std::vector<std::vector<bool>>> items;

  bool is_relevant(const FieldLocation& loc, std::size_t item = 0) const;
};

Relevance compute_relevance(const FormDefinition& def, const nlohmann::json& answers, std::string_view today);

// True when `answer` counts as not answered for this field: null, blank text, an empty list.
bool is_unanswered(const Field& field, const nlohmann::json& answer);
// An answer as expressions see it; answers of the wrong JSON type read as Empty.
Value value_of(const Field& field, const nlohmann::json& answer);

}  // namespace ws::forms
