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

void GroupCommit::write_group(const std::vector<Job*>& group) {
  auto fail_all = [&](const Error& e) {
    for (Job* j : group)
      if (j->result) j->result = fail(e);
  };
  auto w = WriteScope::begin(db_);
  if (!w) return fail_all(w.error());
  auto& db = w->conn();
  if (group.size() == 1) {
    // A lone write needs no savepoint: its failure rolls the transaction back. A savepoint
    // around it would also nest every savepoint the write opens (one per record in a push),
    // and SQLite's in-memory sub-journal walks its chunk list from the start on each nested
    // release: quadratic in the pages a batch touches (37% of the ingest CPU at 100,000
    // records, 3x slower loading at 1,000,000).
    Job& j = *group.front();
    j.result = run_guarded(*j.work, db);
    if (!j.result) return;  // the scope rolls back
    if (auto s = w->commit(); !s) j.result = fail(s.error());
    return;
  }
  auto savepoint = db.prepare("SAVEPOINT job");
  auto release = db.prepare("RELEASE job");
  auto rollback = db.prepare("ROLLBACK TO job");
  if (!savepoint || !release || !rollback) {
    return fail_all(!savepoint ? savepoint.error() : !release ? release.error() : rollback.error());
  }
  auto once = [](sql::Statement& st) {
    st.reset();
    return st.run();
  };
  for (Job* j : group) {
    if (auto s = once(*savepoint); !s) return fail_all(s.error());
    j->result = run_guarded(*j->work, db);
    // A failed job's writes go; if even that fails the transaction is unusable and the scope
    // rolls every job back.
    if (!j->result) {
      if (auto s = once(*rollback); !s) return fail_all(s.error());
    }
    if (auto s = once(*release); !s) return fail_all(s.error());
  }
  if (auto s = w->commit(); !s) fail_all(s.error());
}

}  // namespace ws::server
