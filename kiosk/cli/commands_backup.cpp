// backup: a technician's copy of this kiosk's data folder, taken while the kiosk keeps running.
// The database is copied with SQLite's online backup (one consistent snapshot, checked); the
// other files of the folder (content bundles) are copied as they are. The disk-space reserve
// and SQLite's side files are left out: the copy is a complete folder on its own.
#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <ostream>

#include "kiosk/cli/commands.hpp"
#include "ws/sqlite_backup.hpp"

namespace ws::kiosk::cli {
namespace {

namespace fs = std::filesystem;

bool left_out(const std::string& name) {
  return name == "kiosk.db" || name == "kiosk.db-wal" || name == "kiosk.db-shm" || name == "kiosk.db-journal" ||
         name == "space-reserve";
}

Result<std::int64_t> copy_database(const std::string& from, const std::string& to) {
  if (auto s = sql::create_private_file(to); !s) return fail(s.error());
  auto src = sql::Connection::open(from, sql::OpenOptions{.read_only = true, .create = false});
  if (!src) return fail(src.error());
  // One read transaction: the copy is the state of one moment, whatever the kiosk saves meanwhile.
  auto tx = sql::Transaction::begin(*src, sql::TxMode::Deferred);
  if (!tx) return fail(tx.error());
  auto pages = sql::copy_database_into(*src, to);
  if (!pages) return fail(pages.error());
  if (auto s = sql::fsync_path(to, O_RDONLY); !s) return fail(s.error());
  if (auto s = sql::check_integrity(to); !s) return fail(s.error());
  return pages;
}

Status copy_other_files(const std::string& from, const std::string& to) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    const std::string name = entry.path().filename().string();
    if (left_out(name)) continue;
    fs::copy(entry.path(), fs::path(to) / name, fs::copy_options::recursive, ec);
    if (ec) return fail("io_error", "cannot copy " + name + ": " + ec.message());
  }
  if (ec) return fail("io_error", "cannot read " + from + ": " + ec.message());
  return ok();
}

}  // namespace

int cmd_backup(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) return report(ctx, s.error(), kExitUsage);
  auto to = required(ctx, "--to");
  if (!to) return report(ctx, to.error(), kExitUsage);
  const std::string db = Store::database_path(ctx.data_dir);
  std::error_code ec;
  if (!fs::is_regular_file(db, ec)) return report(ctx, Error{"not_found", "no kiosk data in " + ctx.data_dir});
  if (::mkdir(to->c_str(), 0700) != 0) {
    return report(ctx, Error{"io_error", "cannot create " + *to + " (it must not exist yet)"});
  }
  auto pages = copy_database(db, Store::database_path(*to));
  Status copied = pages ? copy_other_files(ctx.data_dir, *to) : Status(fail(pages.error()));
  if (!copied) {
    fs::remove_all(*to, ec);
    return report(ctx, Error{copied.error().code, "the backup failed, nothing was kept: " + copied.error().message});
  }
  if (auto s = sql::fsync_path(*to, O_RDONLY | O_DIRECTORY); !s) return report(ctx, s.error());
  ctx.out << nlohmann::json{{"to", *to}, {"pages", *pages}, {"integrity", "ok"}}.dump() << "\n";
  return kExitOk;
}

}  // namespace ws::kiosk::cli
