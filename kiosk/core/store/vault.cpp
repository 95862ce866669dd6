#include "kiosk/core/store/vault.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "kiosk/core/store/page_key.hpp"
#include "kiosk/core/store/payload_codec.hpp"
#include "kiosk/core/store/record_codec.hpp"
#include "kiosk/core/store/search_index.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault_copy.hpp"

namespace ws::kiosk::vault {
namespace {

std::mutex g_mutex;
seal::KdfLimits g_limits{};

// What an open vault holds in locked memory: its key pair and the records' data key.
struct Unlocked {
  seal::KeyPair keys;
  seal::SecretKey data_key;
};
// One open vault per data folder: every Store of the process (UI, sync worker) shares it.
std::map<std::string, std::shared_ptr<const Unlocked>> g_open;

std::shared_ptr<const Unlocked> open_vault(const std::string& data_dir) {
  const auto key = folder_key(data_dir);
  std::lock_guard lock(g_mutex);
  auto it = g_open.find(key);
  return it == g_open.end() ? nullptr : it->second;
}

std::shared_ptr<const seal::KeyPair> open_keys(const std::string& data_dir) {
  auto u = open_vault(data_dir);
  return u ? std::shared_ptr<const seal::KeyPair>(u, &u->keys) : nullptr;
}

Status keep_open(const std::string& data_dir, seal::KeyPair keys) {
  auto data = derive_data_key(keys);
  if (!data) return fail(data.error());
  auto shared = std::make_shared<const Unlocked>(Unlocked{std::move(keys), std::move(*data)});
  const auto key = folder_key(data_dir);
  std::lock_guard lock(g_mutex);
  g_open[key] = std::move(shared);
  return ok();
}

// A new copy: its own salt (never the pin_hash's), the current cost, one Argon2id run.
Status write_new_copy(sql::Connection& db, const seal::KeyPair& keys, const std::string& counsellor_id,
                      const std::string& secret, const std::string& pin_hash) {
  const auto limits = kdf_limits();
  const std::string salt = seal::random_bytes(seal::kSaltBytes);
  auto master = seal::derive_key(secret, salt, limits);
  if (!master) return fail(master.error());
  return copy::write(db, keys, counsellor_id, *master, salt, limits, pin_hash);
}

Status no_copy() { return fail("no_copy", "this account cannot open this kiosk's data yet"); }

// What a folder held in clear before its vault existed is sealed when the vault is made. The
// select yields (key..., value) with `keys` key columns; the update binds (codec, value, key...).
Status seal_table(sql::Connection& db, const std::string& public_key, int keys, const char* select,
                  const char* update) {
  auto st = db.prepare(select);
  if (!st) return fail(st.error());
  std::vector<std::vector<std::string>> rows;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    std::vector<std::string> cols;
    for (int i = 0; i <= keys; ++i) cols.push_back(st->column_blob(i));
    rows.push_back(std::move(cols));
  }
  auto up = db.prepare(update);
  if (!up) return fail(up.error());
  for (const auto& cols : rows) {
    up->reset();
    up->bind(1, codec::kSealedJson).bind_blob(2, seal(public_key, cols[static_cast<std::size_t>(keys)]));
    for (int i = 0; i < keys; ++i) up->bind(3 + i, cols[static_cast<std::size_t>(i)]);
    if (auto s = up->run(); !s) return s;
  }
  return ok();
}

Status seal_existing(sql::Connection& db, const std::string& public_key) {
  if (auto s = seal_table(db, public_key, 2, "SELECT counsellor, key, value FROM drafts WHERE value_codec = 1",
                          "UPDATE drafts SET value_codec = ?1, value = ?2 WHERE counsellor = ?3 AND key = ?4");
      !s) {
    return s;
  }
  return seal_table(db, public_key, 1, "SELECT seq, lost_value FROM conflicts WHERE lost_codec = 1",
                    "UPDATE conflicts SET lost_codec = ?1, lost_value = ?2 WHERE seq = CAST(?3 AS INTEGER)");
}

Status create(Store& store, const std::string& counsellor_id, const std::string& secret, const std::string& pin_hash) {
  auto keys = seal::make_key_pair();
  if (!keys) return fail(keys.error());
  auto& db = store.connection();
  auto tx = sql::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  auto st = db.prepare("INSERT INTO vault(one, public_key, created_ms) VALUES(1, ?1, ?2)");
  if (!st) return fail(st.error());
  if (auto s = st->bind_blob(1, keys->public_key).bind(2, HlcClock::system_wall_ms()).run(); !s) return s;
  if (auto s = write_new_copy(db, *keys, counsellor_id, secret, pin_hash); !s) return s;
  if (auto s = seal_existing(db, keys->public_key); !s) return s;
  auto data = derive_data_key(*keys);
  if (!data) return fail(data.error());
  if (auto s = record_codec::encrypt_plain_records(db, *data); !s) return s;
  if (auto s = tx->commit(); !s) return s;
  // secure_delete zeroed the clear pages in the database; the WAL still holds them.
  (void)store.scrub_wal_soon();
  return keep_open(store.data_dir(), std::move(*keys));
}

}  // namespace

void set_kdf_limits(const seal::KdfLimits& limits) {
  std::lock_guard lock(g_mutex);
  g_limits = limits;
}

seal::KdfLimits kdf_limits() {
  std::lock_guard lock(g_mutex);
  return g_limits;
}

std::string folder_key(const std::string& data_dir) {
  // Asked for every record read and written: an absolute path is resolved once per spelling
  // (a relative one depends on the working directory).
  const bool absolute = !data_dir.empty() && data_dir.front() == '/';
  static std::mutex cache_mutex;
  static std::map<std::string, std::string> cache;
  if (absolute) {
    std::lock_guard lock(cache_mutex);
    if (auto it = cache.find(data_dir); it != cache.end()) return it->second;
  }
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(data_dir, ec);
  const std::string key = ec ? data_dir : canonical.string();
  if (absolute) {
    std::lock_guard lock(cache_mutex);
    cache.emplace(data_dir, key);
  }
  return key;
}

Result<seal::SecretKey> derive_data_key(const seal::KeyPair& keys) {
  return seal::derive_subkey(keys.secret_key, 1, "wsrecord");
}

std::shared_ptr<const seal::SecretKey> data_key(const std::string& data_dir, const std::string& public_key) {
  auto u = open_vault(data_dir);
  if (!u || (!public_key.empty() && u->keys.public_key != public_key)) return nullptr;
  return std::shared_ptr<const seal::SecretKey>(u, &u->data_key);
}

Result<std::string> public_key(Store& store) { return public_key(store.connection()); }

Result<std::string> public_key(sql::Connection& db) {
  auto st = db.prepare("SELECT public_key FROM vault WHERE one = 1");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  return *row ? st->column_blob(0) : std::string();
}

Result<bool> has_copy(Store& store, const std::string& counsellor_id) {
  auto c = copy::read(store.connection(), counsellor_id);
  if (!c) return fail(c.error());
  return c->has_value();
}

Status add_copy(Store& store, const std::string& counsellor_id, const std::string& secret, const std::string& pin_hash) {
  auto pk = public_key(store);
  if (!pk) return fail(pk.error());
  if (pk->empty()) return create(store, counsellor_id, secret, pin_hash);
  auto keys = open_keys(store.data_dir());
  if (!keys || keys->public_key != *pk) {
    return fail("locked", "a counsellor who can already open this kiosk's data must be signed in first");
  }
  return write_new_copy(store.connection(), *keys, counsellor_id, secret, pin_hash);
}

Status add_further_copy(Store& store, const std::string& counsellor_id, const std::string& secret,
                        const std::string& pin_hash) {
  auto pk = public_key(store);
  if (!pk) return fail(pk.error());
  if (pk->empty()) return fail("no_vault", "this kiosk has no vault yet: its first sign-in makes one");
  return add_copy(store, counsellor_id, secret, pin_hash);
}

Result<std::vector<std::string>> copy_holders(Store& store) {
  auto st = store.connection().prepare("SELECT counsellor FROM vault_copies ORDER BY counsellor");
  if (!st) return fail(st.error());
  return st->collect_column();
}

namespace {

// Opens the vault with the account's copy and `master` (stretched from the PIN). A copy that is
// not yet the check for `pin_hash` (form 1, or written under another or no pin_hash) is
// rewritten in form 2 with the same salt and master: no further Argon2id run, and one statement,
// so a crash leaves the old copy or the new one, both of which open with this PIN.
Status open_copy(Store& store, const copy::Copy& c, const seal::SecretKey& master, const std::string& pk,
                 const std::string& counsellor_id, const std::string& pin_hash) {
  auto sk = copy::unwrap(c, master, pk, counsellor_id);
  if (!sk) return fail(sk.error());
  seal::KeyPair keys{pk, std::move(*sk)};
  if (!pin_hash.empty() && !copy::checks(c, pin_hash)) {
    // Best effort: a read-only folder still opens, and upgrades at a later sign-in.
    (void)copy::write(store.connection(), keys, counsellor_id, master, c.salt, c.limits, pin_hash);
  }
  return keep_open(store.data_dir(), std::move(keys));
}

}  // namespace

Status unlock(Store& store, const std::string& counsellor_id, const std::string& secret) {
  auto pk = public_key(store);
  if (!pk) return fail(pk.error());
  auto c = copy::read(store.connection(), counsellor_id);
  if (!c) return fail(c.error());
  if (pk->empty() || !*c) return no_copy();
  auto master = copy::stretch(**c, secret);
  if (!master) return fail(master.error());
  return open_copy(store, **c, *master, *pk, counsellor_id, {});
}

SignIn sign_in(Store& store, const std::string& counsellor_id, const std::string& pin_hash, const std::string& secret,
               const HashCheck& check_hash) {
  auto pk = public_key(store);
  auto c = pk ? copy::read(store.connection(), counsellor_id) : Result<std::optional<copy::Copy>>(fail(pk.error()));
  if (pk && c && !pk->empty() && *c && copy::checks(**c, pin_hash)) {
    // The copy is the PIN check: one Argon2id run checks the PIN and opens the vault.
    auto master = copy::stretch(**c, secret);
    if (!master) return SignIn{false, fail(master.error())};
    if (!copy::verifies(**c, *master)) return SignIn{false, fail("wrong_secret", "wrong PIN")};
    return SignIn{true, open_copy(store, **c, *master, *pk, counsellor_id, pin_hash)};
  }
  // Form 1, a copy from before HQ's last PIN reset, no copy, or an unreadable folder: the
  // account's pin_hash decides, and the vault opens (and the copy is rewritten) after it.
  if (!check_hash(pin_hash, secret)) return SignIn{false, fail("wrong_secret", "wrong PIN")};
  if (!pk) return SignIn{true, fail(pk.error())};
  if (!c) return SignIn{true, fail(c.error())};
  if (pk->empty()) return SignIn{true, create(store, counsellor_id, secret, pin_hash)};
  if (!*c) return SignIn{true, no_copy()};
  auto master = copy::stretch(**c, secret);
  if (!master) return SignIn{true, fail(master.error())};
  return SignIn{true, open_copy(store, **c, *master, *pk, counsellor_id, pin_hash)};
}

Result<vault_grant::SealedSecret> seal_secret_to(Store& store, const std::string& to_public_key) {
  auto pk = public_key(store);
  if (!pk) return fail(pk.error());
  auto keys = open_keys(store.data_dir());
  if (!keys || pk->empty() || keys->public_key != *pk) return fail("locked", "the kiosk's data is locked");
  return vault_grant::seal_secret(*keys, to_public_key);
}

Status adopt(Store& store, seal::SecretKey secret) {
  auto pk = public_key(store);
  if (!pk) return fail(pk.error());
  if (pk->empty() || seal::public_key_of(secret) != *pk) {
    return fail("wrong_secret", "the key the server sent does not open this kiosk's data");
  }
  return keep_open(store.data_dir(), seal::KeyPair{*pk, std::move(secret)});
}

void settle_after_unlock(Store& store) {
  (void)store.merge_pull_inbox();
  (void)record_codec::reseal_to_data_key(store);
  // Outbox rows queued while the records could not be read get their sealed copy now.
  (void)store.seal_waiting_outbox();
}

void lock(const std::string& data_dir) {
  // The search index holds text derived from the records: it goes with the key, and so do the
  // pull pages' keys opened since the unlock.
  search_index::drop(data_dir);
  page_key::forget(data_dir);
  const auto key = folder_key(data_dir);
  std::shared_ptr<const Unlocked> dropped;
  {
    std::lock_guard guard(g_mutex);
    auto it = g_open.find(key);
    if (it == g_open.end()) return;
    dropped = std::move(it->second);
    g_open.erase(it);
  }
  // The key is wiped (sodium_free) when the last reader in flight lets go of it.
}

bool unlocked(const std::string& data_dir) { return open_keys(data_dir) != nullptr; }

std::string seal(const std::string& public_key, const std::string& plain) { return seal::seal_to(public_key, plain); }

Result<std::string> open(const std::string& data_dir, const std::string& sealed) {
  auto keys = open_keys(data_dir);
  if (!keys) return fail("locked", "sign in to see this: the kiosk's data is locked");
  return seal::open_sealed(*keys, sealed);
}

Result<codec::Encoded> encode(Store& store, const nlohmann::json& value) {
  auto plain = codec::encode(value);
  auto pk = public_key(store);
  if (!pk) return fail(pk.error());
  if (pk->empty()) return plain;
  return codec::Encoded{codec::kSealedJson, seal(*pk, plain.bytes)};
}

Result<nlohmann::json> decode(Store& store, int codec_id, const std::string& bytes) {
  if (codec_id != codec::kSealedJson) return codec::decode(codec_id, bytes);
  auto plain = open(store.data_dir(), bytes);
  if (!plain) return fail(plain.error());
  return codec::decode(codec::kJsonText, *plain);
}

}  // namespace ws::kiosk::vault
