#pragma once
// The HQ console's read side over the gate: centres, overview, kiosks, case search and detail,
// data quality and export (docs/hq-api.md). Every handler passes the principal's CentreScope
// to the core, which is where scope is enforced.
#include <cstdint>
#include <string>

#include "sync-server/core/database.hpp"
#include "sync-server/core/overview.hpp"
#include "sync-server/http/hq/gate.hpp"

namespace ws::server::hq {

struct DataOptions {
  std::int64_t stale_hours = kDefaultStaleHours;  // `serve --hq-stale-hours`
  std::string forms_dir;  // `serve --forms`: shipped definitions, for the answers' labels
};

void install_data_routes(Routes& routes, Database& db, DataOptions options = {});

}  // namespace ws::server::hq
