#include <doctest/doctest.h>

#include <string>

#include "ws/forms/pattern.hpp"

using ws::forms::Pattern;

namespace {
bool match(const char* pattern, const std::string& text) {
  auto p = Pattern::compile(pattern);
  REQUIRE_MESSAGE(p, pattern);
  return p->matches(text);
}
}  // namespace

TEST_CASE("patterns match the whole text with classes and quantifiers") {
  CHECK(match("[A-Z]{3}", "NOK"));
  CHECK_FALSE(match("[A-Z]{3}", "NOKK"));
  CHECK_FALSE(match("[A-Z]{3}", "nok"));
  CHECK(match("^\\+?[0-9 ()-]{6,24}$", "+47 22 33 44 55"));
  CHECK(match("\\+?[0-9 ()-]{6,24}", "(022) 334-455"));
  CHECK_FALSE(match("\\+?[0-9 ()-]{6,24}", "call me"));
  CHECK_FALSE(match("\\+?[0-9 ()-]{6,24}", "12345"));
  CHECK(match("a*b+c?", "bbb"));
  CHECK(match("a*b+c?", "aabc"));
  CHECK_FALSE(match("a*b+c?", "aac"));
  CHECK(match(".{2,}", "xy"));
  CHECK_FALSE(match(".{2,}", "x"));
  CHECK(match("[^0-9]+", "Ahmad"));
  CHECK_FALSE(match("[^0-9]+", "Ahm4d"));
  CHECK(match("\\d\\d\\.\\d", "12.5"));
  CHECK(match("\\w+", "case_42"));
  CHECK(match("", ""));
  CHECK_FALSE(match("", "a"));
}

TEST_CASE("patterns count Unicode characters, not bytes") {
  CHECK(match(".{4}", "احمد"));
  CHECK(match("[ء-ي ]+", "احمد علي"));
  CHECK_FALSE(match("[ء-ي ]+", "احمد علی"));  // Persian yeh U+06CC lies outside the Arabic range
  CHECK(match("[A-Za-z\\-' ]+", "Anne-Marie O'Neil"));
  CHECK_FALSE(match(".+", std::string("\xC3\x28")));  // invalid UTF-8 never matches
}

TEST_CASE("patterns outside the safe subset are refused with a reason") {
  struct Case {
    const char* pattern;
    const char* reason;
  };
  const Case cases[] = {
      {"(ab)+", "groups"},
      {"a|b", "alternation"},
      {"+a", "quantifier must follow"},
      {"a**", "two quantifiers"},
      {"[abc", "closing ']'"},
      {"a{3", "closing '}'"},
      {"a{5,2}", "backwards"},
      {"a{2000}", "above 1000"},
      {"[z-a]", "backwards"},
      {"\\q", "unsupported escape"},
      {"a\\", "lone backslash"},
      {"a^b", "only allowed at the start"},
  };
  for (const auto& c : cases) {
    auto p = Pattern::compile(c.pattern);
    CAPTURE(c.pattern);
    REQUIRE_FALSE(p);
    CHECK(p.error().message.find(c.reason) != std::string::npos);
  }
  CHECK_FALSE(Pattern::compile(std::string(300, 'a')));
}

TEST_CASE("hostile input matches in linear time without backtracking blow-up") {
  // The classic catastrophic case for backtracking engines: (a*)*b-like patterns on "aaaa...".
  auto p = Pattern::compile("a*a*a*a*a*a*a*a*a*a*b");
  REQUIRE(p);
  const std::string text(20000, 'a');
  CHECK_FALSE(p->matches(text));
  CHECK(p->matches(text + "b"));
}
