#include <doctest/doctest.h>

#include <string>

#include "ws/json_string_scan.hpp"

namespace scan = ws::json_string_scan;

namespace {

// The rule, a byte at a time: what both word forms must find.
std::size_t reference(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\') break;
    ++i;
  }
  return i;
}

// Every form compiled for this target, each checked against the reference.
void check_all_forms(const std::string& s) {
  const std::size_t want = reference(s);
  CHECK(scan::find_special_portable(s.data(), s.size()) == want);
#if defined(__SSE2__)
  CHECK(scan::find_special_sse2(s.data(), s.size()) == want);
#endif
  CHECK(scan::find_special(s.data(), s.size()) == want);
}

}  // namespace

TEST_CASE("find_special stops at the first quote, backslash or control byte, in every form") {
  // Every byte value at every offset of plain runs from empty to past two SSE2 blocks, so the
  // word steps, the 16-byte steps and the tails all meet it; bytes 0x7f-0xff are plain.
  for (std::size_t length = 0; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string s(length, 'a');
        s[at] = static_cast<char>(byte);
        check_all_forms(s);
      }
    }
    check_all_forms(std::string(length, 'a'));
    check_all_forms(std::string(length, '\xff'));
  }
}

TEST_CASE("find_special finds the first of several, also where a later one would mark earlier bytes") {
  // A byte just above a special one next to it (borrows in the word form) must not be taken for it.
  for (std::size_t at = 0; at < 33; ++at) {
    std::string s(40, '#');  // '#' is '"' + 1
    s[at] = '\x1f';
    if (at + 1 < s.size()) s[at + 1] = '"';
    if (at + 2 < s.size()) s[at + 2] = '\\';
    check_all_forms(s);
    std::string t(40, ']');  // ']' is '\\' + 1
    t[at] = '\\';
    check_all_forms(t);
    std::string u(40, ' ');  // 0x20, the first plain byte
    u[at] = '\x01';
    check_all_forms(u);
  }
}
