#include "sync-server/core/epoch.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "sync-server/core/records.hpp"

namespace ws::server {
namespace {

struct Sidecar {
  std::string epoch;
  std::int64_t seq = 0;
};

Sidecar read_sidecar(const std::string& db_path) {
  std::ifstream in(epoch_sidecar_path(db_path));
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, false);
  Sidecar out;
  if (j.is_object() && j.value("epoch", nlohmann::json()).is_string() &&
      j.value("seq", nlohmann::json()).is_number_integer()) {
    out.epoch = j["epoch"].get<std::string>();
    out.seq = j["seq"].get<std::int64_t>();
  }
  return out;
}

Status write_file_synced(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail("io_error", "cannot write " + tmp + ": " + std::strerror(errno));
  const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  const bool synced = written && ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail("io_error", "cannot write " + path);
  }
  return ok();
}

}  // namespace

std::string epoch_sidecar_path(const std::string& db_path) { return db_path + ".epoch"; }
std::string serving_lock_path(const std::string& db_path) { return db_path + ".lock"; }

Result<std::string> read_epoch(sql::Connection& db) {
  auto st = db.prepare("SELECT value FROM server_meta WHERE key = 'epoch'");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return fail("internal", "the database has no epoch");
  return st->column_text(0);
}

Result<std::string> renew_epoch(sql::Connection& db) {
  auto st = db.prepare(
      "INSERT INTO server_meta (key, value) VALUES ('epoch', lower(hex(randomblob(16)))) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!st) return fail(st.error());
  if (auto s = st->run(); !s) return fail(s.error());
  return read_epoch(db);
}

Result<std::string> start_epoch(sql::Connection& db, const std::string& db_path) {
  auto epoch = read_epoch(db);
  if (!epoch) return epoch;
  auto seq = current_seq(db);
  if (!seq) return fail(seq.error());
  const Sidecar seen = read_sidecar(db_path);
  if (!seen.epoch.empty() && seen.epoch == *epoch && *seq < seen.seq) {
    epoch = renew_epoch(db);
    if (!epoch) return epoch;
  }
  if (auto s = remember_epoch(db_path, *epoch, *seq); !s) return fail(s.error());
  return epoch;
}

Status remember_epoch(const std::string& db_path, const std::string& epoch, std::int64_t seq) {
  return write_file_synced(epoch_sidecar_path(db_path), nlohmann::json{{"epoch", epoch}, {"seq", seq}}.dump() + "\n");
}

Result<ServingLock> ServingLock::acquire(const std::string& db_path) {
  const std::string path = serving_lock_path(db_path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail("io_error", "cannot open the lock file " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return fail("busy", "another sync-server is serving this database");
  }
  return ServingLock(fd);
}

Result<bool> ServingLock::held_elsewhere(const std::string& db_path) {
  auto lock = acquire(db_path);
  if (lock) return false;
  if (lock.error().code == "busy") return true;
  return fail(lock.error());
}

ServingLock::ServingLock(ServingLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

ServingLock::~ServingLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace ws::server
