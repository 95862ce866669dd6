// Encryption at rest for the workspace: the signed-in counsellor's PIN opens the kiosk vault.
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"
#include "kiosk/core/vm/store_data.hpp"

namespace ws::kiosk::vm {

// Runs on the PIN-checking thread, so it uses its own connection (a Store is single-threaded).
// A failure leaves the vault locked: the counsellor still works, sealed drafts and conflict
// values stay closed until an account with a copy signs in (docs/security.md).
void StoreWorkspaceData::open_vault(const std::string& counsellor_id, const std::string& secret) {
  auto own = Store::open(store_->data_dir());
  if (!own || (*own)->read_only()) return;
  if (!vault::open_on_sign_in(**own, counsellor_id, secret)) return;
  vault::settle_after_unlock(**own);
}

void StoreWorkspaceData::close_vault() { vault::lock(store_->data_dir()); }

}  // namespace ws::kiosk::vm
