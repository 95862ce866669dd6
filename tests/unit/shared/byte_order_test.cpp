// compare_bytes (ws/byte_order.hpp) orders texts exactly as std::string_view::compare does: the
// proof of a payload's key order and validation's pairing of keys with fields rely on it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ws/byte_order.hpp"

namespace {
int sign(int v) { return (v > 0) - (v < 0); }
}  // namespace

TEST_CASE("compare_bytes has the sign of string_view's compare for every pair, bytes above 0x7f included") {
  std::vector<std::string> texts = {"", "a", "b", "ab", "abc", "abd", "b_", "age_years", "age", "arrival_date",
                                    "date_of_birth", "date_of_birth_known", "_case_id", "Z", std::string(1, '\0'),
                                    std::string("a\0b", 3), std::string("a\0", 2)};
  for (int byte : {0x01, 0x20, 0x7e, 0x7f, 0x80, 0xc3, 0xff}) {
    texts.push_back(std::string(1, static_cast<char>(byte)));
    texts.push_back(std::string(1, static_cast<char>(byte)) + "x");
    texts.push_back("a" + std::string(1, static_cast<char>(byte)));
  }
  for (const std::string& a : texts) {
    for (const std::string& b : texts) {
      CAPTURE(a);
      CAPTURE(b);
      CHECK(sign(ws::compare_bytes(a, b)) == sign(std::string_view(a).compare(b)));
    }
  }
}
