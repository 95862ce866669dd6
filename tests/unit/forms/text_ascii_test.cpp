// Printable ASCII text is checked without decoding it (validate.cpp): the same answers as the
// decoded path at the edges where the two meet.
#include <doctest/doctest.h>

#include <string>

#include "tests/unit/forms/sample_form.hpp"

using namespace ws::forms;
using nlohmann::json;

namespace {

// The sample form's "story": long text of at most 50 characters, no pattern.
std::vector<std::string> story_codes(const std::string& text) {
  auto a = sample::valid_answers();
  a["story"] = text;
  std::vector<std::string> out;
  for (const auto& e : sample::check(sample::definition(), a)) out.push_back(e.field + ":" + e.code);
  return out;
}

}  // namespace

TEST_CASE("text without a pattern: ASCII and non-ASCII answers count characters and control characters alike") {
  CHECK(story_codes(std::string(50, 'x')).empty());
  CHECK(story_codes(std::string(50, '~')).empty());
  CHECK(story_codes(std::string(51, 'x')) == std::vector<std::string>{"story:too_long"});
  std::string umlauts;
  for (int i = 0; i < 50; ++i) umlauts += "\xC3\xBC";  // 100 bytes, 50 characters
  CHECK(story_codes(umlauts).empty());
  CHECK(story_codes(umlauts + "x") == std::vector<std::string>{"story:too_long"});
  CHECK(story_codes("delete\x7F") == std::vector<std::string>{"story:invalid_text"});
  CHECK(story_codes("bell\x07") == std::vector<std::string>{"story:invalid_text"});
  CHECK(story_codes("cut \xC3") == std::vector<std::string>{"story:invalid_text"});
  CHECK(story_codes("tab\tand\r\nlines").empty());
}
