#pragma once
// The server's escrow of each kiosk's vault secret and the online grant of it to a counsellor
// of the kiosk's centre who has no copy there (docs/security.md "Accounts without a copy").
// Kept per device, as the kiosk sent it: sealed to the server's own key pair (seal_key.hpp),
// which sits in the same 0600 file. Revoking a device deletes its escrow.
#include <string>

#include "sync-server/core/database.hpp"
#include "sync-server/core/devices.hpp"
#include "ws/result.hpp"
#include "ws/sealing.hpp"
#include "ws/vault_grant.hpp"

namespace ws::server::vault_escrow {

// Keeps (or replaces) `device_id`'s escrow after checking that it opens with the server's keys
// to the secret of the public key it names. Errors: "invalid_request".
Status keep(Database& db, const seal::KeyPair& server_keys, const std::string& device_id,
            const vault_grant::SealedSecret& escrow);

// Inside the caller's write transaction (revocation).
Status forget(sql::Connection& db, const std::string& device_id);

// The vault secret of `device`'s kiosk, sealed to the request's reply key, for an active account
// of the device's centre whose PIN matches its pin_hash (ws::crypto::verify_password, the check
// the kiosk makes). Errors: "forbidden" (another device's request, an account that is not an
// active one of this centre, or a wrong PIN: one message for all, so it tells nobody which
// accounts exist), "not_found" (this kiosk has not escrowed its vault).
Result<vault_grant::SealedSecret> grant(Database& db, const seal::KeyPair& server_keys, const Device& device,
                                        const vault_grant::GrantRequest& request);

}  // namespace ws::server::vault_escrow
