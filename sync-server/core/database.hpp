#pragma once
// The server's SQLite file: opened once per process, migrated on open, and handed out as
// per-thread connections. Writes are serialised in-process by one mutex so that concurrent
// pushes queue in memory instead of spinning in SQLite's busy handler; other processes (the
// admin commands) still meet SQLite's own lock and wait busy_timeout.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sync-server/core/epoch.hpp"
#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

class Database;

// A pooled connection, returned to its pool (or, for the writer's, to the writer's place)
// when it goes out of scope.
class Lease {
 public:
  enum class Slot { Pool, Writer };
  Lease(Database* owner, sql::Connection conn, Slot slot = Slot::Pool)
      : owner_(owner), conn_(std::move(conn)), slot_(slot) {}
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
  Slot slot_;
};

struct DatabaseOptions {
  // SQLite's automatic checkpoint runs inside a committing request once the WAL passes 1000
  // pages: it copies the WAL into the database file and fsyncs it, adding tens of ms to that
  // one push. The server turns it off on its connections and checkpoints from a thread of its
  // own instead. Short-lived admin commands keep SQLite's default.
  bool background_checkpoints = false;
  std::chrono::milliseconds checkpoint_interval{250};
  // `serve`: hold FILE.lock for the Database's life, check FILE.epoch for a rollback on open
  // and keep it current on every checkpoint tick (see epoch.hpp).
  bool serving = false;
};

class Database {
 public:
  // Opens (creating if needed) and migrates the file to the current schema.
  static Result<std::shared_ptr<Database>> open(const std::string& path, DatabaseOptions options = {});
  ~Database();  // stops the checkpoint thread after a last checkpoint

  Result<Lease> acquire();
  // Held for the whole of a write transaction by every in-process writer.
  std::mutex& write_mutex() { return write_mutex_; }
  const std::string& path() const { return path_; }
  // The epoch at open; constant while this process serves (a restore needs it stopped).
  const std::string& epoch() const { return epoch_; }

 private:
  friend class Lease;
  friend class WriteScope;
  Database(std::string path, DatabaseOptions options) : path_(std::move(path)), options_(options) {}
  void release(sql::Connection conn);
  // The one connection every WriteScope writes on; only under write_mutex_.
  Result<Lease> acquire_writer();
  Status configure(sql::Connection& conn) const;
  Result<sql::Connection> open_configured() const;
  void run_checkpoints(sql::Connection conn);
  void remember_seq(sql::Connection& conn);

  std::string path_;
  std::string epoch_;
  std::optional<ServingLock> serving_lock_;
  std::int64_t remembered_seq_ = -1;
  DatabaseOptions options_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool stopping_ = false;
  std::thread checkpointer_;
  std::mutex pool_mutex_;
  std::vector<sql::Connection> idle_;
  std::mutex write_mutex_;
  // Kept apart from the pool so that the writer's page cache stays valid across commits:
  // SQLite drops a connection's whole cache when another connection has committed since its
  // last transaction, and a writer taken from the pool met that almost every time, reading the
  // B-trees' pages back from the WAL and the file (pread) on each group commit.
  std::optional<sql::Connection> writer_;
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
