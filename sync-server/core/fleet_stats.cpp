#include "sync-server/core/fleet_stats.hpp"

#include <sys/statvfs.h>

#include <filesystem>

namespace ws::server {
namespace {

Status read_kiosks(sql::Connection& db, FleetStats& out) {
  auto st = db.prepare("SELECT id, centre, last_seen_at_ms, revoked_at_ms IS NOT NULL FROM devices ORDER BY centre, id");
  if (!st) return fail(st.error());
  while (true) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    if (st->column_int(3) != 0) {
      ++out.revoked_kiosks;
      continue;
    }
    std::optional<std::int64_t> seen;
    if (!st->is_null(2)) seen = st->column_int(2);
    out.kiosks.push_back(KioskSeen{st->column_text(0), st->column_text(1), seen});
  }
  return ok();
}

Status read_open_refusals(sql::Connection& db, FleetStats& out) {
  auto st = db.prepare("SELECT centre, count(*) FROM refused WHERE resolved_at_ms IS NULL GROUP BY centre ORDER BY centre");
  if (!st) return fail(st.error());
  while (true) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.open_refusals.emplace_back(st->column_text(0), st->column_int(1));
  }
  return ok();
}

Status read_last_backup(sql::Connection& db, FleetStats& out) {
  auto st = db.prepare("SELECT value FROM server_meta WHERE key = 'last_backup_ms'");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  if (*row) {
    try {
      out.last_backup_ms = std::stoll(st->column_text(0));
    } catch (const std::exception&) {
      // A hand-edited value is treated as "never", which is what the alert should then say.
    }
  }
  return ok();
}

void read_disk(const std::string& db_path, FleetStats& out) {
  std::error_code ec;
  const auto file = std::filesystem::absolute(db_path, ec);
  if (ec) return;
  struct statvfs vfs {};
  if (::statvfs(file.parent_path().c_str(), &vfs) == 0) {
    out.disk_free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  }
  std::uint64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    const auto size = std::filesystem::file_size(file.string() + suffix, ec);
    if (!ec) total += size;
  }
  out.database_bytes = total;
}

}  // namespace

Result<FleetStats> read_fleet_stats(sql::Connection& db, const std::string& db_path) {
  FleetStats out;
  if (auto s = read_kiosks(db, out); !s) return fail(s.error());
  if (auto s = read_open_refusals(db, out); !s) return fail(s.error());
  if (auto s = read_last_backup(db, out); !s) return fail(s.error());
  read_disk(db_path, out);
  return out;
}

Status record_backup_time(const std::string& db_path, std::int64_t at_ms) {
  auto db = sql::Connection::open(db_path, sql::OpenOptions{.read_only = false, .create = false});
  if (!db) return fail(db.error());
  auto st = db->prepare(
      "INSERT INTO server_meta (key, value) VALUES ('last_backup_ms', ?1) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!st) return fail(st.error());
  st->bind(1, std::to_string(at_ms));
  return st->run();
}

}  // namespace ws::server
