// Encryption at rest for the workspace: the signed-in counsellor's PIN opens the kiosk vault,
// or, for an account with no copy of its key on this kiosk, gets one from the server's escrow.
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"
#include "kiosk/core/store/vault_escrow.hpp"
#include "kiosk/core/sync/vault_grant_client.hpp"
#include "kiosk/core/vm/store_data.hpp"

namespace ws::kiosk::vm {

// Runs on the PIN-checking thread, so it uses its own connection (a Store is single-threaded).
// A failure leaves the vault locked: the counsellor still works, what is sealed stays closed
// until the kiosk gets the key for this account (docs/security.md "Accounts without a copy").
std::string StoreWorkspaceData::open_vault(const std::string& counsellor_id, const std::string& secret) {
  auto own = Store::open(store_->data_dir());
  if (!own || (*own)->read_only()) return {};
  auto opened = vault::open_on_sign_in(**own, counsellor_id, secret);
  if (!opened && opened.error().code == "no_copy") opened = request_grant_online(**own, counsellor_id, secret);
  if (opened) {
    // The sync worker uploads it with its next round; it needs no secret for that.
    (void)vault_escrow::prepare(**own);
    vault::settle_after_unlock(**own);
    return {};
  }
  if (opened.error().code == "forbidden") {
    return "This kiosk's data stays closed to your account: the server refused it. Ask HQ to check your account.";
  }
  if (opened.error().code != "offline" && opened.error().code != "network" && opened.error().code != "not_found") {
    return "This kiosk's data stays closed to your account for now (" + opened.error().message + ").";
  }
  return "Your cases on this kiosk open once it has been online while you sign in: it has no key to "
         "them for your account yet.";
}

void StoreWorkspaceData::close_vault() { vault::lock(store_->data_dir()); }

}  // namespace ws::kiosk::vm
