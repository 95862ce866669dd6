#pragma once
// The group commit's writer is the ingest's one serial step: every batch waits for it, and while
// it waits for a core the checks of the batches behind it only pile up (on 2 cores, ten kiosks
// keep up to thirty checking threads runnable beside it). So the threads that check pushes run
// below the writer's priority, and the kernel gives the writer a core whenever it has work
// (docs/performance.md, session 23).
//
// Lowering a thread's priority needs no privilege, raising it back would: a thread once lowered
// stays lowered for the rest of its life, so only threads that check pushes are lowered (the
// writer has a thread of its own: group_commit.hpp). Other requests served later by a lowered
// request thread run at the same lower level; against one another nothing changes.
namespace ws::server {

// How many nice levels below the process's the checking threads run.
inline constexpr int kCheckNiceSteps = 10;

// Lowers the calling thread kCheckNiceSteps below the process's priority, once per thread.
// Best effort: where the system refuses, the thread runs on as it was.
void run_below_writer();

// The calling thread's nice value, and the process's (its main thread's): for tests.
int thread_nice();
int process_nice();

// Names the calling thread as `top -H` and /proc/PID/task/TID/comm show it (15 bytes at most).
void name_this_thread(const char* name);

}  // namespace ws::server
