#pragma once
// Writes with the vault locked, one key exchange per pull page (docs/security.md "Pulls while
// locked"): inside a `Scope` (one pull page's transaction), the first record or inbox entry that
// must be sealed makes a fresh random key, stores it once sealed to the vault's public key
// (`page_keys`), and every such write of the page is XChaCha20-Poly1305 under it: one X25519 per
// page instead of one per record. Stored form (payload codec kPageKey): the key's id (8 bytes,
// big-endian) || nonce || ciphertext; the additional data names the purpose, the key's id and
// the record id, so a row moved onto another record, into the inbox or under another key does
// not open. Opening needs the vault open and pays one X25519 per page key; the opened keys stay
// in this process (locked memory) until the vault is locked again.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ws/result.hpp"
#include "ws/sealing.hpp"
#include "ws/sqlite.hpp"

namespace ws::kiosk::page_key {

inline constexpr std::string_view kRecord = "record";  // a records row's payload
inline constexpr std::string_view kInbox = "inbox";    // a pull_inbox row's envelope

// One page's key, made on first use and wiped (sodium_free) when the scope ends. Scopes are per
// thread and per connection; the transaction the scope covers holds the stored key, so a
// rolled-back page takes its key with it.
class Scope {
 public:
  Scope(sql::Connection& db, std::string data_dir);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  friend struct Access;
  sql::Connection* db_;
  std::string folder_;
  Scope* outer_;
  std::int64_t id_ = 0;
  seal::SecretKey key_;
};

// `plain` under the page key of the scope open on `db` (made and stored sealed to `public_key`
// on first use); nullopt when no scope is open on `db` (the caller seals as before).
Result<std::optional<std::string>> encrypt(sql::Connection& db, const std::string& public_key, std::string_view plain,
                                           std::string_view purpose, const std::string& record_id);
// Opens what `encrypt` made: "locked" while the vault is closed, "corrupt" when the bytes do not
// open under their key for this purpose and record. The key is read through `db` when given,
// otherwise through a read-only connection of its own.
Result<std::string> decrypt(const std::string& data_dir, sql::Connection* db, std::string_view bytes,
                            std::string_view purpose, const std::string& record_id);
// After a settle: deletes the stored page keys once no row uses one any more.
Status forget_unused(sql::Connection& db, const std::string& data_dir);
// Wipes this process's opened page keys of `data_dir` (the vault's lock).
void forget(const std::string& data_dir);

}  // namespace ws::kiosk::page_key
