#pragma once
// One account's wrapped copy of the vault secret (docs/security.md "The vault"): its two forms
// and the one Argon2id run a sign-in pays.
//
// Form 1 (before schema 14): the wrapping key is Argon2id(PIN, copy salt) itself; the PIN was
// checked beforehand against the account's pin_hash, a second Argon2id run.
// Form 2: master = Argon2id(PIN, copy salt); the wrapping key and a PIN verifier are crypto_kdf
// subkeys of it (BLAKE2b keyed with the master: the stored verifier tells nothing about the
// wrapping key). The copy also keeps a digest of the pin_hash the PIN was checked against when
// the copy was written: while the account still has that pin_hash, the verifier is the sign-in's
// PIN check, so one Argon2id both checks the PIN and unwraps the secret. A PIN HQ reset since
// (another pin_hash) makes the sign-in check the pin_hash again, so an old PIN never opens.
#include <optional>
#include <string>

#include "ws/result.hpp"
#include "ws/sealing.hpp"
#include "ws/sqlite.hpp"

namespace ws::kiosk::vault::copy {

struct Copy {
  int form = 1;
  std::string salt;
  seal::KdfLimits limits;
  std::string wrapped;
  std::string verifier;  // form 2
  std::string pin_tag;   // form 2: digest of the pin_hash it was checked against ("" = none)
};

Result<std::optional<Copy>> read(sql::Connection& db, const std::string& counsellor_id);

// The one Argon2id run: the master key of this copy for `secret`.
Result<seal::SecretKey> stretch(const Copy& copy, const std::string& secret);

// The digest a form-2 copy keeps of an account's pin_hash.
std::string pin_tag(const std::string& pin_hash);

// True when the copy's verifier is the check for `pin_hash` (form 2, written under that hash).
bool checks(const Copy& copy, const std::string& pin_hash);
// The PIN check itself (constant time): `master` came from the PIN the copy was written with.
bool verifies(const Copy& copy, const seal::SecretKey& master);

// The vault secret from the copy ("wrong_secret" when it does not open with `master`, or is not
// the secret of `public_key`).
Result<seal::SecretKey> unwrap(const Copy& copy, const seal::SecretKey& master, const std::string& public_key,
                               const std::string& counsellor_id);

// Writes the account's copy in form 2 under `master` (from stretch with `salt` and `limits`),
// replacing any other in one statement: a crash leaves either the old row or the new one.
Status write(sql::Connection& db, const seal::KeyPair& keys, const std::string& counsellor_id,
             const seal::SecretKey& master, const std::string& salt, const seal::KdfLimits& limits,
             const std::string& pin_hash);

}  // namespace ws::kiosk::vault::copy
