#include "sync-server/core/thread_priority.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace ws::server {
namespace {

// On Linux the nice value belongs to each thread, named by its thread id.
id_t this_thread() { return static_cast<id_t>(gettid()); }

int nice_of(id_t thread) {
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, thread);
  return errno == 0 ? nice : 0;
}

}  // namespace

int thread_nice() { return nice_of(this_thread()); }
int process_nice() { return nice_of(static_cast<id_t>(getpid())); }

void name_this_thread(const char* name) { pthread_setname_np(pthread_self(), name); }

void run_below_writer() {
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  // From the process's level, not the thread's: a thread made by a lowered thread starts
  // lowered, and lowering it again would bury it.
  const int target = std::min(process_nice() + kCheckNiceSteps, 19);
  if (target > thread_nice()) setpriority(PRIO_PROCESS, this_thread(), target);
}

}  // namespace ws::server
