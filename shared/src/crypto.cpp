#include "ws/crypto.hpp"

#include <sodium.h>

#include <algorithm>
#include <vector>

namespace ws::crypto {

bool init() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

Result<std::string> hash_password(const std::string& secret) {
  if (!init()) return fail("crypto", "libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_MODERATE,
                        crypto_pwhash_MEMLIMIT_MODERATE) != 0) {
    return fail("crypto", "out of memory while hashing a secret");
  }
  return std::string(out);
}

bool verify_password(const std::string& stored_hash, const std::string& secret) {
  if (!init() || stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(stored_hash.c_str(), secret.data(), secret.size()) == 0;
}

bool needs_rehash(const std::string& stored_hash) {
  if (!init() || stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_needs_rehash(stored_hash.c_str(), crypto_pwhash_OPSLIMIT_MODERATE,
                                        crypto_pwhash_MEMLIMIT_MODERATE) != 0;
}

std::string secret_problem(const std::string& secret) {
  if (secret.size() > kMaxSecretBytes) return "at most 1024 characters.";
  const bool digits = !secret.empty() && std::all_of(secret.begin(), secret.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    return secret.size() >= kMinPinDigits ? "" : "use at least 6 digits, or a passphrase of at least 8 characters.";
  }
  // Code points: every byte that does not continue a UTF-8 sequence starts one.
  const auto chars = std::count_if(secret.begin(), secret.end(), [](char c) { return (c & 0xC0) != 0x80; });
  if (static_cast<std::size_t>(chars) < kMinPassphraseChars) {
    return "use at least 6 digits, or a passphrase of at least 8 characters.";
  }
  return "";
}

std::string random_token(std::size_t bytes) {
  init();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string token_digest(const std::string& token) {
  Digest digest;
  digest.update(token);
  return digest.hex();
}

static_assert(sizeof(crypto_generichash_state) <= 384 && alignof(crypto_generichash_state) <= 64);

Digest::Digest() {
  init();
  crypto_generichash_init(reinterpret_cast<crypto_generichash_state*>(state_), nullptr, 0, 32);
}

void Digest::update(std::string_view bytes) {
  crypto_generichash_update(reinterpret_cast<crypto_generichash_state*>(state_),
                            reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::string Digest::hex() {
  unsigned char digest[32];
  crypto_generichash_final(reinterpret_cast<crypto_generichash_state*>(state_), digest, sizeof digest);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool equal_constant_time(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_code() {
  init();
  static constexpr char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string code;
  for (int i = 0; i < 12; ++i) {
    if (i > 0 && i % 4 == 0) code += '-';
    code += alphabet[randombytes_uniform(sizeof alphabet - 1)];
  }
  return code;
}

}  // namespace ws::crypto
