#include "sync-server/core/backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "sync-server/core/epoch.hpp"
#include "sync-server/core/fleet_stats.hpp"
#include "sync-server/core/records.hpp"
#include "sync-server/core/schema.hpp"
#include "ws/sqlite.hpp"
#include "ws/sqlite_backup.hpp"

namespace ws::server {
namespace {

using sql::copy_database_into;
using sql::create_private_file;
using sql::fsync_path;

Result<std::int64_t> count_records(sql::Connection& db) {
  auto st = db.prepare("SELECT count(*) FROM records");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  return st->column_int(0);
}

struct Snapshot {
  std::int64_t pages = 0;
  std::int64_t records = 0;
};

// One read transaction for the whole copy: every step reads the same snapshot, so commits made
// meanwhile neither restart the backup nor tear it. The snapshot is let go on return.
Result<Snapshot> copy_snapshot(const std::string& db_path, const std::string& to) {
  auto src = sql::Connection::open(db_path, sql::OpenOptions{.read_only = true, .create = false});
  if (!src) return fail(src.error());
  auto tx = sql::Transaction::begin(*src, sql::TxMode::Deferred);
  if (!tx) return fail(tx.error());
  auto records = count_records(*src);
  if (!records) return fail(records.error());
  auto pages = copy_database_into(*src, to);
  if (!pages) return fail(pages.error());
  return Snapshot{*pages, *records};
}

}  // namespace

Result<BackupReport> backup_database(const std::string& db_path, const std::string& to) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db_path, ec)) return fail("not_found", "no database at " + db_path);
  if (auto s = create_private_file(to); !s) return fail(s.error());
  auto cleanup_on_failure = [&](const Error& e) {
    ::unlink(to.c_str());
    return fail(e);
  };
  auto copied = copy_snapshot(db_path, to);
  if (!copied) return cleanup_on_failure(copied.error());
  if (auto s = fsync_path(to, O_RDONLY); !s) return cleanup_on_failure(s.error());
  if (auto s = check_integrity(to); !s) return cleanup_on_failure(s.error());
  BackupReport report{to, copied->pages, copied->records, "ok", ""};
  if (auto s = record_backup_time(db_path, unix_ms_now()); !s) report.stamp_warning = s.error().message;
  return report;
}

Result<RestoreReport> restore_database(const std::string& from, const std::string& db_path) {
  // Held until the end, so no server starts on db_path while it is being replaced.
  auto lock = ServingLock::acquire(db_path);
  if (!lock) {
    if (lock.error().code == "busy") {
      return fail("database_in_use", "a running sync-server has this database open; stop it first");
    }
    return fail(lock.error());
  }
  if (auto s = check_integrity(from); !s) return fail(s.error());
  const std::string tmp = db_path + ".restore-tmp";
  ::unlink(tmp.c_str());
  if (auto s = create_private_file(tmp); !s) return fail(s.error());
  auto abandon = [&](const Error& e) {
    ::unlink(tmp.c_str());
    return fail(e);
  };
  RestoreReport report{db_path, "", 0};
  {
    auto src = sql::Connection::open(from, sql::OpenOptions{.read_only = true, .create = false});
    if (!src) return abandon(src.error());
    if (auto pages = copy_database_into(*src, tmp); !pages) return abandon(pages.error());
    auto copy = sql::Connection::open(tmp);
    if (!copy) return abandon(copy.error());
    if (auto s = migrate(*copy); !s) return abandon(s.error());
    auto epoch = renew_epoch(*copy);
    if (!epoch) return abandon(epoch.error());
    report.epoch = *epoch;
    auto records = count_records(*copy);
    if (!records) return abandon(records.error());
    report.records = *records;
    // Everything into the main file, so the rename moves one complete file.
    if (auto s = copy->exec("PRAGMA wal_checkpoint(TRUNCATE)"); !s) return abandon(s.error());
  }
  ::unlink((tmp + "-wal").c_str());
  ::unlink((tmp + "-shm").c_str());
  if (auto s = fsync_path(tmp, O_RDONLY); !s) return abandon(s.error());
  // The old database's WAL would be replayed onto the new file: it goes first.
  ::unlink((db_path + "-wal").c_str());
  ::unlink((db_path + "-shm").c_str());
  if (::rename(tmp.c_str(), db_path.c_str()) != 0) return abandon(Error{"io_error", "cannot replace " + db_path});
  const auto dir = std::filesystem::absolute(db_path).parent_path().string();
  if (auto s = fsync_path(dir, O_RDONLY | O_DIRECTORY); !s) return fail(s.error());
  return report;
}

}  // namespace ws::server
