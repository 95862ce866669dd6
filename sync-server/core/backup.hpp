#pragma once
// `sync-server backup` and `restore`: SQLite's online backup API, so a backup runs while the
// server serves (WAL: the backup reads one snapshot, pushes keep committing), and a restore
// that never replaces a database a server has open (see ServingLock in epoch.hpp).
#include <cstdint>
#include <string>

#include "ws/result.hpp"
#include "ws/sqlite_backup.hpp"

namespace ws::server {

struct BackupReport {
  std::string file;
  std::int64_t pages = 0;
  std::int64_t records = 0;  // records in the snapshot the copy holds
  std::string integrity;     // "ok"
  // The time of this backup is stamped into the source database for /metrics; a backup that
  // succeeded but could not stamp it (e.g. the database is read-only to this user) says why.
  std::string stamp_warning;
};

// Copies db_path into `to` (created 0600, must not exist), a few pages per step so writers
// are never held up for long, then runs PRAGMA integrity_check on the copy.
Result<BackupReport> backup_database(const std::string& db_path, const std::string& to);

struct RestoreReport {
  std::string db;
  std::string epoch;  // the restored database's new epoch
  std::int64_t records = 0;
};

// Refuses while a server serves db_path; checks the backup's integrity, copies it to a temp
// file (0600), migrates it, gives it a new epoch, fsyncs, drops db_path's stale WAL and renames
// the copy over db_path.
Result<RestoreReport> restore_database(const std::string& from, const std::string& db_path);

// PRAGMA integrity_check's verdict on the file: "ok" or an error.
using sql::check_integrity;

}  // namespace ws::server
