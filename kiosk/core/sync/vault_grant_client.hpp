#pragma once
// The kiosk's side of the vault escrow and grant (ws/vault_grant.hpp, docs/protocol.md "Vault
// escrow and grant"): the sync round uploads the escrow kiosk.db holds, needing no secret; a
// sign-in whose PIN passed but whose account has no copy of the vault key asks the server for it.
#include <string>

#include "kiosk/core/store/store.hpp"
#include "kiosk/core/sync/transport.hpp"
#include "ws/result.hpp"

namespace ws::kiosk {

// Makes the escrow when the vault is open in this process (vault_escrow::prepare) and sends the
// one the server has not acknowledged yet. Nothing to do when there is none.
Status offer_escrow(Store& store, Transport& transport, const DeviceIdentity& id);

// POST /v1/vault/grant for `counsellor_id`, whose PIN the caller has checked against the
// account's pin_hash. On success the vault is open in this process and the account has its own
// wrapped copy, so the next sign-in needs no server. Errors: "offline" (no server key known
// yet), the transport's ("network", ...), the server's refusal by its code ("forbidden",
// "not_found", "rate_limited", ...), "wrong_secret" when the key sent is not this vault's.
Status request_grant(Store& store, Transport& transport, const DeviceIdentity& id, const std::string& counsellor_id,
                     const std::string& pin);
// The same over a new connection to the server the kiosk is enrolled with (its pin and options).
Status request_grant_online(Store& store, const std::string& counsellor_id, const std::string& pin);

}  // namespace ws::kiosk
