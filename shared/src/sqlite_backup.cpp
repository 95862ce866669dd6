#include "ws/sqlite_backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ws::sql {
namespace {

// Pages copied per step (4 or 16 KiB each): one step is a short memory copy, and between steps a
// writer may commit (WAL writers never wait for this reader anyway).
constexpr int kPagesPerStep = 256;

}  // namespace

Status create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail("io_error", "cannot create " + path + ": " + std::strerror(errno));
  ::close(fd);
  return ok();
}

Status fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return fail("io_error", "cannot open " + path + " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return fail("io_error", "cannot sync " + path);
  return ok();
}

Result<std::int64_t> copy_database_into(Connection& src, const std::string& to) {
  // SQLite refuses to copy into a WAL file of another page size; the copy takes the source's.
  auto size = page_size(src);
  if (!size) return fail(size.error());
  auto dest = Connection::open(to, OpenOptions{.page_size = *size});
  if (!dest) return fail(dest.error());
  sqlite3_backup* b = sqlite3_backup_init(dest->handle(), "main", src.handle(), "main");
  if (!b) return fail("backup_failed", "cannot start the backup: " + dest->last_error());
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) rc = sqlite3_backup_step(b, kPagesPerStep);
  const std::int64_t pages = sqlite3_backup_pagecount(b);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return fail("backup_failed", std::string("the backup failed: ") + sqlite3_errstr(rc));
  // One self-contained file (no -wal beside it), readable without writing side files.
  if (auto s = dest->exec("PRAGMA journal_mode=DELETE"); !s) return fail(s.error());
  return pages;
}

Status check_integrity(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return fail("not_found", "no such file: " + path);
  auto db = Connection::open(path, OpenOptions{.read_only = true, .create = false});
  if (!db) return fail("corrupt", "cannot open " + path + ": " + db.error().message);
  auto st = db->prepare("PRAGMA integrity_check");
  if (!st) return fail("corrupt", "the file is not a readable database: " + st.error().message);
  auto row = st->step();
  if (!row || !*row) return fail("corrupt", "integrity_check gave no answer");
  const std::string verdict = st->column_text(0);
  if (verdict != "ok") return fail("corrupt", "integrity_check failed: " + verdict);
  return ok();
}

}  // namespace ws::sql
