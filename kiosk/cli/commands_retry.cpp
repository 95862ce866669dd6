// retry: sends refused (quarantined) records again, unchanged, at the next sync.
#include "kiosk/cli/commands.hpp"

#include <ostream>

namespace ws::kiosk::cli {

int cmd_retry(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) return report(ctx, s.error(), kExitUsage);
  const auto id = ctx.args.value("--id");
  const bool all = ctx.args.flag("--all");
  if (all == id.has_value()) return report(ctx, Error{"usage", "retry needs either --id ID or --all"}, kExitUsage);
  auto store = open_store(ctx);
  if (!store) return report(ctx, store.error());
  std::size_t requeued = 1;
  if (all) {
    auto n = (*store)->send_again_all();
    if (!n) return report(ctx, explain_storage_error(n.error(), "cannot send the refused records again"));
    requeued = *n;
  } else if (auto s = (*store)->send_again(*id); !s) {
    if (s.error().code == "not_found" || s.error().code == "not_quarantined") return report(ctx, s.error());
    return report(ctx, explain_storage_error(s.error(), "cannot send the record again"));
  }
  if (ctx.args.flag("--json")) {
    ctx.out << nlohmann::json{{"requeued", requeued}}.dump() << "\n";
  } else {
    ctx.out << requeued << " refused record(s) back in the outbox; they go out with the next sync\n";
  }
  return kExitOk;
}

}  // namespace ws::kiosk::cli
