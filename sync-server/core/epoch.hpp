#pragma once
// The server's epoch and the files that sit next to its database.
//
// The epoch is a random id in the database (server_meta) that every reply carries. It is new
// for a new database and after every `sync-server restore`, so a kiosk that sees it change
// knows the server may have lost changes and offers back what it holds.
//
// A database copied back by hand while the server was stopped is caught on the next start by
// the sidecar FILE.epoch: the server writes there its epoch and the highest change sequence it
// has committed (on start, every checkpoint tick and at stop). If on start the database's
// sequence is below the sidecar's, the data went back in time and the server takes a new epoch.
//
// FILE.lock is held with an exclusive flock for the whole life of `sync-server serve`, so
// `restore` can tell reliably (the kernel drops the lock when the process dies, even by
// SIGKILL) whether a running server has the database open.
#include <cstdint>
#include <string>

#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

std::string epoch_sidecar_path(const std::string& db_path);
std::string serving_lock_path(const std::string& db_path);

Result<std::string> read_epoch(sql::Connection& db);
// Writes a fresh random epoch and returns it.
Result<std::string> renew_epoch(sql::Connection& db);

// On start of serving: the epoch to serve with, new when the sidecar shows a rollback.
Result<std::string> start_epoch(sql::Connection& db, const std::string& db_path);
// Remembers (epoch, seq) in the sidecar, atomically; seq never goes down for one epoch.
Status remember_epoch(const std::string& db_path, const std::string& epoch, std::int64_t seq);

// The exclusive advisory lock of a serving process, released when it goes out of scope.
class ServingLock {
 public:
  static Result<ServingLock> acquire(const std::string& db_path);
  // True when another process holds the lock (a server is running on db_path).
  static Result<bool> held_elsewhere(const std::string& db_path);
  ServingLock(ServingLock&& other) noexcept;
  ServingLock& operator=(ServingLock&&) = delete;
  ServingLock(const ServingLock&) = delete;
  ServingLock& operator=(const ServingLock&) = delete;
  ~ServingLock();

 private:
  explicit ServingLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace ws::server
