#include <doctest/doctest.h>

#include <set>

#include "ws/crypto.hpp"

TEST_CASE("argon2id hashes verify the right secret only") {
  auto h = ws::crypto::hash_password("4711-pin");
  REQUIRE(h);
  CHECK(h->rfind("$argon2id$", 0) == 0);
  CHECK(h->find("4711-pin") == std::string::npos);
  CHECK(ws::crypto::verify_password(*h, "4711-pin"));
  CHECK_FALSE(ws::crypto::verify_password(*h, "4711-pim"));
  CHECK_FALSE(ws::crypto::verify_password("", "4711-pin"));
  auto again = ws::crypto::hash_password("4711-pin");
  CHECK(*again != *h);  // salted
}

TEST_CASE("tokens are long, url-safe and distinct; digests are stable") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto t = ws::crypto::random_token();
    CHECK(t.size() == 43);  // 256 bits in base64url
    CHECK(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
    seen.insert(t);
  }
  CHECK(seen.size() == 100);
  CHECK(ws::crypto::token_digest("abc") == ws::crypto::token_digest("abc"));
  CHECK(ws::crypto::token_digest("abc") != ws::crypto::token_digest("abd"));
  CHECK(ws::crypto::token_digest("abc").size() == 64);
  CHECK(ws::crypto::equal_constant_time("same", "same"));
  CHECK_FALSE(ws::crypto::equal_constant_time("same", "sane"));
  CHECK_FALSE(ws::crypto::equal_constant_time("same", "longer"));
}

TEST_CASE("enrolment codes are typable") {
  const auto code = ws::crypto::random_code();
  CHECK(code.size() == 14);
  CHECK(code[4] == '-');
  CHECK(code.find_first_of("01IO") == std::string::npos);
}
