// Encryption at rest for the workspace: the signed-in counsellor's PIN opens the kiosk vault,
// or, for an account with no copy of its key on this kiosk, gets one from the server's escrow;
// an admin with the vault open gives an account its copy at the kiosk (local_grant.hpp).
#include <algorithm>

#include "kiosk/core/store/counsellors.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"
#include "kiosk/core/store/vault_escrow.hpp"
#include "kiosk/core/sync/vault_grant_client.hpp"
#include "kiosk/core/vm/store_data.hpp"

namespace ws::kiosk::vm {

namespace {

// What to tell the counsellor whose PIN passed but whose data stayed closed.
std::string closed_notice(const Error& why) {
  if (why.code == "forbidden") {
    return "This kiosk's data stays closed to your account: the server refused it. Ask HQ to check your account.";
  }
  if (why.code != "offline" && why.code != "network" && why.code != "not_found") {
    return "This kiosk's data stays closed to your account for now (" + why.message + ").";
  }
  return "Your cases on this kiosk open once it has been online while you sign in: it has no key to "
         "them for your account yet.";
}

}  // namespace

// Runs on the PIN-checking thread, so it uses its own connection (a Store is single-threaded).
// A failure to open leaves the vault locked: the counsellor still works, what is sealed stays
// closed until the kiosk gets the key for this account (docs/security.md "Accounts without a copy").
Session::PinCheck StoreWorkspaceData::check_pin(const std::string& counsellor_id, const std::string& pin_hash,
                                                const std::string& secret, const Session::Verifier& verify) {
  auto own = Store::open(store_->data_dir());
  if (!own || (*own)->read_only()) return {verify(pin_hash, secret), ""};
  auto checked = vault::sign_in(**own, counsellor_id, pin_hash, secret, verify);
  if (!checked.pin_ok) return {false, ""};
  auto opened = std::move(checked.opened);
  if (!opened && opened.error().code == "no_copy") opened = request_grant_online(**own, counsellor_id, secret);
  if (!opened) return {true, closed_notice(opened.error())};
  // The sync worker uploads it with its next round; it needs no secret for that.
  (void)vault_escrow::prepare(**own);
  vault::settle_after_unlock(**own);
  return {true, ""};
}

void StoreWorkspaceData::close_vault() { vault::lock(store_->data_dir()); }

std::optional<std::vector<std::string>> StoreWorkspaceData::vault_copy_holders() {
  auto pk = vault::public_key(*store_);
  if (!pk || pk->empty()) return std::nullopt;
  auto holders = vault::copy_holders(*store_);
  if (!holders) return std::nullopt;
  return std::move(*holders);
}

bool StoreWorkspaceData::vault_open() { return vault::unlocked(store_->data_dir()); }

// On the grant's worker thread: its own connection, as check_pin. The account is read again
// here, so one HQ disabled since the dialog opened gets nothing.
Status StoreWorkspaceData::give_vault_copy(const std::string& account_id, const std::string& secret) {
  auto own = Store::open(store_->data_dir());
  if (!own) return fail(own.error());
  if ((*own)->read_only()) return fail("read_only", "the data folder cannot be written now (is the disk full?)");
  auto accounts = counsellors::active(**own);
  if (!accounts) return fail(accounts.error());
  auto account = std::find_if(accounts->begin(), accounts->end(), [&](const auto& a) { return a.id == account_id; });
  if (account == accounts->end()) return fail("disabled", "this account is disabled");
  return vault::add_further_copy(**own, account_id, secret, account->pin_hash);
}

}  // namespace ws::kiosk::vm
