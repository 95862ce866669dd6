#include "sync-server/core/group_commit.hpp"

#include <exception>

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

Status GroupCommit::run(const Work& work) {
  Job job{&work, ok(), false};
  std::unique_lock lock(mutex_);
  queue_.push_back(&job);
  while (!job.done) {
    if (leading_) {
      finished_.wait(lock);
      continue;
    }
    // Nobody is writing: this thread writes every job queued so far (its own among them)
    // while the jobs that arrive meanwhile queue for the next group.
    leading_ = true;
    std::vector<Job*> group;
    while (!queue_.empty() && group.size() < max_group_) {
      group.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    write_group(group);
    lock.lock();
    for (Job* j : group) j->done = true;
    leading_ = false;
    finished_.notify_all();
  }
  return job.result;
}

std::size_t GroupCommit::queued() {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

bool GroupCommit::writing() {
  std::lock_guard lock(mutex_);
  return leading_;
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
