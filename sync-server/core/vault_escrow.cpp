#include "sync-server/core/vault_escrow.hpp"

#include <optional>

#include "sync-server/core/records.hpp"
#include "ws/crypto.hpp"
#include "ws/ids.hpp"

namespace ws::server::vault_escrow {
namespace {

Unexpected refused() {
  return fail("forbidden", "this account and PIN cannot open this kiosk's data");
}

// The account's pin_hash when it is an active counsellor account of `centre`.
Result<std::optional<std::string>> active_pin_hash(Database& db, const std::string& centre, const std::string& id) {
  if (!is_uuid(id)) return std::optional<std::string>();
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto record = load_record(**lease, id);
  if (!record) return fail(record.error());
  if (!*record) return std::optional<std::string>();
  const Envelope& e = **record;
  const auto& p = e.payload;
  const bool usable = e.kind == "counsellor" && e.centre == centre && !e.deleted && p.is_object() &&
                      p.contains("active") && p["active"].is_boolean() && p["active"].get<bool>() &&
                      p.contains("pin_hash") && p["pin_hash"].is_string();
  if (!usable) return std::optional<std::string>();
  return std::optional<std::string>(p["pin_hash"].get<std::string>());
}

Result<std::optional<vault_grant::SealedSecret>> stored(Database& db, const std::string& device_id) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare("SELECT public_key, sealed_secret FROM vault_escrow WHERE device_id = ?1");
  if (!st) return fail(st.error());
  st->bind(1, device_id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<vault_grant::SealedSecret>();
  return std::optional<vault_grant::SealedSecret>(vault_grant::SealedSecret{st->column_blob(0), st->column_blob(1)});
}

}  // namespace

Status keep(Database& db, const seal::KeyPair& server_keys, const std::string& device_id,
            const vault_grant::SealedSecret& escrow) {
  // Opened once to prove it is the secret of the key it names; what is kept stays sealed.
  if (auto opened = vault_grant::open_secret(server_keys, escrow); !opened) {
    return fail("invalid_request", "the escrow does not open with this server's key to the vault key it names");
  }
  auto w = WriteScope::begin(db);
  if (!w) return fail(w.error());
  auto st = w->conn().prepare(
      "INSERT INTO vault_escrow(device_id, public_key, sealed_secret, updated_at_ms) VALUES(?1, ?2, ?3, ?4)"
      " ON CONFLICT(device_id) DO UPDATE SET public_key = excluded.public_key,"
      " sealed_secret = excluded.sealed_secret, updated_at_ms = excluded.updated_at_ms");
  if (!st) return fail(st.error());
  st->bind(1, device_id).bind_blob(2, escrow.public_key).bind_blob(3, escrow.sealed_secret).bind(4, unix_ms_now());
  if (auto s = st->run(); !s) return s;
  return w->commit();
}

Status forget(sql::Connection& db, const std::string& device_id) {
  auto st = db.prepare("DELETE FROM vault_escrow WHERE device_id = ?1");
  if (!st) return fail(st.error());
  return st->bind(1, device_id).run();
}

Result<vault_grant::SealedSecret> grant(Database& db, const seal::KeyPair& server_keys, const Device& device,
                                        const vault_grant::GrantRequest& request) {
  if (request.device_id != device.id) return refused();
  auto hash = active_pin_hash(db, device.centre, request.counsellor_id);
  if (!hash) return fail(hash.error());
  // An unknown account costs a full check too, so the reply's timing does not tell it apart.
  static const std::string nobody = crypto::hash_password(crypto::random_token()).value_or("");
  const bool pin_ok = crypto::verify_password(*hash ? **hash : nobody, request.pin);
  if (!*hash || !pin_ok) return refused();
  auto escrow = stored(db, device.id);
  if (!escrow) return fail(escrow.error());
  if (!*escrow) return fail("not_found", "this kiosk has not escrowed its data key yet");
  auto secret = vault_grant::open_secret(server_keys, **escrow);
  if (!secret) return fail("internal", "this kiosk's escrowed key no longer opens");
  return vault_grant::seal_secret(seal::KeyPair{(*escrow)->public_key, std::move(*secret)}, request.reply_key);
}

}  // namespace ws::server::vault_escrow
