#include "ws/json_split.hpp"

#include <algorithm>
#include <cstring>

namespace ws {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skip_space(std::string_view text, std::size_t i) {
  while (i < text.size() && is_space(text[i])) ++i;
  return i;
}

// The position of the quote that closes the string opening at `open`, or npos. Strings are most
// of a push body, so this jumps from quote to quote instead of stepping through every byte.
// Inlined into each scanner: called for every string of a push body, the call cost 700
// instructions a record once a second scanner used it (docs/performance.md, session 16).
[[gnu::always_inline]] inline std::size_t string_end(std::string_view text, std::size_t open) {
  std::size_t i = open;
  while (true) {
    const void* quote = std::memchr(text.data() + i + 1, '"', text.size() - i - 1);
    if (!quote) return std::string_view::npos;
    i = static_cast<std::size_t>(static_cast<const char*>(quote) - text.data());
    std::size_t backslashes = 0;
    while (text[i - 1 - backslashes] == '\\') ++backslashes;  // stops at the opening quote at the latest
    if (backslashes % 2 == 0) return i;
  }
}

// The position just past the value that starts at `at`, in valid JSON; npos for a string left
// open.
std::size_t value_end(std::string_view text, std::size_t at) {
  const char first = text[at];
  if (first == '"') {
    const std::size_t close = string_end(text, at);
    return close == std::string_view::npos ? close : close + 1;
  }
  if (first != '{' && first != '[') {
    std::size_t i = at;
    while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']' && !is_space(text[i])) ++i;
    return i;
  }
  int depth = 0;
  for (std::size_t i = at; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      i = string_end(text, i);
      if (i == std::string_view::npos) return i;
    } else if (c == '{' || c == '[') ++depth;
    else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
  }
  return text.size();
}

// nlohmann's parser skips a UTF-8 byte order mark at the start of its input, so an element
// spelled with one would parse alone although the whole text is not JSON.
bool starts_with_bom(std::string_view element) { return element.substr(0, 3) == "\xEF\xBB\xBF"; }

}  // namespace

std::optional<ArrayMemberSplit> split_array_member(std::string_view text, std::string_view key) {
  std::size_t i = skip_space(text, 0);
  if (i == text.size() || text[i] != '{') return std::nullopt;

  ArrayMemberSplit out;
  std::size_t array_open = std::string_view::npos, array_close = std::string_view::npos;
  std::size_t element_start = 0;
  int depth = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t start = i;
      i = string_end(text, i);
      if (i == std::string_view::npos) return std::nullopt;  // unterminated string
      // An escape in the object's own strings could spell the key a second way.
      if (depth == 1 && text.substr(start, i - start).find('\\') != std::string_view::npos) return std::nullopt;
      if (depth != 1) continue;
      const std::string_view name = text.substr(start + 1, i - start - 1);
      std::size_t next = skip_space(text, i + 1);
      if (name != key || next == text.size() || text[next] != ':') continue;
      if (array_open != std::string_view::npos) return std::nullopt;  // the key twice
      next = skip_space(text, next + 1);
      if (next == text.size() || text[next] != '[') return std::nullopt;
      array_open = next;
      element_start = next + 1;
      i = next;
      out.depth = std::max(out.depth, ++depth);
    } else if (c == '[' || c == '{') {
      out.depth = std::max(out.depth, ++depth);
    } else if (c == ']' || c == '}') {
      if (depth == 2 && array_open != std::string_view::npos && array_close == std::string_view::npos) {
        const std::string_view last = text.substr(element_start, i - element_start);
        // `[]` has no element; `[1,]` has an empty one, which fails its parse as it should.
        if (starts_with_bom(last)) return std::nullopt;
        if (!out.elements.empty() || skip_space(last, 0) != last.size()) out.elements.push_back(last);
        array_close = i;
      }
      if (--depth < 0) return std::nullopt;
    } else if (c == ',' && depth == 2 && array_open != std::string_view::npos &&
               array_close == std::string_view::npos) {
      const std::string_view element = text.substr(element_start, i - element_start);
      if (starts_with_bom(element)) return std::nullopt;
      out.elements.push_back(element);
      element_start = i + 1;
    }
  }
  if (array_close == std::string_view::npos) return std::nullopt;
  out.rest.reserve(text.size() - (array_close - array_open - 1));
  out.rest.append(text.substr(0, array_open + 1));
  out.rest.append(text.substr(array_close));
  return out;
}

std::optional<std::string_view> from_member_value(std::string_view text, std::string_view key) {
  std::size_t i = skip_space(text, 0);
  if (i == text.size() || text[i] != '{') return std::nullopt;
  i = skip_space(text, i + 1);
  while (i < text.size() && text[i] == '"') {
    const std::size_t name_end = string_end(text, i);
    if (name_end == std::string_view::npos) return std::nullopt;
    const std::string_view name = text.substr(i + 1, name_end - i - 1);
    i = skip_space(text, name_end + 1);
    if (i == text.size() || text[i] != ':') return std::nullopt;
    const std::size_t start = skip_space(text, i + 1);
    if (start == text.size()) return std::nullopt;
    if (name == key) return text.substr(start);
    const std::size_t end = value_end(text, start);
    if (end == std::string_view::npos) return std::nullopt;
    i = skip_space(text, end);
    if (i == text.size() || text[i] != ',') return std::nullopt;
    i = skip_space(text, i + 1);
  }
  return std::nullopt;
}

}  // namespace ws
