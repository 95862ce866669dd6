#pragma once
// The gauges of /metrics read from the database at scrape time (see core/fleet_stats.hpp), in the
// Prometheus text format. Counters live in metrics.hpp; these are state, so they are not kept.
#include <string>

#include "sync-server/core/fleet_stats.hpp"

namespace ws::server {

std::string render_fleet(const FleetStats& stats);

// When the database could not be read, the scrape still answers, and says so.
std::string render_fleet_unavailable();

}  // namespace ws::server
