#pragma once
// The kiosk vault at its cheapest, for tests about who gets a copy of its key rather than about
// the cost: Argon2id's minimum limits for new copies (while a FastKdf lives) and for PIN hashes.
#include <sodium.h>

#include <string>

#include "kiosk/core/store/vault.hpp"

namespace ws::test {

struct FastKdf {
  FastKdf() { kiosk::vault::set_kdf_limits({1, 64 * 1024}); }
  ~FastKdf() { kiosk::vault::set_kdf_limits({}); }
  FastKdf(const FastKdf&) = delete;
  FastKdf& operator=(const FastKdf&) = delete;
};

// A `pin_hash` as ws::crypto::hash_password writes it, at the minimum cost ("" if it failed).
inline std::string cheap_hash(const std::string& pin) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN) != 0)
    return {};
  return out;
}

}  // namespace ws::test
