// counsellor-add: the first accounts of a kiosk, made on the kiosk by the centre admin (the
// server's counsellor-add does the same centrally). The record syncs like any other.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <ostream>

#include "kiosk/cli/commands.hpp"
#include "kiosk/core/store/counsellors.hpp"
#include "ws/crypto.hpp"

namespace ws::kiosk::cli {

// On a terminal the typing is not echoed. Never an argument: arguments end up in shell history
// and in `ps`.
Result<std::string> read_secret(const Context& ctx) {
  const bool tty = &ctx.in == &std::cin && isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    ctx.err << "PIN or passphrase: " << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(ctx.in, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    ctx.err << "\n";
  }
  if (!got && line.empty()) return fail("usage", "no PIN on stdin (give it on the first line)");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int cmd_counsellor_add(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) return report(ctx, s.error(), kExitUsage);
  auto name = required(ctx, "--name");
  if (!name) return report(ctx, name.error(), kExitUsage);
  const std::string role = ctx.args.value("--role").value_or("counsellor");
  auto secret = read_secret(ctx);
  if (!secret) return report(ctx, secret.error(), kExitUsage);

  auto store = open_store(ctx);
  if (!store) return report(ctx, store.error());
  auto existing = counsellors::active(**store);
  if (!existing) return report(ctx, explain_storage_error(existing.error(), "cannot read the accounts"));
  std::vector<std::string> names;
  for (const auto& a : *existing) names.push_back(a.name);
  if (auto problems = counsellors::check_new(*name, role, *secret, names); !problems.empty()) {
    for (const auto& p : problems) ctx.err << "kiosk: " << p.message << "\n";
    return kExitError;
  }
  auto hash = crypto::hash_password(*secret);
  if (!hash) return report(ctx, hash.error());
  auto id = counsellors::save(**store, *name, role, *hash);
  if (!id) return report(ctx, explain_storage_error(id.error(), "the account was not saved"));
  if (auto s = audit_command(**store, "counsellor.added", *id, {{"role", role}}); !s)
    return report(ctx, explain_storage_error(s.error(), "cannot write the audit log"));
  ctx.out << *id << "\n";
  return kExitOk;
}

}  // namespace ws::kiosk::cli
