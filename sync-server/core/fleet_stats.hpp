#pragma once
// What an operator alerts on, read from the database when /metrics is scraped: kiosks and when
// each was last seen, refused records still open, the disk under the database, the last backup.
// Only ids and counts: no payload value ever reaches a metric.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

struct KioskSeen {
  std::string device_id;
  std::string centre;
  std::optional<std::int64_t> last_seen_ms;  // none until its first request after enrolment
};

struct FleetStats {
  std::vector<KioskSeen> kiosks;  // active (not revoked) devices
  std::int64_t revoked_kiosks = 0;
  std::vector<std::pair<std::string, std::int64_t>> open_refusals;  // per centre, unresolved
  std::optional<std::int64_t> last_backup_ms;
  std::optional<std::uint64_t> disk_free_bytes;  // of the file system holding the database
  std::optional<std::uint64_t> database_bytes;   // the file plus its WAL
};

Result<FleetStats> read_fleet_stats(sql::Connection& db, const std::string& db_path);

// `sync-server backup` stamps the time of its last good backup into the database it copied, so
// the alert on backup age needs nothing but the server's own /metrics.
Status record_backup_time(const std::string& db_path, std::int64_t at_ms);

}  // namespace ws::server
