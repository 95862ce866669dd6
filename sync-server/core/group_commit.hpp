#pragma once
// Group commit: writes that concurrent requests queue while one transaction is being written
// and fsynced share the next transaction, so N kiosks pushing at once cost one commit and one
// fsync per group instead of one per batch. The writes of a group run one after the other with
// no savepoint between them (a savepoint copies every page a write touches into SQLite's
// sub-journal, which cost more than the fsync it saved: docs/performance.md, sessions 7 and 9).
// If any write of a group fails, or its commit does, the whole transaction is rolled back and
// each of its writes is run again alone, in the same order, in a transaction of its own: a
// failure never touches another request's write, and a failed write leaves nothing. Every
// caller returns only after the commit that holds its write is durable (or has failed).
//
// The writes run on a thread of their own, not on whichever request thread came first: the
// writer is the ingest's one serial step, so it keeps the scheduling priority the server started
// with while the threads that check pushes run below it (thread_priority.hpp). A request thread
// that led the group could not take its priority back once lowered.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "sync-server/core/database.hpp"
#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

class GroupCommit {
 public:
  // A write of one request, run on whichever request thread leads the group. It must not
  // begin or end transactions itself (savepoints it opens and closes are fine). It may run
  // twice: first in a group that another write's failure rolls back, then alone. So it must be
  // repeatable from its inputs, and what it hands back to its caller is from its last run.
  using Work = std::function<Status(sql::Connection&)>;

  // What the writer has done so far (for tests and metrics).
  struct Stats {
    std::size_t commits = 0;         // transactions committed
    std::size_t shared_commits = 0;  // ... of which held more than one write
    std::size_t rolled_back_groups = 0;  // groups undone and rewritten one write at a time
  };

  // Starts the writer thread (std::system_error if the system will not start one).
  explicit GroupCommit(Database& db, std::size_t max_group = 32);
  // Stops the writer. Every caller of run() must have returned.
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // `work`'s own failure (it was rolled back), the transaction's failure, or ok() once the
  // commit holding `work`'s writes has returned (synchronous=FULL: fsynced). `work` runs on the
  // writer thread while the caller waits.
  Status run(const Work& work);

  // Jobs waiting for the next group, and whether a group is being written (for tests).
  std::size_t queued();
  bool writing();
  Stats stats() const;

 private:
  struct Job {
    const Work* work = nullptr;
    Status result = ok();
    bool done = false;
  };
  void write_loop();
  void write_group(const std::vector<Job*>& group);
  bool write_together(const std::vector<Job*>& group);
  void write_alone(Job& job);

  Database& db_;
  const std::size_t max_group_;
  std::mutex mutex_;
  std::condition_variable queued_work_;  // wakes the writer
  std::condition_variable finished_;     // wakes the callers of a written group
  std::deque<Job*> queue_;
  bool writing_ = false;
  bool stopping_ = false;
  std::atomic<std::size_t> commits_{0}, shared_commits_{0}, rolled_back_groups_{0};
  std::thread writer_;  // last: it starts once everything it uses is made
};

}  // namespace ws::server
