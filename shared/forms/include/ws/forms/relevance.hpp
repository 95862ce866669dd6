#pragma once
// Skip logic: which questions apply, given the answers so far. A question whose `relevant`
// reads an irrelevant question sees it as unanswered, so relevance chains resolve in one pass
// in document order (definitions may only make relevance depend on earlier questions).
#include <cstddef>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ws/forms/definition.hpp"

namespace ws::forms {

// Bytes rather than std::vector<bool>, and one run per repeat group rather than a vector per
// item: the server fills this for every record pushed to it, in a scratch kept by the thread,
// so that after the first record filling it allocates nothing and reading a flag is one load.
struct Relevance {
  std::vector<unsigned char> top;  // per top-level field: 1 when it applies
  // A repeat group's items (empty for other fields): `applies[item * questions + question]`.
  struct Items {
    std::size_t questions = 0;
    std::vector<unsigned char> applies;
    std::size_t count() const { return questions ? applies.size() / questions : 0; }
  };
  std::vector<Items> items;  // indexed like `top`

  bool is_relevant(const FieldLocation& loc, std::size_t item = 0) const {
    if (loc.top >= top.size() || !top[loc.top]) return false;
    if (!loc.child) return true;
    if (loc.top >= items.size()) return false;
    const Items& group = items[loc.top];
    if (item >= group.count() || *loc.child >= group.questions) return false;
    return group.applies[item * group.questions + *loc.child] != 0;
  }
  // How many of the group's items relevance was worked out for (0 for other fields).
  std::size_t item_count(std::size_t top_index) const {
    return top_index < items.size() ? items[top_index].count() : 0;
  }
};

Relevance compute_relevance(const FormDefinition& def, const nlohmann::json& answers, std::string_view today);

// True when `answer` counts as not answered for this field: null, blank text, an empty list.
bool is_unanswered(const Field& field, const nlohmann::json& answer);
// An answer as expressions see it; answers of the wrong JSON type read as Empty.
Value value_of(const Field& field, const nlohmann::json& answer);

}  // namespace ws::forms
