// `--counsellor NAME`: the CLI's sign-in for commands that read sealed values.
#include "kiosk/cli/commands.hpp"
#include "kiosk/core/store/counsellors.hpp"
#include "kiosk/core/store/vault.hpp"
#include "kiosk/core/store/vault_escrow.hpp"
#include "kiosk/core/sync/vault_grant_client.hpp"
#include "ws/crypto.hpp"

namespace ws::kiosk::cli {
namespace {

// As the window's sign-in does (vault::sign_in): one Argon2id run checks the PIN and opens the
// vault when the account's copy is the check for its pin_hash; otherwise the pin_hash is checked
// first, then the copy opens, the vault is made (a folder without one) or the server's escrow
// gives the account a copy (docs/security.md).
Status open_as(Store& store, const counsellors::Account& account, const std::string& secret) {
  auto checked = vault::sign_in(store, account.id, account.pin_hash, secret, crypto::verify_password);
  if (!checked.pin_ok) return fail("wrong_secret", "the PIN does not open this kiosk's data");
  if (checked.opened || checked.opened.error().code != "no_copy") return checked.opened;
  if (auto s = request_grant_online(store, account.id, secret); !s) {
    return fail(s.error().code, "this account has no key to this kiosk's data yet, and the server did not give one: " +
                                    s.error().message);
  }
  return ok();
}

}  // namespace

Status unlock_if_asked(const Context& ctx, Store& store) {
  const auto name = ctx.args.value("--counsellor");
  if (!name) return ok();
  auto secret = read_secret(ctx);
  if (!secret) return fail(secret.error());
  auto accounts = counsellors::active(store);
  if (!accounts) return fail(explain_storage_error(accounts.error(), "cannot read the accounts"));
  const std::string wanted = counsellors::clean_name(*name);
  for (const auto& a : *accounts) {
    if (a.name != wanted) continue;
    if (auto s = open_as(store, a, *secret); !s) return s;
    // Ready for the next sync to send to the server (no secret needed then).
    (void)vault_escrow::prepare(store);
    // As after the window's sign-in: pulls that waited are merged, records sealed while locked
    // re-encrypted, queued rows sealed to the server.
    vault::settle_after_unlock(store);
    return ok();
  }
  return fail("unknown_counsellor", "no active account of that name on this kiosk");
}

}  // namespace ws::kiosk::cli
