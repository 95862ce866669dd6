#pragma once
// The server's SQLite file: opened once per process, migrated on open, and handed out as
// per-thread connections. Writes are serialised in-process by one mutex so that concurrent
// pushes queue in memory instead of spinning in SQLite's busy handler; other processes (the
// admin commands) still meet SQLite's own lock and wait busy_timeout.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

class Database;

// A pooled connection, returned to its pool when it goes out of scope.
class Lease {
 public:
  Lease(Database* owner, sql::Connection conn) : owner_(owner), conn_(std::move(conn)) {}
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

  sql::Connection& operator*() { return conn_; }
  sql::Connection* operator->() { return &conn_; }

 private:
  Database* owner_;
  sql::Connection conn_;
};

class Database {
 public:
  // Opens (creating if needed) and migrates the file to the current schema.
  static Result<std::shared_ptr<Database>> open(const std::string& path);

  Result<Lease> acquire();
  // Held for the whole of a write transaction by every in-process writer.
  std::mutex& write_mutex() { return write_mutex_; }
  const std::string& path() const { return path_; }

 private:
  friend class Lease;
  explicit Database(std::string path) : path_(std::move(path)) {}
  void release(sql::Connection conn);

  std::string path_;
  std::mutex pool_mutex_;
  std::vector<sql::Connection> idle_;
  std::mutex write_mutex_;
};

// A write transaction that also holds the in-process write lock.
class WriteScope {
 public:
  static Result<WriteScope> begin(Database& db);
  sql::Connection& conn() { return **lease_; }
  Status commit() { return tx_.commit(); }

 private:
  WriteScope(std::unique_lock<std::mutex> lock, std::unique_ptr<Lease> lease, sql::Transaction tx)
      : lock_(std::move(lock)), lease_(std::move(lease)), tx_(std::move(tx)) {}
  // Destruction order matters: roll back, then return the connection, then unlock. The lease
  // lives on the heap because the transaction keeps a pointer to its connection.
  std::unique_lock<std::mutex> lock_;
  std::unique_ptr<Lease> lease_;
  sql::Transaction tx_;
};

}  // namespace ws::server
