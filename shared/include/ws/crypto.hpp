#pragma once
// libsodium wrappers: the only place that touches key material and password hashes.
#include <string>

#include "ws/result.hpp"

namespace ws::crypto {

// Initialise libsodium once; every function here calls it.
bool init();

// Argon2id (libsodium's crypto_pwhash_str, "interactive" limits by default) for people's
// secrets: passwords, PINs, passphrases. The result embeds salt and parameters.
Result<std::string> hash_password(const std::string& secret);
bool verify_password(const std::string& stored_hash, const std::string& secret);

// A random secret of `bytes` bytes, URL-safe base64 without padding (256-bit by default).
std::string random_token(std::size_t bytes = 32);

// Device tokens are 256-bit random, so a fast keyed-free BLAKE2b digest is enough to make a
// stolen database useless (Argon2id exists to slow guessing of low-entropy secrets; here
// there is nothing to guess, and every request would pay its cost). Hex output.
std::string token_digest(const std::string& token);

// Constant-time comparison of two strings of equal length.
bool equal_constant_time(const std::string& a, const std::string& b);

// A human-typable single-use code (enrolment), e.g. "K7QF-2MZP-9XWD": no 0/O/1/I ambiguity.
std::string random_code();

}  // namespace ws::crypto
