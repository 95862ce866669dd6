#pragma once
// Finds the elements of one array member of a JSON object without parsing them, so that a push
// body of a thousand records can be parsed on several cores instead of one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ws {

struct ArrayMemberSplit {
  // The object with that member's array emptied (`"records":[]`): small, parsed the usual way.
  std::string rest;
  // Each element's text in order, as views into the split text (which must outlive them).
  std::vector<std::string_view> elements;
  // The deepest nesting of arrays and objects anywhere in the text.
  int depth = 0;
};

// Splits `text` when it is one object with exactly one member spelled `"key"` whose value is an
// array, and no backslash in the object's own keys and strings (so no escaped spelling of `key`
// can hide a second member). Returns nullopt otherwise: the caller then parses the whole text the ordinary way,
// which also words the error. The split checks structure only: `text` is valid JSON exactly when
// `rest` and every element parse.
std::optional<ArrayMemberSplit> split_array_member(std::string_view text, std::string_view key);

// The text of `text` from the value of the first member spelled `"key"` (no escape) of the
// object `text` to the end (the value's own end is the caller's to find: a value delimits
// itself); nullopt when no member is spelled so. `text` must be one valid JSON object (a parser
// accepted it): only its structure is followed, nothing is checked.
std::optional<std::string_view> from_member_value(std::string_view text, std::string_view key);

}  // namespace ws
