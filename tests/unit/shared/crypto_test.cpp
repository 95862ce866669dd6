#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>

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

TEST_CASE("a digest fed in pieces equals token_digest of their concatenation") {
  CHECK(ws::crypto::token_digest("abc") == "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  std::string whole;
  for (int i = 0; i < 1000; ++i) whole += static_cast<char>(32 + i % 90);
  CHECK(ws::crypto::token_digest(whole) == "8ee3214a611d1977c130733a2dfe7e6bffc6e46e3b5ffab1d77242b16d5765b9");
  // Pieces that straddle BLAKE2b's 128-byte blocks, empty ones among them.
  for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{128}, std::size_t{129}, std::size_t{1000}}) {
    ws::crypto::Digest digest;
    for (std::size_t at = 0; at < whole.size(); at += step) {
      digest.update(std::string_view(whole).substr(at, step));
      digest.update("");
    }
    CHECK(digest.hex() == ws::crypto::token_digest(whole));
  }
  CHECK(ws::crypto::Digest().hex() == ws::crypto::token_digest(""));
}
