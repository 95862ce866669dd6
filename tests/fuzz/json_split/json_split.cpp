// The push body's structural scanner, ws::split_array_member, against its promise: when it
// splits a text, the text is valid JSON exactly when the rest and every element parse, and the
// elements are the array's own elements in order.
#include <nlohmann/json.hpp>

#include "tests/fuzz/fuzz.hpp"
#include "ws/json_split.hpp"

namespace ws::fuzz {
namespace {

using nlohmann::json;

constexpr int kMaxComparedDepth = 256;

bool parses(std::string_view text) { return !json::parse(text, nullptr, false).is_discarded(); }

}  // namespace

int json_split(const std::uint8_t* data, std::size_t size) {
  // The first byte picks the key, so that keys other than "records" are split too.
  if (size == 0) return 0;
  const std::string_view key = data[0] % 2 == 0 ? "records" : "a";
  const std::string_view text = text_of(data + 1, size - 1);
  // A raw NUL ends nlohmann's reading early; the server refuses such bodies before splitting.
  if (text.find('\0') != std::string_view::npos) return 0;
  auto split = split_array_member(text, key);
  if (!split) return 0;
  // Comparing parsed values recurses per level; the server refuses bodies this deep unparsed.
  if (split->depth > kMaxComparedDepth) return 0;
  WS_FUZZ_CHECK(split->rest.size() <= text.size());
  bool pieces_parse = parses(split->rest);
  for (auto element : split->elements) {
    WS_FUZZ_CHECK(element.data() >= text.data() && element.data() + element.size() <= text.data() + text.size());
    pieces_parse = pieces_parse && parses(element);
  }
  const json whole = json::parse(text, nullptr, false);
  WS_FUZZ_CHECK(pieces_parse == !whole.is_discarded());
  if (!pieces_parse) return 0;
  const auto& array = whole.at(std::string(key));
  WS_FUZZ_CHECK(array.is_array() && array.size() == split->elements.size());
  for (std::size_t i = 0; i < split->elements.size(); ++i) {
    WS_FUZZ_CHECK(json::parse(split->elements[i]) == array[i]);
  }
  return 0;
}

}  // namespace ws::fuzz

WS_FUZZ_ENTRY(json_split)
