#pragma once
// Group commit: writes that concurrent requests queue while one transaction is being written
// and fsynced share the next transaction, so N kiosks pushing at once cost one fsync per
// group instead of one per batch. In a group of several, each write runs in a savepoint of its
// own, so one that fails leaves no trace and the others still commit (a lone write is the
// transaction); every caller returns only after the commit
// that holds its write is durable (or has failed).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "sync-server/core/database.hpp"
#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

class GroupCommit {
 public:
  // A write of one request, run on whichever request thread leads the group. It must not
  // begin or end transactions itself (savepoints are fine).
  using Work = std::function<Status(sql::Connection&)>;

  explicit GroupCommit(Database& db, std::size_t max_group = 32) : db_(db), max_group_(max_group) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // `work`'s own failure (it was rolled back), the transaction's failure, or ok() once the
  // commit holding `work`'s writes has returned (synchronous=FULL: fsynced).
  Status run(const Work& work);

  // Jobs waiting for the next group (for tests and metrics).
  std::size_t queued();

 private:
  struct Job {
    const Work* work = nullptr;
    Status result = ok();
    bool done = false;
  };
  void write_group(const std::vector<Job*>& group);

  Database& db_;
  const std::size_t max_group_;
  std::mutex mutex_;
  std::condition_variable finished_;
  std::deque<Job*> queue_;
  bool leading_ = false;
};

}  // namespace ws::server
