#include "sync-server/core/group_commit.hpp"

#include <exception>

#include "sync-server/core/thread_priority.hpp"

namespace ws::server {
namespace {

Status run_guarded(const GroupCommit::Work& work, sql::Connection& db) {
  try {
    return work(db);
  } catch (const std::exception&) {
    return fail("internal", "the server failed to write this request");
  }
}

}  // namespace

GroupCommit::GroupCommit(Database& db, std::size_t max_group)
    : db_(db), max_group_(max_group), writer_([this] { write_loop(); }) {}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_work_.notify_one();
  writer_.join();
}

Status GroupCommit::run(const Work& work) {
  Job job{&work, ok(), false};
  std::unique_lock lock(mutex_);
  queue_.push_back(&job);
  queued_work_.notify_one();
  finished_.wait(lock, [&] { return job.done; });
  return job.result;
}

// Takes every job queued so far (up to a group's size) while the jobs that arrive meanwhile
// queue for the next group.
void GroupCommit::write_loop() {
  name_this_thread("ws-writer");
  std::vector<Job*> group;
  group.reserve(max_group_);
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;
    writing_ = true;
    group.clear();
    while (!queue_.empty() && group.size() < max_group_) {
      group.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    try {
      write_group(group);
    } catch (const std::exception&) {
      // Only allocation can throw here (a write's own exceptions are caught around it). The
      // callers must hear of it rather than wait forever; a write whose commit went through
      // before the throw is answered from the batch log when its kiosk sends the batch again.
      for (Job* j : group) j->result = fail("internal", "the server failed to write this request");
    }
    lock.lock();
    for (Job* j : group) j->done = true;
    writing_ = false;
    finished_.notify_all();
  }
}

std::size_t GroupCommit::queued() {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

bool GroupCommit::writing() {
  std::lock_guard lock(mutex_);
  return writing_;
}

GroupCommit::Stats GroupCommit::stats() const {
  return Stats{commits_.load(), shared_commits_.load(), rolled_back_groups_.load()};
}

void GroupCommit::write_group(const std::vector<Job*>& group) {
  if (group.size() > 1) {
    if (write_together(group)) return;
    ++rolled_back_groups_;
  }
  for (Job* j : group) write_alone(*j);
}

// All of the group in one transaction, or nothing of it (false: the scope rolled it back).
bool GroupCommit::write_together(const std::vector<Job*>& group) {
  auto w = WriteScope::begin(db_);
  if (!w) return false;
  for (Job* j : group) {
    if (!run_guarded(*j->work, w->conn())) return false;
  }
  if (!w->commit()) return false;
  for (Job* j : group) j->result = ok();
  ++commits_;
  ++shared_commits_;
  return true;
}

// A lone write is its own transaction: its failure rolls back only itself. No savepoint around
// it either: it would nest every savepoint the write opens, and SQLite's in-memory sub-journal
// walks its chunk list from the start on each nested release (quadratic in the pages a batch
// touches: 37% of the ingest CPU at 100,000 records).
void GroupCommit::write_alone(Job& job) {
  auto w = WriteScope::begin(db_);
  if (!w) {
    job.result = fail(w.error());
    return;
  }
  job.result = run_guarded(*job.work, w->conn());
  if (!job.result) return;  // the scope rolls back
  if (auto s = w->commit(); !s) {
    job.result = fail(s.error());
    return;
  }
  ++commits_;
}

}  // namespace ws::server
