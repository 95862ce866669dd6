#pragma once
// The Scope expressions read while relevance and validation walk a set of answers.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ws/forms/relevance.hpp"

namespace ws::forms {

class AnswerScope final : public Scope {
 public:
  AnswerScope(const FormDefinition& def, const nlohmann::json& answers, const Relevance& relevance, std::string_view today)
      : def_(def), answers_(answers), relevance_(relevance), today_(today) {}

  // Questions of a repeat group read their siblings in this item.
  void enter_item(std::size_t top, std::size_t index, const nlohmann::json& item);
  void leave_item();
  void set_current(Value v) { current_ = std::move(v); }

  Value field(std::string_view name) const override;
  Value current() const override { return current_; }
  std::string_view today() const override { return today_; }

 private:
  const FormDefinition& def_;
  const nlohmann::json& answers_;
  const Relevance& relevance_;
  std::string_view today_;
  Value current_;
  const nlohmann::json* item_ = nullptr;
  std::size_t item_top_ = 0;
  std::size_t item_index_ = 0;
};

}  // namespace ws::forms
