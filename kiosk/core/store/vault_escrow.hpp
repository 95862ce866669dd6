#pragma once
// The kiosk's side of the vault escrow (ws/vault_grant.hpp, docs/security.md "Accounts without a
// copy"): while the vault is open in this process and the server's key is known, the vault
// secret sealed to that key is kept in kiosk.db (meta), ready for the sync worker to upload with
// no kiosk secret at hand. Only the server can open it, so it is safe at rest. It is made again
// when the server's key or the vault changes, and sent again until the server acknowledges it.
#include <optional>
#include <string>

#include "ws/result.hpp"

namespace ws::kiosk {
class Store;
}

namespace ws::kiosk::vault_escrow {

// Makes the escrow body when the vault is open here, the server's key is known and the stored
// one is for another key or vault; nothing to do otherwise.
Status prepare(Store& store);

struct Pending {
  std::string body;  // the POST /v1/vault/escrow body
  std::string tag;   // which vault and server key it is for
};
// The escrow the server has not acknowledged yet, for the server key the kiosk knows now.
Result<std::optional<Pending>> pending(Store& store);
Status mark_sent(Store& store, const std::string& tag);

}  // namespace ws::kiosk::vault_escrow
