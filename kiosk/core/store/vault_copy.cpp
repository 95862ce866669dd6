#include "kiosk/core/store/vault_copy.hpp"

#include "ws/crypto.hpp"
#include "ws/hlc.hpp"

namespace ws::kiosk::vault::copy {
namespace {

// Binds a copy to this vault and this account: a copy moved to another kiosk's folder (another
// public key) or to another account's row does not open, even with the right PIN. The form is
// in the label, so a copy cannot be passed off as the other form.
std::string aad(int form, const std::string& public_key, const std::string& counsellor_id) {
  return std::string(form == 1 ? "waystation-vault-copy-v1" : "waystation-vault-copy-v2") + '\0' + public_key +
         counsellor_id;
}

// Subkey ids under the context "wsvaultc".
constexpr std::uint64_t kVerifierId = 1;
constexpr std::uint64_t kWrapId = 2;

Result<seal::SecretKey> wrapping_key(const Copy& copy, const seal::SecretKey& master) {
  if (copy.form == 1) {
    seal::SecretKey same(master.size());
    if (same.empty()) return fail("crypto", "out of memory");
    std::copy(master.data(), master.data() + master.size(), same.data());
    return same;
  }
  return seal::derive_subkey(master, kWrapId, "wsvaultc");
}

Result<std::string> verifier_of(const seal::SecretKey& master) {
  auto v = seal::derive_subkey(master, kVerifierId, "wsvaultc");
  if (!v) return fail(v.error());
  return std::string(reinterpret_cast<const char*>(v->data()), v->size());
}

}  // namespace

Result<std::optional<Copy>> read(sql::Connection& db, const std::string& counsellor_id) {
  auto st = db.prepare("SELECT salt, ops, mem, wrapped, form, verifier, pin_tag FROM vault_copies WHERE counsellor = ?1");
  if (!st) return fail(st.error());
  st->bind(1, counsellor_id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<Copy>();
  Copy c{static_cast<int>(st->column_int(4)),
         st->column_blob(0),
         seal::KdfLimits{static_cast<unsigned long long>(st->column_int(1)), static_cast<std::size_t>(st->column_int(2))},
         st->column_blob(3),
         st->column_blob(5),
         st->column_text(6)};
  return std::optional<Copy>(std::move(c));
}

Result<seal::SecretKey> stretch(const Copy& copy, const std::string& secret) {
  return seal::derive_key(secret, copy.salt, copy.limits);
}

std::string pin_tag(const std::string& pin_hash) { return crypto::token_digest(pin_hash); }

bool checks(const Copy& copy, const std::string& pin_hash) {
  return copy.form == 2 && !copy.verifier.empty() && !copy.pin_tag.empty() && !pin_hash.empty() &&
         crypto::equal_constant_time(copy.pin_tag, pin_tag(pin_hash));
}

bool verifies(const Copy& copy, const seal::SecretKey& master) {
  auto v = verifier_of(master);
  return v && copy.form == 2 && crypto::equal_constant_time(*v, copy.verifier);
}

Result<seal::SecretKey> unwrap(const Copy& copy, const seal::SecretKey& master, const std::string& public_key,
                               const std::string& counsellor_id) {
  auto kek = wrapping_key(copy, master);
  if (!kek) return fail(kek.error());
  auto sk = seal::decrypt_key(*kek, copy.wrapped, aad(copy.form, public_key, counsellor_id));
  // The AAD already binds the copy to this public key; checking the pair as well means a
  // tampered vault row can never make the kiosk seal to a key it cannot open.
  if (!sk || seal::public_key_of(*sk) != public_key) return fail("wrong_secret", "the PIN does not open this kiosk's data");
  return std::move(*sk);
}

Status write(sql::Connection& db, const seal::KeyPair& keys, const std::string& counsellor_id,
             const seal::SecretKey& master, const std::string& salt, const seal::KdfLimits& limits,
             const std::string& pin_hash) {
  Copy shape{2, salt, limits, {}, {}, pin_hash.empty() ? std::string() : pin_tag(pin_hash)};
  auto kek = wrapping_key(shape, master);
  if (!kek) return fail(kek.error());
  auto verifier = verifier_of(master);
  if (!verifier) return fail(verifier.error());
  const std::string_view sk(reinterpret_cast<const char*>(keys.secret_key.data()), keys.secret_key.size());
  const std::string wrapped = seal::encrypt(*kek, sk, aad(2, keys.public_key, counsellor_id));
  auto st = db.prepare(
      "INSERT OR REPLACE INTO vault_copies(counsellor, salt, ops, mem, wrapped, created_ms, form, verifier, pin_tag) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, 2, ?7, ?8)");
  if (!st) return fail(st.error());
  return st->bind(1, counsellor_id).bind_blob(2, salt).bind(3, static_cast<std::int64_t>(limits.ops))
      .bind(4, static_cast<std::int64_t>(limits.mem_bytes)).bind_blob(5, wrapped)
      .bind(6, HlcClock::system_wall_ms()).bind_blob(7, *verifier).bind(8, shape.pin_tag).run();
}

}  // namespace ws::kiosk::vault::copy
