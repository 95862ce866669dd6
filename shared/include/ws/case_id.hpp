#pragma once
// The case a record belongs to: its payload's `_case_id`, when that is a string. Written once
// over ws/json_view.hpp's views, so the kiosk's case_id column is the same whether the payload
// was read as a tree (saves, merges) or only on the pull page's DOM (a new record's insert).
#include <optional>
#include <string>

namespace ws {

inline constexpr const char* kCaseIdKey = "_case_id";

template <typename View>
std::optional<std::string> case_id_of(const View& payload) {
  if (!payload.is_object()) return std::nullopt;
  auto value = payload.find(kCaseIdKey);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string(value->string());
}

}  // namespace ws
