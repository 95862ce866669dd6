#pragma once
// Crash tests: work run in a forked child that is SIGKILLed partway.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace ws::kiosk::test {

// Runs `work` (returns the exit code) in a forked child and kills it after `delay_us`, or lets
// it finish when `delay_us` is negative. Returns the child's wait status, -1 when fork failed.
template <class Work>
int run_killed_after(int delay_us, Work work) {
  const pid_t child = fork();
  if (child < 0) return -1;
  if (child == 0) _exit(work());
  if (delay_us >= 0) {
    // Where the kill lands is what varies; nothing waits on it.
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    kill(child, SIGKILL);
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child) return -1;
  return status;
}

}  // namespace ws::kiosk::test
