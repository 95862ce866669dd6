// `--counsellor NAME`: the CLI's sign-in for commands that read sealed values.
#include "kiosk/cli/commands.hpp"
#include "kiosk/core/store/counsellors.hpp"
#include "kiosk/core/store/vault.hpp"

namespace ws::kiosk::cli {

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
    // The unwrap is the check: a wrong PIN opens nothing, and each try costs a full Argon2id.
    if (auto s = vault::unlock(store, a.id, *secret); !s) return s;
    return ok();
  }
  return fail("unknown_counsellor", "no active account of that name on this kiosk");
}

}  // namespace ws::kiosk::cli
