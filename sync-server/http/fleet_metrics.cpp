#include "sync-server/http/fleet_metrics.hpp"

namespace ws::server {
namespace {

void gauge(std::string& out, const char* name, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n";
  out += std::string("# TYPE ") + name + " gauge\n";
}

std::string seconds(std::int64_t ms) {
  // Whole seconds with millisecond decimals, as Prometheus' time() compares them.
  const std::string whole = std::to_string(ms / 1000);
  std::string frac = std::to_string(ms % 1000);
  frac.insert(0, 3 - frac.size(), '0');
  return whole + "." + frac;
}

}  // namespace

std::string render_fleet(const FleetStats& stats) {
  std::string out;
  gauge(out, "waystation_fleet_stats_up", "1 when the database could be read for the gauges below.");
  out += "waystation_fleet_stats_up 1\n";

  gauge(out, "waystation_kiosks", "Enrolled kiosks by state.");
  out += "waystation_kiosks{state=\"active\"} " + std::to_string(stats.kiosks.size()) + "\n";
  out += "waystation_kiosks{state=\"revoked\"} " + std::to_string(stats.revoked_kiosks) + "\n";

  gauge(out, "waystation_kiosk_last_seen_timestamp_seconds",
        "Unix time of each active kiosk's last authenticated request (0: not seen since enrolment).");
  for (const auto& k : stats.kiosks) {
    out += "waystation_kiosk_last_seen_timestamp_seconds{centre=\"" + k.centre + "\",device=\"" + k.device_id +
           "\"} " + (k.last_seen_ms ? seconds(*k.last_seen_ms) : std::string("0")) + "\n";
  }

  gauge(out, "waystation_refused_records_open", "Refused records not yet accepted in a later version, by centre.");
  for (const auto& [centre, n] : stats.open_refusals) {
    out += "waystation_refused_records_open{centre=\"" + centre + "\"} " + std::to_string(n) + "\n";
  }

  gauge(out, "waystation_last_backup_timestamp_seconds",
        "Unix time of the last good `sync-server backup` of this database (0: never).");
  out += "waystation_last_backup_timestamp_seconds " +
         (stats.last_backup_ms ? seconds(*stats.last_backup_ms) : std::string("0")) + "\n";

  if (stats.disk_free_bytes) {
    gauge(out, "waystation_disk_free_bytes", "Bytes free to the server on the file system holding the database.");
    out += "waystation_disk_free_bytes " + std::to_string(*stats.disk_free_bytes) + "\n";
  }
  if (stats.database_bytes) {
    gauge(out, "waystation_database_bytes", "Size of the database file and its write-ahead log.");
    out += "waystation_database_bytes " + std::to_string(*stats.database_bytes) + "\n";
  }
  return out;
}

std::string render_fleet_unavailable() {
  std::string out;
  gauge(out, "waystation_fleet_stats_up", "1 when the database could be read for the gauges below.");
  out += "waystation_fleet_stats_up 0\n";
  return out;
}

}  // namespace ws::server
