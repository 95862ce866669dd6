#pragma once
// Text patterns for form fields: a deliberately small, regex-like subset that always matches
// in linear time (std::regex backtracks, is slow and can overflow the stack on hostile input).
//
// Supported: literal characters; `.` (any character); `\d` digit, `\s` space or tab, `\w`
// [A-Za-z0-9_], `\` + punctuation for that character; classes `[a-z0-9 -]` and negated classes
// `[^...]`; quantifiers `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}` (n, m <= 1000). The whole text must
// match; a leading `^` and a trailing `$` are accepted and change nothing. Groups, alternation and
// back references are refused. Characters are Unicode code points of UTF-8 text.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ws/result.hpp"

namespace ws::forms {

class Pattern {
 public:
  static constexpr std::size_t kMaxSourceLength = 256;
  static constexpr std::size_t kMaxRepeat = 1000;

  // Refuses a pattern outside the subset with a message saying what is wrong.
  static Result<Pattern> compile(std::string_view source);
  // Whole-text match. Invalid UTF-8 never matches. Linear in text length times pattern items.
  bool matches(std::string_view text) const;
  bool matches(std::u32string_view text) const;
  const std::string& source() const { return source_; }

 private:
  struct Item {
    std::vector<std::pair<char32_t, char32_t>> ranges;  // inclusive
    bool negated = false;
    bool any = false;
    std::size_t min = 1;
    std::size_t max = 1;
    bool accepts(char32_t c) const;
  };
  std::string source_;
  std::vector<Item> items_;
};

}  // namespace ws::forms
