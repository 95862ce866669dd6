#pragma once
// KIOSK_DEBUG_FRAMES=1 also says where start-up time goes: one stderr line per phase,
//   startup PHASE end END took TOOK cpu CPU process PROCESS [beside]
// END: milliseconds since the kernel started the process (exec; the kernel keeps that at a
// 10 ms tick); TOOK: the phase's wall time; CPU: the CPU time its thread spent in it (on a busy
// machine wall times swell, CPU times much less); PROCESS: the CPU time of all threads so far.
// "[beside]" marks a phase run on another thread at the same time. Names and times only.
#include <chrono>
#include <mutex>

namespace ws::kiosk::ui {

class StartupTrace {
 public:
  using Clock = std::chrono::steady_clock;

  // Enabled when KIOSK_DEBUG_FRAMES is set; a disabled trace prints nothing.
  static bool wanted();
  explicit StartupTrace(bool enabled);

  bool enabled() const { return enabled_; }
  // Where a phase begins: wall clock and the calling thread's CPU clock.
  struct Mark {
    Clock::time_point wall;
    double thread_cpu_ms = 0;
  };
  static Mark mark();
  // Prints the phase that began at `began` (a mark() on this thread) and ends now; safe from
  // any thread.
  void phase(const char* name, const Mark& began, bool other_thread = false);
  // Prints the phase that began where the last phase() on the main thread ended.
  void next(const char* name);

 private:
  double since_exec_ms(Clock::time_point t) const;
  bool enabled_ = false;
  double exec_to_origin_ms_ = 0;   // from exec to origin_
  Clock::time_point origin_;       // when this trace was made
  Mark last_;                      // the end of the last main-thread phase
  std::mutex print_;
};

}  // namespace ws::kiosk::ui
