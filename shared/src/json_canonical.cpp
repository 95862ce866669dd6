#include "ws/json_canonical.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "ws/envelope_reader.hpp"  // PayloadMember
#include "ws/byte_order.hpp"
#include "ws/json_string_scan.hpp"

namespace ws::json_canonical {
namespace {

using json_string_scan::find_special;

// The bytes the writer escapes are the ones that end a string's plain run.
bool needs_escape(unsigned char c) { return json_string_scan::is_special(c); }

// The bytes nlohmann escapes by a letter, and the letters: one table read both ways.
constexpr std::pair<char, char> kNamedEscapes[] = {{'"', '"'},  {'\\', '\\'}, {'\b', 'b'}, {'\t', 't'},
                                                   {'\n', 'n'}, {'\f', 'f'},   {'\r', 'r'}};

// The escape the writer writes for a byte that needs one (nlohmann's): into `out`, its length.
std::size_t escape_of(unsigned char c, char (&out)[6]) {
  char named = 0;
  for (const auto& [byte, letter] : kNamedEscapes) {
    if (static_cast<unsigned char>(byte) == c) named = letter;
  }
  out[0] = '\\';
  if (named != 0) {
    out[1] = named;
    return 2;
  }
  static const char hex[] = "0123456789abcdef";
  std::memcpy(out + 1, "u00", 3);
  out[4] = hex[c >> 4];
  out[5] = hex[c & 0xf];
  return 6;
}

template <typename Int>
void append_integer(std::string& out, Int v) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
  out.append(digits, end);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_number_char(char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; }

// Walks the text once, as the writer's walk over the parsed value would write it, and stops at
// the first byte the writer would not have written there.
class Proof {
 public:
  Proof(std::string_view text, int max_depth, std::vector<PayloadMember>* members)
      : t_(text), max_depth_(max_depth), members_(members) {}

  // The length of the value at the start of the text, 0 when it is not proven.
  std::size_t run() { return value(1) ? i_ : 0; }

 private:
  bool value(int depth) {
    if (depth > max_depth_ || i_ >= t_.size()) return false;
    switch (t_[i_]) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': {
        bool escaped = false;
        return string(escaped);
      }
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  // A member's or an element's value: strings, most of a payload's values, read here without
  // value()'s call, whose register saves cost about what a short string's scan does.
  [[gnu::always_inline]] bool element(int depth) {
    if (depth <= max_depth_ && at('"')) {
      bool escaped = false;
      return string(escaped);
    }
    return value(depth);
  }

  bool object(int depth) {
    ++i_;
    if (depth == 1 && members_ != nullptr) members_->clear();
    if (at('}')) return ++i_, true;
    std::string_view previous;
    for (bool first = true;; first = false) {
      if (!at('"')) return false;
      const std::size_t key_at = i_ + 1;
      bool escaped = false;
      if (!string(escaped) || escaped) return false;  // escaped keys sort by their decoded bytes
      const std::string_view key(t_.data() + key_at, i_ - 1 - key_at);  // within t_: string() passed it
      if (!first && compare_bytes(previous, key) >= 0) return false;
      previous = key;
      if (!at(':')) return false;
      const std::size_t value_at = ++i_;
      if (!element(depth + 1)) return false;
      if (depth == 1 && members_ != nullptr) {
        members_->push_back(PayloadMember{static_cast<std::uint32_t>(key_at), static_cast<std::uint32_t>(key.size()),
                                          static_cast<std::uint32_t>(value_at),
                                          static_cast<std::uint32_t>(i_ - value_at)});
      }
      if (!next(',', '}')) return false;
      if (t_[i_ - 1] == '}') return true;
    }
  }

  bool array(int depth) {
    ++i_;
    if (at(']')) return ++i_, true;
    while (true) {
      if (!element(depth + 1)) return false;
      if (!next(',', ']')) return false;
      if (t_[i_ - 1] == ']') return true;
    }
  }

  // From the opening quote to past the closing one; `escaped` set when it held an escape.
  // Inlined, with the rare escape out of line: most of a payload's values and all its keys are
  // strings, and the call's register saves cost about what the scan does (session 22).
  [[gnu::always_inline]] bool string(bool& escaped) {
    const char* const text = t_.data();
    const std::size_t n = t_.size();
    std::size_t i = i_ + 1;
    while (true) {
      i += find_special(text + i, n - i);  // to the next byte that ends it or needs an escape
      if (i >= n) return false;
      if (text[i] == '"') return i_ = i + 1, true;
      if (text[i] != '\\') return false;  // a raw control byte: the writer escapes it
      escaped = true;
      i_ = i;
      if (!escape()) return false;
      i = i_;
    }
  }

  // The escape at i_ is the writer's own for the byte it stands for.
  [[gnu::noinline]] bool escape() {
    if (i_ + 1 >= t_.size()) return false;
    unsigned c = 0;
    if (t_[i_ + 1] == 'u') {
      if (i_ + 6 > t_.size()) return false;
      for (std::size_t k = 2; k < 6; ++k) {
        const int d = hex_digit(t_[i_ + k]);
        if (d < 0) return false;
        c = c * 16 + static_cast<unsigned>(d);
      }
    } else {
      // "\/" stands for '/', which the writer writes as it is: no letter of the table.
      const auto named = std::find_if(std::begin(kNamedEscapes), std::end(kNamedEscapes),
                                      [&](const auto& e) { return e.second == t_[i_ + 1]; });
      if (named == std::end(kNamedEscapes)) return false;
      c = static_cast<unsigned char>(named->first);
    }
    if (c > 0xff || !needs_escape(static_cast<unsigned char>(c))) return false;
    char written[6];
    const std::size_t size = escape_of(static_cast<unsigned char>(c), written);
    if (t_.substr(i_, size) != std::string_view(written, size)) return false;
    i_ += size;
    return true;
  }

  bool literal(std::string_view word) {
    if (t_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  // The number's text is what the writer writes for the value a parser reads from it.
  bool number() {
    const std::size_t start = i_;
    bool integral = true;
    while (i_ < t_.size() && is_number_char(t_[i_])) {
      integral = integral && t_[i_] != '.' && t_[i_] != 'e' && t_[i_] != 'E';
      ++i_;
    }
    const std::string_view token = t_.substr(start, i_ - start);
    if (token.empty()) return false;
    if (integral) return is_written_integer(token);
    double v = 0;
    if (!parse_whole(token, v) || !std::isfinite(v) || (v == 0 && std::signbit(v))) return false;
    std::string written;
    append_number(written, v);
    return written == token;
  }

  // The integer's text as std::to_chars writes it back, without parsing and writing it: "0", or
  // digits from 1-9 on with '-' before them below zero ("-0" reads as 0, written "0"). Beyond
  // int64 below zero or uint64 above it, parsers disagree on the type: not proven.
  static bool is_written_integer(std::string_view token) {
    const bool negative = token[0] == '-';
    const std::string_view digits = token.substr(negative ? 1 : 0);
    if (digits.empty() || digits.front() == '0') return digits == "0" && !negative;
    for (const char c : digits) {
      if (c < '0' || c > '9') return false;
    }
    // Digit strings of one length order as their values do.
    const std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
    return digits.size() < limit.size() || (digits.size() == limit.size() && digits <= limit);
  }

  template <typename T>
  static bool parse_whole(std::string_view token, T& v) {
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), v);
    return error == std::errc() && end == token.data() + token.size();
  }

  bool at(char c) const { return i_ < t_.size() && t_[i_] == c; }

  // Past the separator or the closer after a value (one bounds check for both), false at any other byte.
  bool next(char separator, char closer) {
    if (i_ >= t_.size() || (t_[i_] != separator && t_[i_] != closer)) return false;
    ++i_;
    return true;
  }

  std::string_view t_;
  std::size_t i_ = 0;
  int max_depth_;
  std::vector<PayloadMember>* members_;
};

}  // namespace

void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t plain = find_special(s.data() + i, s.size() - i);
    out.append(s.data() + i, plain);
    i += plain;
    if (i == s.size()) break;
    char written[6];
    out.append(written, escape_of(static_cast<unsigned char>(s[i]), written));
    ++i;
  }
  out += '"';
}

void append_number(std::string& out, std::int64_t v) { append_integer(out, v); }
void append_number(std::string& out, std::uint64_t v) { append_integer(out, v); }
void append_number(std::string& out, double v) { out += nlohmann::json(v).dump(); }

std::size_t canonical_length(std::string_view text, int max_depth, std::vector<PayloadMember>* members) {
  return Proof(text, max_depth, members).run();
}

bool is_canonical(std::string_view text, int max_depth, std::vector<PayloadMember>* members) {
  return !text.empty() && canonical_length(text, max_depth, members) == text.size();
}

}  // namespace ws::json_canonical
