#include "sync-server/cli/commands_erasure.hpp"

#include <pwd.h>
#include <unistd.h>

#include <iostream>

#include <nlohmann/json.hpp>

#include "sync-server/core/audit.hpp"
#include "sync-server/core/database.hpp"
#include "sync-server/core/erasure.hpp"
#include "sync-server/core/retention.hpp"
#include "ws/protocol.hpp"

namespace ws::server::cli {
namespace {

using nlohmann::json;

int reply(const Result<json>& out) {
  if (!out) {
    std::cout << protocol::error_body(out.error().code, out.error().message).dump() << std::endl;
    return 1;
  }
  std::cout << out->dump() << std::endl;
  return 0;
}

int usage(const std::string& message) {
  std::cout << protocol::error_body("usage", message).dump() << std::endl;
  return 2;
}

// Who asked, for the erasure record: --by, else the operator's login name.
std::string operator_name(const Args& args) {
  if (auto by = args.get("by")) return *by;
  if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
  return "uid " + std::to_string(geteuid());
}

Result<json> erase(const Args& args) {
  auto db = Database::open(*args.get("db"));
  if (!db) return fail(db.error());
  if (args.has("pending")) {
    auto pending = pending_erasures(**db);
    if (!pending) return fail(pending.error());
    return json{{"pending", *pending}};
  }
  if (args.has("list")) {
    auto list = list_erasures(**db);
    if (!list) return fail(list.error());
    json out = json::array();
    for (const auto& e : *list) out.push_back(to_json(e));
    return json{{"erasures", out}};
  }
  auto done = erase_case(**db, ErasureRequest{*args.get("case"), *args.get("reason"), operator_name(args)});
  if (!done) return fail(done.error());
  // The audit entry keeps ids and a count; the free-text reason may name the person.
  if (auto s = audit_erasure(**db, operator_name(args), done->case_id,
                             {{"erasure_id", done->id}, {"records", done->record_ids.size()}});
      !s) {
    return fail(s.error());
  }
  return to_json(*done);
}

}  // namespace

int erase_command(const Args& args) {
  const int modes = (args.get("case") ? 1 : 0) + (args.has("pending") ? 1 : 0) + (args.has("list") ? 1 : 0);
  if (modes != 1) return usage("give exactly one of --case ID --reason TEXT, --pending or --list");
  if (args.get("case") && !args.get("reason")) return usage("--case needs --reason TEXT");
  if (!args.get("case") && (args.get("reason") || args.get("by"))) return usage("--reason and --by go with --case");
  return reply(erase(args));
}

int retention_command(const Args& args) {
  const std::string text = *args.get("days");
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos) {
    return usage("--days must be a whole number of days");
  }
  auto db = Database::open(*args.get("db"));
  if (!db) return reply(fail(db.error()));
  auto set = set_retention(**db, *args.get("centre"), std::stoi(text));
  if (!set) return reply(fail(set.error()));
  return reply(json{{"centre", set->centre}, {"retention_days", set->days}, {"record_id", set->record_id}});
}

}  // namespace ws::server::cli
