#pragma once
// libsodium wrappers: the only place that touches key material and password hashes.
#include <string>
#include <string_view>

#include "ws/result.hpp"

namespace ws::crypto {

// Initialise libsodium once; every function here calls it.
bool init();

// Argon2id (libsodium's crypto_pwhash_str with its "moderate" limits: 256 MiB, 3 passes) for
// people's secrets: passwords, PINs, passphrases. The result embeds salt and parameters, so
// hashes made with older, weaker limits still verify.
Result<std::string> hash_password(const std::string& secret);
bool verify_password(const std::string& stored_hash, const std::string& secret);
// True when `stored_hash` was made with other limits than hash_password uses now: hash the
// secret again once it has been verified.
bool needs_rehash(const std::string& stored_hash);

// The rule for a new secret: a PIN of at least 6 digits, or a passphrase of at least 8
// characters (UTF-8 code points); at most 1024 bytes. "" when it holds, else what is wrong,
// in words for the person choosing it (without naming the field: callers do).
inline constexpr std::size_t kMinPinDigits = 6;
inline constexpr std::size_t kMinPassphraseChars = 8;
inline constexpr std::size_t kMaxSecretBytes = 1024;
std::string secret_problem(const std::string& secret);

// A random secret of `bytes` bytes, URL-safe base64 without padding (256-bit by default).
std::string random_token(std::size_t bytes = 32);

// Device tokens are 256-bit random, so a fast keyed-free BLAKE2b digest is enough to make a
// stolen database useless (Argon2id exists to slow guessing of low-entropy secrets; here
// there is nothing to guess, and every request would pay its cost). Hex output.
std::string token_digest(const std::string& token);

// token_digest's hash fed in pieces: the hex digest of everything given to update(), equal to
// token_digest of their concatenation, without holding that concatenation (a pushed batch's
// replay digest hashes every record's canonical line, ~1.2 MB for 500 records).
class Digest {
 public:
  Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  void update(std::string_view bytes);
  // Ends the hash; call once.
  std::string hex();

 private:
  alignas(64) unsigned char state_[384];  // libsodium's crypto_generichash_state (checked in crypto.cpp)
};

// Constant-time comparison of two strings of equal length.
bool equal_constant_time(const std::string& a, const std::string& b);

// A human-typable single-use code (enrolment), e.g. "K7QF-2MZP-9XWD": no 0/O/1/I ambiguity.
std::string random_code();

}  // namespace ws::crypto
