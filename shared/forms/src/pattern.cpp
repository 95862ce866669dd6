#include "ws/forms/pattern.hpp"

#include <limits>

#include "shared/forms/src/utf8.hpp"

namespace ws::forms {
namespace {

constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kMaxItems = 64;

using Ranges = std::vector<std::pair<char32_t, char32_t>>;

bool is_special(char32_t c) {
  switch (c) {
    case '.': case '[': case ']': case '{': case '}': case '(': case ')':
    case '*': case '+': case '?': case '|': case '\\': case '^': case '$':
      return true;
    default:
      return false;
  }
}

bool is_ascii_punctuation(char32_t c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~') || c == ' ';
}

// Parses the character after a backslash into ranges; false for an unknown escape.
bool escape_ranges(char32_t c, Ranges& out) {
  switch (c) {
    case 'd':
      out.push_back({'0', '9'});
      return true;
    case 's':
      out.push_back({' ', ' '});
      out.push_back({'\t', '\t'});
      return true;
    case 'w':
      out.push_back({'a', 'z'});
      out.push_back({'A', 'Z'});
      out.push_back({'0', '9'});
      out.push_back({'_', '_'});
      return true;
    default:
      if (!is_ascii_punctuation(c)) return false;
      out.push_back({c, c});
      return true;
  }
}

Unexpected pattern_error(const std::string& what) { return fail("invalid_pattern", "pattern: " + what); }

}  // namespace

bool Pattern::Item::accepts(char32_t c) const {
  if (any) return true;
  bool in = false;
  for (const auto& [lo, hi] : ranges) in = in || (c >= lo && c <= hi);
  return in != negated;
}

Result<Pattern> Pattern::compile(std::string_view source) {
  if (source.size() > kMaxSourceLength)
    return pattern_error("longer than " + std::to_string(kMaxSourceLength) + " characters");
  auto decoded = utf8::decode(source);
  if (!decoded) return pattern_error("not valid UTF-8");
  std::u32string_view p = *decoded;
  if (!p.empty() && p.front() == '^') p.remove_prefix(1);
  if (!p.empty() && p.back() == '$' && !(p.size() >= 2 && p[p.size() - 2] == '\\')) p.remove_suffix(1);

  Pattern out;
  out.source_ = std::string(source);
  std::size_t i = 0;
  while (i < p.size()) {
    Item item;
    const char32_t c = p[i];
    if (c == '(' || c == ')' || c == '|') return pattern_error("groups and alternation are not supported");
    if (c == '*' || c == '+' || c == '?' || c == '{') return pattern_error("a quantifier must follow a character or class");
    if (c == '^' || c == '$') return pattern_error("'^' and '$' are only allowed at the start and the end");
    if (c == '.') {
      item.any = true;
      ++i;
    } else if (c == '\\') {
      if (i + 1 >= p.size()) return pattern_error("ends with a lone backslash");
      if (!escape_ranges(p[i + 1], item.ranges)) return pattern_error("unsupported escape sequence");
      i += 2;
    } else if (c == '[') {
      ++i;
      if (i < p.size() && p[i] == '^') {
        item.negated = true;
        ++i;
      }
      bool closed = false;
      bool first = true;
      while (i < p.size()) {
        char32_t lo = p[i];
        if (lo == ']' && !first) {
          closed = true;
          ++i;
          break;
        }
        first = false;
        if (lo == '\\') {
          if (i + 1 >= p.size()) return pattern_error("ends with a lone backslash");
          if (!escape_ranges(p[i + 1], item.ranges)) return pattern_error("unsupported escape sequence in a class");
          i += 2;
          continue;
        }
        if (lo == '[') return pattern_error("nested '[' in a class; escape it as \\[");
        if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
          char32_t hi = p[i + 2];
          if (hi == '\\') return pattern_error("a range cannot end in an escape");
          if (hi < lo) return pattern_error("a range goes backwards");
          item.ranges.push_back({lo, hi});
          i += 3;
        } else {
          item.ranges.push_back({lo, lo});
          ++i;
        }
      }
      if (!closed) return pattern_error("'[' without a closing ']'");
      if (item.ranges.empty()) return pattern_error("empty character class");
    } else {
      if (is_special(c)) return pattern_error("unexpected special character");
      item.ranges.push_back({c, c});
      ++i;
    }

    // An optional quantifier.
    if (i < p.size()) {
      const char32_t q = p[i];
      if (q == '?') {
        item.min = 0;
        ++i;
      } else if (q == '*') {
        item.min = 0;
        item.max = kUnbounded;
        ++i;
      } else if (q == '+') {
        item.max = kUnbounded;
        ++i;
      } else if (q == '{') {
        ++i;
        auto number = [&](std::size_t& value) {
          std::size_t start = i;
          value = 0;
          while (i < p.size() && p[i] >= '0' && p[i] <= '9' && i - start < 5) value = value * 10 + (p[i++] - '0');
          return i > start;
        };
        std::size_t lo = 0, hi = 0;
        if (!number(lo)) return pattern_error("'{' must be followed by a count");
        hi = lo;
        if (i < p.size() && p[i] == ',') {
          ++i;
          if (!number(hi)) hi = kUnbounded;
        }
        if (i >= p.size() || p[i] != '}') return pattern_error("'{' without a closing '}'");
        ++i;
        if (lo > kMaxRepeat || (hi != kUnbounded && hi > kMaxRepeat))
          return pattern_error("repeat counts above " + std::to_string(kMaxRepeat) + " are not supported");
        if (hi < lo) return pattern_error("repeat range goes backwards");
        item.min = lo;
        item.max = hi;
      }
      if (i < p.size() && (p[i] == '?' || p[i] == '*' || p[i] == '+' || p[i] == '{'))
        return pattern_error("two quantifiers in a row");
    }
    out.items_.push_back(std::move(item));
    if (out.items_.size() > kMaxItems) return pattern_error("too many elements");
  }
  return out;
}

bool Pattern::matches(std::string_view text) const {
  auto decoded = utf8::decode(text);
  return decoded && matches(std::u32string_view(*decoded));
}

bool Pattern::matches(std::u32string_view text) const {
  // reach[q]: the items so far can match text[0, q). Each item extends reach in one linear sweep:
  // q is reachable if some reachable p lies in [q - max, q - min] and text[p, q) all match the item.
  const std::size_t n = text.size();
  std::vector<char> reach(n + 1, 0), next(n + 1, 0);
  std::vector<std::size_t> prefix(n + 2, 0);
  reach[0] = 1;
  for (const Item& item : items_) {
    prefix[0] = 0;
    for (std::size_t k = 0; k <= n; ++k) prefix[k + 1] = prefix[k] + static_cast<std::size_t>(reach[k]);
    std::size_t run_start = 0;  // text[run_start, q) all match the item
    for (std::size_t q = 0; q <= n; ++q) {
      if (q > 0 && !item.accepts(text[q - 1])) run_start = q;
      next[q] = 0;
      if (q < item.min) continue;
      std::size_t hi = q - item.min;
      std::size_t lo = run_start;
      if (item.max != kUnbounded && q > item.max) lo = std::max(lo, q - item.max);
      if (lo <= hi && prefix[hi + 1] - prefix[lo] > 0) next[q] = 1;
    }
    reach.swap(next);
  }
  return reach[n] != 0;
}

}  // namespace ws::forms
