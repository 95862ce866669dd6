#include <doctest/doctest.h>
#include <sodium.h>

#include "ws/crypto.hpp"

using ws::crypto::secret_problem;

TEST_CASE("new secrets: at least 6 digits, or a passphrase of at least 8 characters") {
  CHECK(secret_problem("482913").empty());
  CHECK(secret_problem("four words in line").empty());
  CHECK(secret_problem("ålesund!").empty());  // 8 characters, 9 bytes
  CHECK_FALSE(secret_problem("48291").empty());
  CHECK_FALSE(secret_problem("").empty());
  CHECK_FALSE(secret_problem("abc1234").empty());   // 7 characters, not all digits
  CHECK_FALSE(secret_problem("øøøøøøø").empty());  // 14 bytes but 7 characters
  CHECK_FALSE(secret_problem(std::string(1025, '7')).empty());
}

TEST_CASE("hashes use 256 MiB, and an older, weaker hash still verifies and asks to be made again") {
  auto strong = ws::crypto::hash_password("482913");
  REQUIRE(strong.has_value());
  CHECK(strong->find("m=262144") != std::string::npos);
  CHECK_FALSE(ws::crypto::needs_rehash(*strong));

  REQUIRE(sodium_init() >= 0);
  char weak[crypto_pwhash_STRBYTES];
  const std::string pin = "4821";
  REQUIRE(crypto_pwhash_str(weak, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0);
  CHECK(ws::crypto::verify_password(weak, pin));
  CHECK(ws::crypto::needs_rehash(weak));
}
