#pragma once
// The kiosk vault (docs/security.md, "Encryption at rest"): an X25519 key pair per data folder.
// The public key is stored in clear, so anything can be sealed with nobody signed in; the
// secret key is stored only wrapped, one copy per counsellor account, each under a key derived
// with Argon2id from that counsellor's PIN (own salt, not the pin_hash's; vault_copy.hpp). Signing
// in unwraps it into the process keyring (locked memory); signing out or the idle lock wipes it.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/store/payload_codec.hpp"
#include "ws/result.hpp"
#include "ws/sealing.hpp"
#include "ws/sqlite.hpp"
#include "ws/vault_grant.hpp"

namespace ws::kiosk {
class Store;
}

namespace ws::kiosk::vault {

// The cost of new copies (each copy keeps its own parameters, so changing this never strands an
// old copy). Tests lower it; the kiosk keeps the default (Argon2id, 256 MiB).
void set_kdf_limits(const seal::KdfLimits& limits);
seal::KdfLimits kdf_limits();

// The vault's public key (32 raw bytes), empty while the folder has no vault yet.
Result<std::string> public_key(Store& store);

// Gives `counsellor_id` a wrapped copy of the vault secret under `secret`, a PIN the caller
// checked against the account's `pin_hash` (the copy then is the check for that hash at the next
// sign-in; "" when the caller has no hash at hand: the next sign-in checks the hash and binds the
// copy to it). The first copy creates the vault and seals what the folder held in clear (drafts,
// conflict log). Later copies need the vault open in this process ("locked" otherwise): the
// secret is never available without a counsellor who already has a copy.
Status add_copy(Store& store, const std::string& counsellor_id, const std::string& secret,
                const std::string& pin_hash = {});
Result<bool> has_copy(Store& store, const std::string& counsellor_id);
// The admin's local grant (vm/local_grant.hpp): a further copy of the vault open in this
// process, never a new vault ("no_vault" when the folder has none, "locked" when it is closed).
Status add_further_copy(Store& store, const std::string& counsellor_id, const std::string& secret,
                        const std::string& pin_hash);
// The accounts holding a copy on this kiosk; empty while the folder has no vault.
Result<std::vector<std::string>> copy_holders(Store& store);

// Opens the vault with `counsellor_id`'s copy, without checking any pin_hash (tests, benches).
// "no_copy" when that account has none on this kiosk, "wrong_secret" when the copy does not open
// (wrong PIN, or a copy from another kiosk).
Status unlock(Store& store, const std::string& counsellor_id, const std::string& secret);

// The PIN check of every sign-in (the window, the CLI's --counsellor): checks `secret` for the
// account whose pin_hash is `pin_hash` and opens the vault with it. When the account's copy on
// this kiosk was written under that pin_hash, its verifier is the check and one Argon2id run
// does both; otherwise `check_hash(pin_hash, secret)` decides (ws::crypto::verify_password, a
// fake in tests), and then the vault is made (a folder without one), opened with the copy (which
// is rewritten as the check for this pin_hash), or "no_copy". Slow: never on the UI thread.
using HashCheck = std::function<bool(const std::string& pin_hash, const std::string& secret)>;
struct SignIn {
  bool pin_ok = false;  // counts as a right or wrong PIN in the lockout
  Status opened;        // the vault, when pin_ok ("no_copy", "wrong_secret", ...)
};
SignIn sign_in(Store& store, const std::string& counsellor_id, const std::string& pin_hash, const std::string& secret,
               const HashCheck& check_hash);
// The server's escrow and grant (ws/vault_grant.hpp, vault_escrow.hpp): the open vault's secret
// sealed to `to_public_key` ("locked" when this process has not opened the vault), and opening
// the vault with its secret obtained from the server ("wrong_secret" unless it is this vault's).
Result<vault_grant::SealedSecret> seal_secret_to(Store& store, const std::string& to_public_key);
Status adopt(Store& store, seal::SecretKey secret);
// With the vault just opened (off the UI thread): merges the pulls that waited in the sealed
// inbox and re-encrypts the records sealed while locked under the data key, so lists never pay
// a sealed box's X25519. Failures leave the work for later (the next pull merges the inbox).
void settle_after_unlock(Store& store);
// Wipes the secret of `data_dir`'s vault from memory.
void lock(const std::string& data_dir);
bool unlocked(const std::string& data_dir);

// The symmetric key records are encrypted with while the vault is open (record_codec.hpp):
// derived from the vault secret (crypto_kdf, context "wsrecord"), held beside it in the keyring
// and wiped with it. Null while the vault of `data_dir` is locked, or when `public_key` is given
// and the open vault is not that one (a write never goes under a key the folder cannot open).
std::shared_ptr<const seal::SecretKey> data_key(const std::string& data_dir, const std::string& public_key = {});
Result<seal::SecretKey> derive_data_key(const seal::KeyPair& keys);
// The public key read through a connection (for code below the Store, e.g. row writes).
Result<std::string> public_key(sql::Connection& db);
// The name the process-wide keyring and search index know a data folder by.
std::string folder_key(const std::string& data_dir);

// Seals `plain` to a vault's public key; opens a sealed value with the secret unlocked in this
// process ("locked" when nobody has opened the vault).
std::string seal(const std::string& public_key, const std::string& plain);
Result<std::string> open(const std::string& data_dir, const std::string& sealed);

// Personal values kept beside the records (drafts, the conflict log): sealed to the vault once
// the folder has one, so they can be written with nobody signed in; reading a sealed one needs
// the vault open ("locked" otherwise). Plain rows of a folder without a vault still read.
Result<codec::Encoded> encode(Store& store, const nlohmann::json& value);
Result<nlohmann::json> decode(Store& store, int codec_id, const std::string& bytes);

}  // namespace ws::kiosk::vault
