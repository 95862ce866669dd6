#include "sync-server/core/audit.hpp"

#include <pwd.h>
#include <unistd.h>

#include <mutex>

#include "ws/hlc.hpp"

namespace ws::server {

std::string cli_actor() {
  const passwd* pw = getpwuid(geteuid());
  return std::string("cli:") + (pw && pw->pw_name ? pw->pw_name : std::to_string(geteuid()));
}

Status record_audit(Database& db, const audit::Event& event) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  std::lock_guard<std::mutex> lock(db.write_mutex());
  auto appended = audit::append(**lease, event, HlcClock::system_wall_ms());
  if (!appended) return fail(appended.error());
  return ok();
}

Status audit_erasure(Database& db, const std::string& actor, const std::string& case_id,
                     const nlohmann::json& details) {
  return record_audit(db, audit::Event{actor, "case.erased", case_id, details});
}

}  // namespace ws::server
